package federation_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestTwoServersAuthorizedFetchConversation: two servers in authorized-fetch
// mode still federate a conversation: alice (one) follows bob (two), bob
// posts, alice replies; carol on two, who follows nobody, finds alice's
// reply by its URL (a signed fetch of it and of its parent). Unsigned GETs
// of every document but the actor (restricted) and the instance actor are
// refused with 401, quote authorizations included; WebFinger and NodeInfo
// stay public.
func TestTwoServersAuthorizedFetchConversation(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite, "AGORA_FEDERATION_AUTHORIZED_FETCH=true")
	two := startOn(t, "127.0.0.2", db.Postgres, "AGORA_FEDERATION_AUTHORIZED_FETCH=true")
	alice, bob, carol := one.newUserToken(t, "alice"), two.newUserToken(t, "bob"), two.newUserToken(t, "carol")
	hostOne, hostTwo := strings.TrimPrefix(one.URL, "http://"), strings.TrimPrefix(two.URL, "http://")

	var bobOnOne jsonMap
	one.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+hostTwo, alice.token, nil, &bobOnOne)
	one.mustAPI(t, "POST", "/api/v1/accounts/"+bobOnOne["id"].(string)+"/follow", alice.token, nil, nil)
	outWait(t, "alice following bob", func() bool { return one.relationship(t, alice, bobOnOne["id"].(string))["following"] == true })

	post := two.post(t, bob, "Signed hello from two")
	var remote jsonMap
	outWait(t, "bob's post at alice's home", func() bool {
		for _, st := range one.home(t, alice) {
			if st["uri"] == post["uri"] {
				remote = st
				return true
			}
		}
		return false
	})
	var reply jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"@bob@" + hostTwo + " signed reply"},
		"in_reply_to_id": {remote["id"].(string)}}, &reply)
	outWait(t, "alice's reply on two", func() bool {
		var c jsonMap
		two.mustAPI(t, "GET", "/api/v1/statuses/"+post["id"].(string)+"/context", bob.token, nil, &c)
		d, _ := c["descendants"].([]any)
		return len(d) == 1 && d[0].(map[string]any)["uri"] == reply["uri"]
	})

	// carol resolves a post of alice's that two does not have: fetched
	// from one with a signature.
	other := one.post(t, alice, "a post two has not seen")
	var found struct{ Statuses []jsonMap }
	two.mustAPI(t, "GET", "/api/v2/search?"+url.Values{"q": {other["uri"].(string)}, "resolve": {"true"}}.Encode(), carol.token, nil, &found)
	if len(found.Statuses) != 1 || !strings.Contains(found.Statuses[0]["content"].(string), "has not seen") {
		t.Errorf("resolving alice's post through authorized fetch: %v", found.Statuses)
	}

	// Unsigned: refused, but for the restricted actor and the instance
	// actor; discovery stays public.
	for _, u := range []string{reply["uri"].(string), reply["uri"].(string) + "/activity", one.actorURI("alice") + "/outbox",
		one.actorURI("alice") + "/followers", one.actorURI("alice") + "/collections/featured",
		reply["uri"].(string) + "/quotes/1"} {
		if code, _, _ := signedGet(t, nil, u); code != http.StatusUnauthorized {
			t.Errorf("unsigned GET %s: %d, want 401", u, code)
		}
	}
	if code, _, actor := signedGet(t, nil, one.actorURI("alice")); code != 200 || actor["publicKey"] == nil || actor["followers"] != nil {
		t.Errorf("unsigned actor: %d %v", code, actor)
	}
	if code, _, inst := signedGet(t, nil, one.URL+"/actor"); code != 200 || inst["publicKey"] == nil {
		t.Errorf("unsigned instance actor: %d", code)
	}
	for _, p := range []string{"/.well-known/webfinger?resource=acct:alice@" + hostOne, "/.well-known/nodeinfo"} {
		if code, _, _ := one.get(t, p, "application/json"); code != 200 {
			t.Errorf("GET %s in authorized-fetch mode: %d, want 200", p, code)
		}
	}
}

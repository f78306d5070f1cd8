package federation_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
)

// Search with resolve=true and account lookup find remote accounts and
// posts over federation (WebFinger, then the actor or the note).
func TestResolveThroughTheAPI(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.setProfile("name", "Bob <b>the</b> Builder")
		r.setProfile("summary", `<p>bio <a href="javascript:alert(1)">x</a></p>`)
		r.setProfile("manuallyApprovesFollowers", true)
		r.setProfile("attachment", []jsonMap{{"type": "PropertyValue", "name": "Site", "value": `<a href="https://bob.example">bob.example</a>`}})
		r.setProfile("icon", jsonMap{"type": "Image", "url": "https://cdn.example/bob.png"})
		r.setProfile("type", "Service")

		// Anonymous search may not resolve (Mastodon's rule).
		q := url.Values{"q": {"@bob@" + r.host()}, "resolve": {"true"}}
		if code := s.api(t, "GET", "/api/v2/search?"+q.Encode(), "", nil, nil); code != 401 {
			t.Fatalf("anonymous resolve: status %d, want 401", code)
		}
		if n := r.fetches.Load(); n != 0 {
			t.Fatalf("anonymous search fetched the actor %d times", n)
		}
		var res struct{ Accounts, Statuses []jsonMap }
		s.mustAPI(t, "GET", "/api/v2/search?"+q.Encode(), alice.token, nil, &res)
		if len(res.Accounts) != 1 {
			t.Fatalf("accounts %v", res.Accounts)
		}
		a := res.Accounts[0]
		if a["acct"] != "bob@"+r.host() || a["display_name"] != "Bob the Builder" || a["locked"] != true || a["bot"] != true ||
			a["avatar"] != "https://cdn.example/bob.png" || strings.Contains(a["note"].(string), "javascript") {
			t.Errorf("account %v", a)
		}
		if f := a["fields"].([]any); len(f) != 1 || !strings.Contains(f[0].(jsonMap)["value"].(string), `href="https://bob.example"`) {
			t.Errorf("fields %v", a["fields"])
		}

		// Lookup finds it, now stored, without fetching again (fresh).
		before := r.fetches.Load()
		var found jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+r.host(), "", nil, &found)
		if found["id"] != a["id"] || r.fetches.Load() != before {
			t.Errorf("lookup %v, fetches %d then %d", found, before, r.fetches.Load())
		}
		// An unknown remote handle is 404.
		if code := s.api(t, "GET", "/api/v1/accounts/lookup?acct=nobody@"+r.host(), "", nil, nil); code != 404 {
			t.Errorf("unknown remote handle: %d, want 404", code)
		}

		// A post's URL resolves to the post.
		r.serve("/notes/42", r.note("/notes/42", "<p>findable</p>", nil))
		q = url.Values{"q": {r.URL + "/notes/42"}, "resolve": {"true"}}
		s.mustAPI(t, "GET", "/api/v2/search?"+q.Encode(), alice.token, nil, &res)
		if len(res.Statuses) != 1 || !strings.Contains(res.Statuses[0]["content"].(string), "findable") {
			t.Fatalf("statuses %v", res.Statuses)
		}
		// And the actor's URL to the account.
		q = url.Values{"q": {r.actor}, "resolve": {"true"}}
		s.mustAPI(t, "GET", "/api/v2/search?"+q.Encode(), alice.token, nil, &res)
		if len(res.Accounts) != 1 || res.Accounts[0]["id"] != a["id"] {
			t.Fatalf("accounts by URL %v", res.Accounts)
		}
	})
}

// An actor whose handle WebFingers to another actor is refused, as is an
// actor document whose id is on another host.
func TestResolveRefusesImpostors(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		other := newRemote(t)
		// other serves, at /users/eve, a copy of bob's actor (id on r's host).
		other.serve("/users/eve", r.actorDoc())
		q := url.Values{"q": {other.URL + "/users/eve"}, "resolve": {"true"}}
		var res struct{ Accounts []jsonMap }
		s.mustAPI(t, "GET", "/api/v2/search?"+q.Encode(), alice.token, nil, &res)
		if len(res.Accounts) != 0 {
			t.Fatalf("cross-host actor accepted: %v", res.Accounts)
		}
		// r's actor named "mallory" whose WebFinger does not know it.
		r.setProfile("preferredUsername", "mallory")
		q = url.Values{"q": {r.actor}, "resolve": {"true"}}
		s.mustAPI(t, "GET", "/api/v2/search?"+q.Encode(), alice.token, nil, &res)
		if len(res.Accounts) != 0 {
			t.Fatalf("actor not confirmed by WebFinger accepted: %v", res.Accounts)
		}
	})
}

// A stored remote account is fetched again once older than a day.
func TestRemoteAccountRefresh(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		r := newRemote(t)
		r.setProfile("name", "Old name")
		var a jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+r.host(), "", nil, &a)
		r.setProfile("name", "New name")
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+r.host(), "", nil, &a)
		if a["display_name"] != "Old name" {
			t.Fatalf("refreshed within the day: %v", a["display_name"])
		}
		s.offset.Store(int64(25 * time.Hour))
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+r.host(), "", nil, &a)
		if a["display_name"] != "New name" {
			t.Fatalf("not refreshed after a day: %v", a["display_name"])
		}
	})
}

// Two agora servers: one resolves the other's account and post.
func TestResolveAnotherAgora(t *testing.T) {
	one := start(t, db.SQLite)
	two := start(t, db.SQLite)
	alice := one.newUserToken(t, "alice")
	dave := two.newUserToken(t, "dave")
	var prof jsonMap
	two.mustAPI(t, "PATCH", "/api/v1/accounts/update_credentials", dave.token, url.Values{"display_name": {"Dave"}, "note": {"hello from two"}}, &prof)
	host := strings.TrimPrefix(two.URL, "http://")
	var a jsonMap
	one.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=dave@"+host, alice.token, nil, &a)
	if a["acct"] != "dave@"+host || a["display_name"] != "Dave" || !strings.Contains(a["note"].(string), "hello from two") {
		t.Fatalf("account %v", a)
	}
	post := two.post(t, dave, "a post on two")
	var res struct{ Statuses []jsonMap }
	q := url.Values{"q": {post["uri"].(string)}, "resolve": {"true"}}
	one.mustAPI(t, "GET", "/api/v2/search?"+q.Encode(), alice.token, nil, &res)
	if len(res.Statuses) != 1 || !strings.Contains(res.Statuses[0]["content"].(string), "a post on two") {
		t.Fatalf("statuses %v", res.Statuses)
	}
	if acct := res.Statuses[0]["account"].(jsonMap); acct["id"] != a["id"] {
		t.Errorf("author %v, want %v", acct["id"], a["id"])
	}
}

package federation_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestTwoServersFederate runs two whole agora servers, one on 127.0.0.1
// with SQLite and one on 127.0.0.2 with PostgreSQL, and drives both only
// through the Mastodon API, as people would: finding each other, following
// (accepted over federation), posting, replying, favouriting, boosting,
// editing, deleting, following back, followers-only posts, and blocking.
func TestTwoServersFederate(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	alice, bob := one.newUserToken(t, "alice"), two.newUserToken(t, "bob")
	hostOne, hostTwo := strings.TrimPrefix(one.URL, "http://"), strings.TrimPrefix(two.URL, "http://")

	get := func(s *server, path, token string) jsonMap {
		t.Helper()
		var m jsonMap
		s.mustAPI(t, "GET", path, token, nil, &m)
		return m
	}
	list := func(s *server, path, token string) []jsonMap {
		t.Helper()
		var l []jsonMap
		s.mustAPI(t, "GET", path, token, nil, &l)
		return l
	}
	do := func(s *server, method, path, token string, form url.Values) jsonMap {
		t.Helper()
		var m jsonMap
		s.mustAPI(t, method, path, token, form, &m)
		return m
	}
	hasNotification := func(s *server, token, typ, from string) func() bool {
		return func() bool {
			for _, n := range list(s, "/api/v1/notifications?include_filtered=true", token) {
				if n["type"] == typ && n["account"].(map[string]any)["acct"] == from {
					return true
				}
			}
			return false
		}
	}

	// Finding and following: bob's server accepts at once.
	bobOnOne := get(one, "/api/v1/accounts/lookup?acct=bob@"+hostTwo, alice.token)
	bobID := bobOnOne["id"].(string)
	rel := do(one, "POST", "/api/v1/accounts/"+bobID+"/follow", alice.token, nil)
	if rel["following"] != true && rel["requested"] != true {
		t.Fatalf("follow: %v", rel)
	}
	outWait(t, "the Accept of alice's follow", func() bool {
		return list(one, "/api/v1/accounts/relationships?id[]="+bobID, alice.token)[0]["following"] == true
	})
	outWait(t, "bob's follower count on two", func() bool {
		return get(two, "/api/v1/accounts/verify_credentials", bob.token)["followers_count"] == float64(1)
	})
	outWait(t, "bob's follow notification", hasNotification(two, bob.token, "follow", "alice@"+hostOne))

	// bob posts: alice reads it at home.
	post := two.post(t, bob, "Hello from two #fediverse")
	var remote jsonMap
	outWait(t, "bob's post in alice's home", func() bool {
		for _, st := range list(one, "/api/v1/timelines/home", alice.token) {
			if st["uri"] == post["uri"] {
				remote = st
				return true
			}
		}
		return false
	})
	if !strings.Contains(remote["content"].(string), "Hello from two") || remote["account"].(map[string]any)["acct"] != "bob@"+hostTwo {
		t.Errorf("remote status = %v", remote)
	}
	rid := remote["id"].(string)

	// alice replies, favourites and boosts: bob hears of each.
	reply := do(one, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"@bob@" + hostTwo + " welcome!"}, "in_reply_to_id": {rid}})
	do(one, "POST", "/api/v1/statuses/"+rid+"/favourite", alice.token, nil)
	do(one, "POST", "/api/v1/statuses/"+rid+"/reblog", alice.token, nil)
	for _, typ := range []string{"mention", "favourite", "reblog"} {
		outWait(t, "bob's "+typ+" notification", hasNotification(two, bob.token, typ, "alice@"+hostOne))
	}
	outWait(t, "the counts on bob's post", func() bool {
		st := get(two, "/api/v1/statuses/"+post["id"].(string), bob.token)
		return st["favourites_count"] == float64(1) && st["reblogs_count"] == float64(1) && st["replies_count"] == float64(1)
	})
	ctxTwo := get(two, "/api/v1/statuses/"+post["id"].(string)+"/context", bob.token)
	if d, _ := ctxTwo["descendants"].([]any); len(d) != 1 || d[0].(map[string]any)["uri"] != reply["uri"] {
		t.Errorf("context on two = %v", ctxTwo)
	}
	do(one, "POST", "/api/v1/statuses/"+rid+"/unfavourite", alice.token, nil)
	outWait(t, "the Undo Like", func() bool {
		return get(two, "/api/v1/statuses/"+post["id"].(string), bob.token)["favourites_count"] == float64(0)
	})

	// bob edits, then deletes: alice's copy follows.
	do(two, "PUT", "/api/v1/statuses/"+post["id"].(string), bob.token, url.Values{"status": {"Hello from two, edited"}})
	outWait(t, "the edit on one", func() bool {
		st := get(one, "/api/v1/statuses/"+rid, alice.token)
		return strings.Contains(st["content"].(string), "edited") && st["edited_at"] != nil
	})
	do(two, "DELETE", "/api/v1/statuses/"+post["id"].(string), bob.token, nil)
	outWait(t, "the delete on one", func() bool {
		return one.api(t, "GET", "/api/v1/statuses/"+rid, alice.token, nil, nil) == 404
	})

	// bob follows back; alice's followers-only post reaches him only.
	aliceOnTwo := get(two, "/api/v1/accounts/lookup?acct=alice@"+hostOne, bob.token)
	aliceID := aliceOnTwo["id"].(string)
	do(two, "POST", "/api/v1/accounts/"+aliceID+"/follow", bob.token, nil)
	outWait(t, "bob following alice", func() bool {
		return list(two, "/api/v1/accounts/relationships?id[]="+aliceID, bob.token)[0]["following"] == true
	})
	private := do(one, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"for my followers"}, "visibility": {"private"}})
	outWait(t, "the followers-only post at bob's home", func() bool {
		for _, st := range list(two, "/api/v1/timelines/home", bob.token) {
			if st["uri"] == private["uri"] {
				return st["visibility"] == "private"
			}
		}
		return false
	})
	carol := two.newUserToken(t, "carol") // on two, not a follower of alice
	var found struct{ Statuses []jsonMap }
	two.mustAPI(t, "GET", "/api/v2/search?"+url.Values{"q": {private["uri"].(string)}, "resolve": {"true"}}.Encode(), carol.token, nil, &found)
	if len(found.Statuses) != 0 {
		t.Errorf("a followers-only post reached a non-follower: %v", found.Statuses)
	}

	// alice blocks bob: the follows end on both sides.
	do(one, "POST", "/api/v1/accounts/"+bobID+"/block", alice.token, nil)
	outWait(t, "the block ending bob's follow", func() bool {
		r := list(two, "/api/v1/accounts/relationships?id[]="+aliceID, bob.token)[0]
		return r["following"] == false
	})
	if r := list(one, "/api/v1/accounts/relationships?id[]="+bobID, alice.token)[0]; r["following"] != false || r["blocking"] != true {
		t.Errorf("alice's relationship after the block: %v", r)
	}
	if n := get(one, "/api/v1/accounts/verify_credentials", alice.token)["followers_count"]; n != float64(0) {
		t.Errorf("alice's followers after blocking bob = %v", n)
	}
	t.Logf("federated %s (SQLite) and %s (PostgreSQL)", hostOne, hostTwo)
}

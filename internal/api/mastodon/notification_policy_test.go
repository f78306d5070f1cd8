package mastodon_test

import (
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
)

// TestNotificationPolicies follows Mastodon 4.3's policies: filtered
// notifications wait in requests, dropped ones are never stored, accepted
// requests let their sender through from then on, and calm mode filters
// everyone not followed.
func TestNotificationPolicies(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol, dave := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol"), s.NewUser(t, "dave")
		mod := s.NewUserRole(t, "mod", domain.RoleModerator)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		post := func(u *apitest.User, text, vis string) string {
			t.Helper()
			return s.Must(t, 200, "POST", "/api/v1/statuses", u.Token, url.Values{"status": {text}, "visibility": {vis}}).Map(t)["id"].(string)
		}
		types := func(query string) []string {
			t.Helper()
			var out []string
			for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications"+query, alice.Token, nil).List(t) {
				out = append(out, n["type"].(string)+":"+n["account"].(map[string]any)["username"].(string))
			}
			return out
		}
		requests := func() map[string]map[string]any {
			t.Helper()
			out := map[string]map[string]any{}
			for _, r := range s.Must(t, 200, "GET", "/api/v1/notifications/requests", alice.Token, nil).List(t) {
				out[r["account"].(map[string]any)["username"].(string)] = r
			}
			return out
		}
		policy := func(v url.Values) map[string]any {
			t.Helper()
			if v == nil {
				return s.Must(t, 200, "GET", "/api/v2/notifications/policy", alice.Token, nil).Map(t)
			}
			return s.Must(t, 200, "PATCH", "/api/v2/notifications/policy", alice.Token, v).Map(t)
		}

		// Defaults: unsolicited private mentions are filtered, the rest accepted.
		p := policy(nil)
		if p["for_not_following"] != "accept" || p["for_private_mentions"] != "filter" || p["for_limited_accounts"] != "filter" || p["calm_mode"] != false {
			t.Errorf("default policy = %v", p)
		}
		post(carol, "@alice psst", "direct")
		post(bob, "@alice hi from a friend", "direct")
		post(carol, "@alice in public", "public")
		if got := types(""); len(got) != 2 || got[0] != "mention:carol" || got[1] != "mention:bob" {
			t.Errorf("notifications = %v, want carol's public mention and bob's private one", got)
		}
		if got := types("?include_filtered=true"); len(got) != 3 {
			t.Errorf("with filtered = %v, want 3", got)
		}
		reqs := requests()
		if len(reqs) != 1 || reqs["carol"]["notifications_count"] != "1" || reqs["carol"]["last_status"] == nil {
			t.Fatalf("requests = %v, want carol's with one notification", reqs)
		}
		if sum := policy(nil)["summary"].(map[string]any); sum["pending_requests_count"] != float64(1) || sum["pending_notifications_count"] != float64(1) {
			t.Errorf("summary = %v", sum)
		}
		if n := s.Must(t, 200, "GET", "/api/v1/notifications/unread_count", alice.Token, nil).Map(t)["count"]; n != float64(2) {
			t.Errorf("unread_count = %v, want 2 (filtered ones do not count)", n)
		}

		// Filter strangers, drop new accounts: dave's favourite is dropped
		// (the strictest verdict wins), nothing stored at all.
		mine := post(alice, "hello world", "public")
		policy(url.Values{"for_not_following": {"filter"}, "for_new_accounts": {"drop"}})
		s.Must(t, 200, "POST", "/api/v1/statuses/"+mine+"/favourite", dave.Token, nil)
		if got := types("?include_filtered=true&account_id=" + dave.AccountID); len(got) != 0 {
			t.Errorf("dropped notification stored: %v", got)
		}
		// Only filtering: dave's boost waits in a request.
		policy(url.Values{"for_new_accounts": {"accept"}})
		s.Must(t, 200, "POST", "/api/v1/statuses/"+mine+"/reblog", dave.Token, nil)
		if _, ok := requests()["dave"]; !ok || len(types("?account_id="+dave.AccountID)) != 0 {
			t.Errorf("dave's boost not filtered: requests %v", requests())
		}
		// Followed accounts and moderators always get through.
		post(bob, "@alice still here", "public")
		post(mod, "@alice a note from the moderators", "direct")
		if got := types("?types[]=mention"); len(got) != 4 || got[0] != "mention:mod" || got[1] != "mention:bob" {
			t.Errorf("mentions = %v", got)
		}

		// Accepting carol's request lists her notification and lets her through.
		reqs = requests()
		s.Must(t, 200, "POST", "/api/v1/notifications/requests/"+reqs["carol"]["id"].(string)+"/accept", alice.Token, nil)
		post(carol, "@alice thanks", "public")
		if got := types("?account_id=" + carol.AccountID); len(got) != 3 {
			t.Errorf("carol's notifications after accepting = %v, want 3", got)
		}
		// Dismissing dave's deletes what it held; his next act opens a new one.
		daveReq := reqs["dave"]["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/notifications/requests/dismiss", alice.Token, url.Values{"id[]": {daveReq}})
		if got := types("?include_filtered=true&account_id=" + dave.AccountID); len(got) != 0 {
			t.Errorf("dismissed notifications remain: %v", got)
		}
		s.Must(t, 404, "GET", "/api/v1/notifications/requests/"+daveReq, alice.Token, nil)
		post(dave, "@alice again", "public")
		if r, ok := requests()["dave"]; !ok || r["id"] == daveReq || r["notifications_count"] != "1" {
			t.Errorf("new request for dave = %v", r)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/notifications/requests/merged", alice.Token, nil).Map(t); got["merged"] != true {
			t.Errorf("merged = %v", got)
		}

		// Calm mode filters everyone not followed, whatever the policy says,
		// and is undone without losing the policy.
		policy(url.Values{"for_not_following": {"accept"}, "for_private_mentions": {"accept"}, "calm_mode": {"true"}})
		post(dave, "@alice pile-on", "public")
		post(bob, "@alice friends still reach you", "public")
		if got := types("?types[]=mention&limit=1"); got[0] != "mention:bob" {
			t.Errorf("latest mention in calm mode = %v, want bob's", got)
		}
		if r := requests()["dave"]; r["notifications_count"] != "2" {
			t.Errorf("dave's request in calm mode = %v", r)
		}
		p = policy(url.Values{"calm_mode": {"false"}})
		if p["calm_mode"] != false || p["for_private_mentions"] != "accept" || p["for_limited_accounts"] != "filter" {
			t.Errorf("policy after calm mode = %v", p)
		}

		// v1: booleans over the same policy.
		v1 := s.Must(t, 200, "PATCH", "/api/v1/notifications/policy", alice.Token, url.Values{"filter_not_followers": {"true"}}).Map(t)
		if v1["filter_not_followers"] != true || v1["filter_not_following"] != false || v1["filter_private_mentions"] != false {
			t.Errorf("v1 policy = %v", v1)
		}
		if p := policy(nil); p["for_not_followers"] != "filter" {
			t.Errorf("v2 after v1 patch = %v", p)
		}

		// Errors and isolation.
		s.Must(t, 422, "PATCH", "/api/v2/notifications/policy", alice.Token, url.Values{"for_not_following": {"maybe"}})
		s.Must(t, 422, "PATCH", "/api/v2/notifications/policy", alice.Token, url.Values{"calm_mode": {"perhaps"}})
		s.Must(t, 422, "POST", "/api/v1/notifications/requests/accept", alice.Token, url.Values{})
		other := requests()["dave"]["id"].(string)
		s.Must(t, 404, "GET", "/api/v1/notifications/requests/"+other, bob.Token, nil)
		s.Must(t, 404, "POST", "/api/v1/notifications/requests/"+other+"/accept", bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/notifications/requests/accept", bob.Token, url.Values{"id[]": {other}})
		if _, ok := requests()["dave"]; !ok {
			t.Error("bob's bulk accept answered alice's request")
		}
		s.Must(t, 401, "GET", "/api/v2/notifications/policy", "", nil)
		if p := s.Must(t, 200, "GET", "/api/v2/notifications/policy", bob.Token, nil).Map(t); p["for_not_following"] != "accept" {
			t.Errorf("bob's policy changed with alice's: %v", p)
		}
	})
}

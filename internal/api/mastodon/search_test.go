package mastodon_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestSearchAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bobby")
		pub := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"hello #golang"}}).Map(t)
		priv := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"secret"}, "visibility": {"private"}}).Map(t)

		res := s.Must(t, 200, "GET", "/api/v2/search?q=bob", alice.Token, nil).Map(t)
		accts := res["accounts"].([]any)
		if len(accts) != 1 || accts[0].(map[string]any)["acct"] != "bobby" || len(res["statuses"].([]any)) != 0 || res["hashtags"] == nil {
			t.Errorf("search bob = %v", res)
		}
		res = s.Must(t, 200, "GET", "/api/v2/search?q=%23go&type=hashtags", alice.Token, nil).Map(t)
		if h := res["hashtags"].([]any); len(h) != 1 || h[0].(map[string]any)["name"] != "golang" || len(res["accounts"].([]any)) != 0 {
			t.Errorf("search #go = %v", res)
		}
		// Statuses only by exact URL or URI, and only those the viewer may see.
		res = s.Must(t, 200, "GET", "/api/v2/search?"+url.Values{"q": {pub["uri"].(string)}}.Encode(), alice.Token, nil).Map(t)
		if st := res["statuses"].([]any); len(st) != 1 || st[0].(map[string]any)["id"] != pub["id"] {
			t.Errorf("search by URI = %v", res)
		}
		res = s.Must(t, 200, "GET", "/api/v2/search?"+url.Values{"q": {pub["url"].(string)}, "type": {"statuses"}}.Encode(), alice.Token, nil).Map(t)
		if st := res["statuses"].([]any); len(st) != 1 {
			t.Errorf("search by URL = %v", res)
		}
		res = s.Must(t, 200, "GET", "/api/v2/search?"+url.Values{"q": {priv["uri"].(string)}}.Encode(), alice.Token, nil).Map(t)
		if st := res["statuses"].([]any); len(st) != 0 {
			t.Errorf("a followers-only status leaked through search: %v", st)
		}
		res = s.Must(t, 200, "GET", "/api/v2/search?"+url.Values{"q": {pub["uri"].(string)}, "account_id": {alice.AccountID}}.Encode(), alice.Token, nil).Map(t)
		if st := res["statuses"].([]any); len(st) != 0 {
			t.Errorf("account_id filter ignored: %v", st)
		}
		// following=true keeps followed accounts only.
		res = s.Must(t, 200, "GET", "/api/v2/search?q=bob&following=true", alice.Token, nil).Map(t)
		if len(res["accounts"].([]any)) != 0 {
			t.Errorf("following=true found an unfollowed account: %v", res)
		}

		// Blocks hide accounts both ways.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/block", bob.Token, nil)
		for _, u := range []*apitest.User{alice, bob} {
			q := map[*apitest.User]string{alice: "bob", bob: "alice"}[u]
			if got := s.Must(t, 200, "GET", "/api/v2/search?type=accounts&q="+q, u.Token, nil).Map(t); len(got["accounts"].([]any)) != 0 {
				t.Errorf("%s finds %s across a block: %v", u.Username, q, got)
			}
		}

		// Anonymous: allowed, but no offset or resolve.
		s.Must(t, 200, "GET", "/api/v2/search?q=bob", "", nil)
		s.Must(t, 401, "GET", "/api/v2/search?q=bob&offset=0", "", nil)
		s.Must(t, 401, "GET", "/api/v2/search?q=bob&resolve=true", "", nil)
		s.Must(t, 200, "GET", "/api/v2/search?q=bob&resolve=true&offset=1", alice.Token, nil)

		// Bad input.
		for _, q := range []string{"", "q=", "q=x&type=people", "q=x&limit=abc", "q=x&offset=-1", "q=" + strings.Repeat("x", 501), "q=x&account_id=abc"} {
			s.Must(t, 422, "GET", "/api/v2/search?"+q, alice.Token, nil)
		}
		if got := s.Must(t, 200, "GET", "/api/v2/search?q=b&limit=100", alice.Token, nil).Map(t); got["accounts"] == nil {
			t.Errorf("limit above 40 is capped, not refused: %v", got)
		}
		s.Must(t, 403, "GET", "/api/v2/search?q=bob", lfToken(t, s, alice, "read:lists"), nil)
		s.Must(t, 200, "GET", "/api/v2/search?q=bob", lfToken(t, s, alice, "read:search"), nil)
	})
}

func TestConversationsAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		dm := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"@bob psst"}, "visibility": {"direct"}}).Map(t)
		reply := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"@alice ok"}, "visibility": {"direct"}, "in_reply_to_id": {dm["id"].(string)}}).Map(t)
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"public @alice"}})

		res := s.Must(t, 200, "GET", "/api/v1/conversations", alice.Token, nil)
		cs := res.List(t)
		if len(cs) != 1 {
			t.Fatalf("alice's conversations = %v", cs)
		}
		c := cs[0]
		accts := c["accounts"].([]any)
		if c["unread"] != true || len(accts) != 1 || accts[0].(map[string]any)["id"] != bob.AccountID {
			t.Errorf("conversation = %v", c)
		}
		if ls, _ := c["last_status"].(map[string]any); ls == nil || ls["id"] != reply["id"] {
			t.Errorf("last_status = %v, want %v", c["last_status"], reply["id"])
		}
		if !strings.Contains(res.Header.Get("Link"), "max_id="+reply["id"].(string)) {
			t.Errorf("conversations Link = %q", res.Header.Get("Link"))
		}
		id := c["id"].(string)
		if got := s.Must(t, 200, "GET", "/api/v1/conversations", carol.Token, nil).List(t); len(got) != 0 {
			t.Errorf("carol sees %v", got)
		}
		s.Must(t, 404, "POST", "/api/v1/conversations/"+id+"/read", carol.Token, nil)
		s.Must(t, 404, "DELETE", "/api/v1/conversations/"+id, carol.Token, nil)
		s.Must(t, 404, "POST", "/api/v1/conversations/nope/read", alice.Token, nil)

		if r := s.Must(t, 200, "POST", "/api/v1/conversations/"+id+"/read", alice.Token, nil).Map(t); r["unread"] != false || r["id"] != id {
			t.Errorf("read conversation = %v", r)
		}
		s.Must(t, 200, "DELETE", "/api/v1/conversations/"+id, alice.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/conversations", alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("removed conversation listed: %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/conversations", bob.Token, nil).List(t); len(got) != 1 {
			t.Errorf("alice's removal affected bob: %v", got)
		}
		s.Must(t, 403, "DELETE", "/api/v1/conversations/"+id, lfToken(t, s, alice, "read"), nil)
		s.Must(t, 403, "GET", "/api/v1/conversations", lfToken(t, s, alice, "read:lists"), nil)
	})
}

func TestSmallEndpoints(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		for _, p := range []string{"/api/v1/announcements", "/api/v1/domain_blocks", "/api/v1/trends", "/api/v1/trends/tags",
			"/api/v1/trends/statuses", "/api/v1/trends/links"} {
			if got := s.Must(t, 200, "GET", p, alice.Token, nil).List(t); len(got) != 0 {
				t.Errorf("%s = %v", p, got)
			}
		}
		s.Must(t, 200, "GET", "/api/v1/trends/tags", "", nil)
		s.Must(t, 401, "GET", "/api/v1/announcements", "", nil)
		s.Must(t, 404, "POST", "/api/v1/announcements/1/dismiss", alice.Token, nil)

		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", carol.Token, nil)
		v1 := s.Must(t, 200, "GET", "/api/v1/suggestions", alice.Token, nil).List(t)
		if got := lfIDs(v1); len(got) != 2 || got[0] != bob.AccountID {
			t.Errorf("v1 suggestions = %v, want bob (most followed) first", got)
		}
		v2 := s.Must(t, 200, "GET", "/api/v2/suggestions?limit=1", alice.Token, nil).List(t)
		if len(v2) != 1 || v2[0]["source"] != "global" || v2[0]["account"].(map[string]any)["id"] != bob.AccountID {
			t.Errorf("v2 suggestions = %v", v2)
		}
		s.Must(t, 422, "GET", "/api/v2/suggestions?limit=500", alice.Token, nil)
		s.Must(t, 200, "DELETE", "/api/v1/suggestions/"+carol.AccountID, alice.Token, nil)
		s.Must(t, 404, "DELETE", "/api/v1/suggestions/12345", alice.Token, nil)
		if got := lfIDs(s.Must(t, 200, "GET", "/api/v1/suggestions", alice.Token, nil).List(t)); len(got) != 1 || got[0] != bob.AccountID {
			t.Errorf("suggestions after dismissing carol = %v, want [bob]", got)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/suggestions", alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("suggestions after following bob and dismissing carol = %v, want none", lfIDs(got))
		}

		s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, url.Values{"status": {"active"}})
		dir := lfIDs(s.Must(t, 200, "GET", "/api/v1/directory?local=true", "", nil).List(t))
		if len(dir) != 3 || dir[0] != carol.AccountID {
			t.Errorf("directory (active) = %v, want carol first", dir)
		}
		dir = lfIDs(s.Must(t, 200, "GET", "/api/v1/directory?order=new&limit=1", "", nil).List(t))
		if len(dir) != 1 || dir[0] != carol.AccountID {
			t.Errorf("directory (new) = %v, want the newest, carol", dir)
		}
		s.Must(t, 422, "GET", "/api/v1/directory?order=popular", "", nil)
		s.Must(t, 422, "GET", "/api/v1/directory?limit=0", "", nil)

		pol := s.Must(t, 200, "GET", "/api/v2/notifications/policy", alice.Token, nil).Map(t)
		if pol["for_not_following"] != "accept" || pol["summary"].(map[string]any)["pending_requests_count"] != float64(0) {
			t.Errorf("notification policy = %v", pol)
		}
		for _, m := range []string{"GET", "POST"} {
			if r := s.Must(t, 404, m, "/api/v1/push/subscription", alice.Token, nil).Map(t); r["error"] != "push is not supported" {
				t.Errorf("%s push subscription = %v", m, r)
			}
		}
	})
}

package mastodon_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

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

// searchIDs runs a status search as token and returns the ids found, in order.
func searchIDs(t *testing.T, s *apitest.Server, token, q string) []string {
	t.Helper()
	res := s.Must(t, 200, "GET", "/api/v2/search?"+url.Values{"q": {q}, "type": {"statuses"}}.Encode(), token, nil).Map(t)
	out := []string{}
	for _, st := range res["statuses"].([]any) {
		out = append(out, st.(map[string]any)["id"].(string))
	}
	return out
}

// sameIDs compares id lists in order.
func sameIDs(got []string, want ...string) bool {
	return strings.Join(got, ",") == strings.Join(want, ",")
}

func TestSearchStatusesVisibility(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol, dave, erin := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol"), s.NewUser(t, "dave"), s.NewUser(t, "erin")
		post := func(u *apitest.User, form url.Values) string {
			t.Helper()
			return s.Must(t, 200, "POST", "/api/v1/statuses", u.Token, form).Map(t)["id"].(string)
		}
		for _, u := range []*apitest.User{bob, dave, erin} {
			s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", u.Token, url.Values{"indexable": {"true"}})
		}
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", carol.Token, url.Values{"indexable": {"false"}})
		running := post(bob, url.Values{"status": {"I was running in the park"}, "language": {"en"}})
		stranger := post(carol, url.Values{"status": {"running carol, not indexable"}})
		private := post(bob, url.Values{"status": {"apricot for followers"}, "visibility": {"private"}})
		direct := post(bob, url.Values{"status": {"@alice kiwi in private"}, "visibility": {"direct"}})
		unlisted := post(bob, url.Values{"status": {"unlisted mango"}, "visibility": {"unlisted"}})
		daves := post(dave, url.Values{"status": {"running dave"}})
		erins := post(erin, url.Values{"status": {"running erin"}})

		// Stemming: "run" finds "running"; indexable authors only for strangers.
		if got := searchIDs(t, s, alice.Token, "run"); !sameIDs(got, erins, daves, running) {
			t.Errorf("alice run = %v, want erin's, dave's, bob's (%s %s %s)", got, erins, daves, running)
		}
		if got := searchIDs(t, s, carol.Token, "running carol"); !sameIDs(got, stranger) {
			t.Errorf("carol finds her own non-indexable post: %v, want %s", got, stranger)
		}
		// Unlisted posts are not in the public index, but in the library of
		// whoever interacted with them.
		if got := searchIDs(t, s, alice.Token, "mango"); len(got) != 0 {
			t.Errorf("unlisted post found by a stranger: %v", got)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses/"+unlisted+"/bookmark", alice.Token, nil)
		if got := searchIDs(t, s, alice.Token, "mango"); !sameIDs(got, unlisted) {
			t.Errorf("bookmarked post = %v, want %s", got, unlisted)
		}
		// Favourited non-indexable post: in the library.
		s.Must(t, 200, "POST", "/api/v1/statuses/"+stranger+"/favourite", alice.Token, nil)
		if got := searchIDs(t, s, alice.Token, "carol"); !sameIDs(got, stranger) {
			t.Errorf("favourited post = %v, want %s", got, stranger)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses/"+stranger+"/reblog", dave.Token, nil)
		if got := searchIDs(t, s, dave.Token, "carol"); !sameIDs(got, stranger) {
			t.Errorf("boosted post = %v, want %s", got, stranger)
		}
		// Followers-only: the follower who interacted finds it; not after unfollowing.
		if got := searchIDs(t, s, alice.Token, "apricot"); len(got) != 0 {
			t.Errorf("followers-only post found by a non-follower: %v", got)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses/"+private+"/favourite", alice.Token, nil)
		if got := searchIDs(t, s, alice.Token, "apricot"); !sameIDs(got, private) {
			t.Errorf("follower's favourited followers-only post = %v, want %s", got, private)
		}
		if got := searchIDs(t, s, bob.Token, "apricot"); !sameIDs(got, private) {
			t.Errorf("author's followers-only post = %v, want %s", got, private)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/unfollow", alice.Token, nil)
		if got := searchIDs(t, s, alice.Token, "apricot"); len(got) != 0 {
			t.Errorf("followers-only post found after unfollowing: %v", got)
		}
		// Direct: participants only.
		if got := searchIDs(t, s, alice.Token, "kiwi"); !sameIDs(got, direct) {
			t.Errorf("mentioned participant = %v, want %s", got, direct)
		}
		if got := searchIDs(t, s, carol.Token, "kiwi"); len(got) != 0 {
			t.Errorf("direct post found by an outsider: %v", got)
		}
		// Blocks both ways and mutes hide authors.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/block", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/block", erin.Token, nil)
		if got := searchIDs(t, s, alice.Token, "running"); !sameIDs(got, stranger, running) {
			t.Errorf("after blocks = %v, want carol's and bob's (%s %s)", got, stranger, running)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/mute", alice.Token, nil)
		if got := searchIDs(t, s, alice.Token, "running"); !sameIDs(got, stranger) {
			t.Errorf("after muting bob = %v, want carol's %s", got, stranger)
		}
		// Anonymous visitors get no statuses.
		res := s.Must(t, 200, "GET", "/api/v2/search?q=running", "", nil).Map(t)
		if st := res["statuses"].([]any); len(st) != 0 {
			t.Errorf("anonymous status search = %v", st)
		}
	})
}

func TestSearchStatusesOperators(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		post := func(u *apitest.User, form url.Values) string {
			t.Helper()
			return s.Must(t, 200, "POST", "/api/v1/statuses", u.Token, form).Map(t)["id"].(string)
		}
		for _, u := range []*apitest.User{alice, bob} {
			s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", u.Token, url.Values{"indexable": {"true"}})
		}
		plain := post(bob, url.Values{"status": {"pineapple quick fox"}, "language": {"en"}})
		poll := post(bob, url.Values{"status": {"pineapple poll"}, "poll[options][]": {"yes", "no"}, "poll[expires_in]": {"3600"}})
		reply := post(bob, url.Values{"status": {"pineapple reply"}, "in_reply_to_id": {plain}})
		sensitive := post(bob, url.Values{"status": {"pineapple hidden"}, "sensitive": {"true"}})
		french := post(bob, url.Values{"status": {"Ils chantaient à l'école, fox quick"}, "language": {"fr"}})
		old := post(bob, url.Values{"status": {"pineapple from the past"}})
		mine := post(alice, url.Values{"status": {"pineapple of my own"}})
		pic := upload(t, s, "POST", "/api/v2/media", bob.Token, part{name: "file", filename: "p.png", contentType: "image/png", data: pngOf(t, 30, 20)}).Map(t)
		withMedia := post(bob, url.Values{"status": {"pinecone picture"}, "media_ids[]": {pic["id"].(string)}})
		day := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC).UnixMilli()
		if _, err := s.App.DB.W.ExecContext(context.Background(), `UPDATE statuses SET created_at = $1 WHERE id = $2`, day, old); err != nil {
			t.Fatal(err)
		}
		host := strings.TrimPrefix(s.URL, "http://")
		cases := []struct {
			q    string
			want []string
		}{
			{"pineapple", []string{mine, old, sensitive, reply, poll, plain}},
			{"pineapple from:bob", []string{old, sensitive, reply, poll, plain}},
			{"pineapple from:@bob@" + host, []string{old, sensitive, reply, poll, plain}},
			{"pineapple from:me", []string{mine}},
			{"pineapple from:nobody", nil},
			{"pineapple has:poll", []string{poll}},
			{"pineapple -has:poll from:bob", []string{old, sensitive, reply, plain}},
			{"pineapple has:media", nil},
			{"pinecone has:media", []string{withMedia}},
			{"pinecone -has:media", nil},
			{"pineapple is:reply", []string{reply}},
			{"pineapple is:sensitive", []string{sensitive}},
			{"fox language:fr", []string{french}},
			{"during:2024-01-15 pineapple", []string{old}},
			{"before:2024-01-16 pineapple", []string{old}},
			{"after:2024-01-14 before:2024-01-20 pineapple", []string{old}},
			{"after:2024-01-15 pineapple from:bob", []string{sensitive, reply, poll, plain}},
			{"in:library pineapple", []string{mine}},
			{`"quick fox"`, []string{plain}},
			{`"fox quick"`, []string{french}},
			{"pineapple -reply -hidden -past -own from:bob", []string{poll, plain}},
			{`pineapple -"quick fox"`, []string{mine, old, sensitive, reply, poll}},
			{"ecole", []string{french}}, // accents fold
			{"ÉCOLE", []string{french}}, // and case
			{"école", []string{french}}, // on both sides
			{"nothingmatches", nil},
			{"-pineapple", nil},        // exclusions alone find nothing
			{"a" + bob.AccountID, nil}, // the index's author column is not searchable text
		}
		for _, c := range cases {
			// Relevance orders these; the ranking test checks the order.
			got, want := searchIDs(t, s, alice.Token, c.q), append([]string{}, c.want...)
			slices.Sort(got)
			slices.Sort(want)
			if !sameIDs(got, want...) {
				t.Errorf("search %q = %v, want %v", c.q, got, want)
			}
		}
		// Pagination: limit and offset walk the same order.
		all := searchIDs(t, s, alice.Token, "pineapple")
		res := s.Must(t, 200, "GET", "/api/v2/search?q=pineapple&type=statuses&limit=2&offset=1", alice.Token, nil).Map(t)
		if st := res["statuses"].([]any); len(st) != 2 || st[0].(map[string]any)["id"] != all[1] || st[1].(map[string]any)["id"] != all[2] {
			t.Errorf("limit=2 offset=1 gave %v, want the 2nd and 3rd of %v", st, all)
		}
		// French stemming ("chanter" finds "chantaient"): PostgreSQL's French
		// configuration, Snowball's French stems on SQLite.
		if got := searchIDs(t, s, alice.Token, "chanter"); !sameIDs(got, french) {
			t.Errorf("chanter = %v, want %s (French stemming)", got, french)
		}
		// in:public leaves out what is only in the library.
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", bob.Token, url.Values{"indexable": {"false"}})
		s.Must(t, 200, "POST", "/api/v1/statuses/"+poll+"/favourite", alice.Token, nil)
		if got := searchIDs(t, s, alice.Token, "pineapple from:bob"); !sameIDs(got, poll) {
			t.Errorf("non-indexable bob, favourited = %v, want %s", got, poll)
		}
		if got := searchIDs(t, s, alice.Token, "pineapple in:public"); !sameIDs(got, mine) {
			t.Errorf("in:public = %v, want alice's own public post %s", got, mine)
		}
		// Bad operator values.
		for _, q := range []string{"x from:", "x from:a/b", "x has:video", "x is:boost", "x language:french", "x before:2024-13-01",
			"x after:yesterday", "x during:2024-1-1", "x in:nowhere", "x -from:bob", "after:2024-02-01 before:2024-01-01 x",
			strings.Repeat("w ", 17)} {
			s.Must(t, 422, "GET", "/api/v2/search?"+url.Values{"q": {q}, "type": {"statuses"}}.Encode(), alice.Token, nil)
		}
		s.Must(t, 422, "GET", "/api/v2/search?q=x&type=statuses&offset=10001", alice.Token, nil)
	})
}

func TestSearchStatusesRanking(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		post := func(text string) string {
			t.Helper()
			return s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {text}, "language": {"en"}}).Map(t)["id"].(string)
		}
		// Relevance first: a post mostly about the word beats a long post
		// mentioning it once, even a newer one; equal relevance goes newest first.
		strong := post("walrus walrus walrus")
		weak := post("a very long post about many things, boats, trains and somewhere a walrus, then more words")
		newer := post("walrus walrus walrus")
		if got := searchIDs(t, s, alice.Token, "walrus"); !sameIDs(got, newer, strong, weak) {
			t.Errorf("ranking = %v, want %v", got, []string{newer, strong, weak})
		}
	})
}

func TestSearchAccountsByHandle(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		viewer := s.NewUser(t, "viewer")
		anna, annabel := s.NewUser(t, "anna"), s.NewUser(t, "annabel")
		// annabel is more followed, but an exact match comes first.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+annabel.AccountID+"/follow", viewer.Token, nil)
		if _, err := s.App.DB.W.ExecContext(context.Background(), `INSERT INTO accounts (id, username, domain, created_at, updated_at)
			VALUES (42, 'anna', 'remote.example', 0, 0)`); err != nil {
			t.Fatal(err)
		}
		host := strings.TrimPrefix(s.URL, "http://")
		cases := []struct {
			q    string
			want []string
		}{
			{"ann", []string{annabel.AccountID, anna.AccountID, "42"}}, // local first, then most followed
			{"anna", []string{anna.AccountID, "42", annabel.AccountID}},
			{"@anna", []string{anna.AccountID, "42", annabel.AccountID}},
			{"anna@remote.example", []string{"42"}},
			{"@anna@remote", []string{"42"}},
			{"@anna@" + host, []string{anna.AccountID, annabel.AccountID}},
			{"annab", []string{annabel.AccountID}},
			{"anna@elsewhere.example", []string{}},
		}
		for _, c := range cases {
			res := s.Must(t, 200, "GET", "/api/v2/search?"+url.Values{"q": {c.q}, "type": {"accounts"}}.Encode(), viewer.Token, nil).Map(t)
			got := []string{}
			for _, a := range res["accounts"].([]any) {
				got = append(got, a.(map[string]any)["id"].(string))
			}
			if !sameIDs(got, c.want...) {
				t.Errorf("accounts %q = %v, want %v", c.q, got, c.want)
			}
		}
	})
}

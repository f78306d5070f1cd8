package mastodon_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestStatusActions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		carol := s.NewUser(t, "carol")
		stFollow(t, s, carol, bob) // carol sees bob's boosts
		id := stPost(t, s, alice, map[string]any{"status": "hello"})
		path := "/api/v1/statuses/" + id

		fav := s.Must(t, 200, "POST", path+"/favourite", bob.Token, nil).Map(t)
		if fav["favourited"] != true || fav["favourites_count"] != float64(1) {
			t.Errorf("favourite: %v %v", fav["favourited"], fav["favourites_count"])
		}
		s.Must(t, 200, "POST", path+"/favourite", bob.Token, nil) // twice changes nothing
		boost := s.Must(t, 200, "POST", path+"/reblog", bob.Token, nil).Map(t)
		inner := boost["reblog"].(map[string]any)
		if inner["id"] != id || inner["reblogged"] != true || inner["reblogs_count"] != float64(1) || inner["favourited"] != true {
			t.Errorf("reblog: %v", boost)
		}
		if again := s.Must(t, 200, "POST", path+"/reblog", bob.Token, nil).Map(t); again["id"] != boost["id"] {
			t.Errorf("boosting twice made a new boost")
		}
		// The boost reaches bob's follower carol.
		home := s.Must(t, 200, "GET", "/api/v1/timelines/home", carol.Token, nil).List(t)
		if len(home) != 1 || home[0]["id"] != boost["id"] {
			t.Errorf("carol's home = %v", stIDs(home))
		}
		// A boost does not repeat what a feed already holds.
		dave := s.NewUser(t, "dave")
		stFollow(t, s, dave, alice)
		stFollow(t, s, dave, bob)
		seen := stPost(t, s, alice, map[string]any{"status": "seen already"})
		s.Must(t, 200, "POST", "/api/v1/statuses/"+seen+"/reblog", bob.Token, nil)
		if got := stIDs(s.Must(t, 200, "GET", "/api/v1/timelines/home", dave.Token, nil).List(t)); !slices.Equal(got, []string{seen}) {
			t.Errorf("dave's home = %v, want only %s", got, seen)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses/"+seen+"/unreblog", bob.Token, nil)
		// favourited_by / reblogged_by, and the Link header.
		if got := stIDs(s.Must(t, 200, "GET", path+"/favourited_by", "", nil).List(t)); !slices.Equal(got, []string{bob.AccountID}) {
			t.Errorf("favourited_by = %v", got)
		}
		rb := s.Must(t, 200, "GET", path+"/reblogged_by", "", nil)
		if got := stIDs(rb.List(t)); !slices.Equal(got, []string{bob.AccountID}) || rb.Header.Get("Link") == "" {
			t.Errorf("reblogged_by = %v, Link %q", got, rb.Header.Get("Link"))
		}
		// Notifications for alice: favourite and reblog, filterable.
		ns := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t)
		var types []string
		for _, n := range ns {
			types = append(types, n["type"].(string))
		}
		if !slices.Equal(types, []string{"reblog", "favourite"}) {
			t.Errorf("notification types = %v", types)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/notifications?types[]=favourite", alice.Token, nil).List(t); len(got) != 1 {
			t.Errorf("types filter: %d", len(got))
		}
		if got := s.Must(t, 200, "GET", "/api/v1/notifications?exclude_types[]=favourite&exclude_types[]=reblog", alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("exclude_types filter: %d", len(got))
		}
		if got := s.Must(t, 200, "GET", "/api/v1/notifications?account_id="+carol.AccountID, alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("account_id filter: %d", len(got))
		}
		nid := ns[0]["id"].(string)
		s.Must(t, 200, "GET", "/api/v1/notifications/"+nid, alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v1/notifications/"+nid, bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/notifications/"+nid+"/dismiss", alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v1/notifications/"+nid, alice.Token, nil)
		if c := s.Must(t, 200, "GET", "/api/v1/notifications/unread_count", alice.Token, nil).Map(t); c["count"] != float64(1) {
			t.Errorf("unread_count = %v, want 1 (the favourite)", c)
		}
		s.Must(t, 200, "POST", "/api/v1/notifications/clear", alice.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("after clear: %d", len(got))
		}
		// A muted conversation sends no more notifications.
		if m := s.Must(t, 200, "POST", path+"/mute", alice.Token, nil).Map(t); m["muted"] != true {
			t.Errorf("mute: %v", m["muted"])
		}
		s.Must(t, 200, "POST", path+"/favourite", carol.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("muted conversation notified: %v", got)
		}
		s.Must(t, 200, "POST", path+"/unmute", alice.Token, nil)
		// Undo.
		un := s.Must(t, 200, "POST", path+"/unreblog", bob.Token, nil).Map(t)
		if un["id"] != id || un["reblogged"] != false || un["reblogs_count"] != float64(0) {
			t.Errorf("unreblog: %v %v %v", un["id"], un["reblogged"], un["reblogs_count"])
		}
		if home := s.Must(t, 200, "GET", "/api/v1/timelines/home", carol.Token, nil).List(t); len(home) != 0 {
			t.Errorf("boost left in home: %v", stIDs(home))
		}
		if uf := s.Must(t, 200, "POST", path+"/unfavourite", bob.Token, nil).Map(t); uf["favourited"] != false || uf["favourites_count"] != float64(1) {
			t.Errorf("unfavourite: %v %v", uf["favourited"], uf["favourites_count"])
		}
		// Bookmarks and favourites lists, paged by their own ids.
		for i := range 3 {
			sid := stPost(t, s, alice, map[string]any{"status": fmt.Sprint("more ", i)})
			s.Must(t, 200, "POST", "/api/v1/statuses/"+sid+"/bookmark", bob.Token, nil)
		}
		s.Must(t, 200, "POST", path+"/bookmark", bob.Token, nil) // oldest status, newest bookmark
		bm := s.Must(t, 200, "GET", "/api/v1/bookmarks?limit=2", bob.Token, nil)
		list := bm.List(t)
		if len(list) != 2 || list[0]["id"] != id || list[0]["bookmarked"] != true {
			t.Errorf("bookmarks = %v", stIDs(list))
		}
		next, _ := url.Parse(stLinkURL(t, bm.Header.Get("Link"), "next"))
		if rest := s.Must(t, 200, "GET", next.RequestURI(), bob.Token, nil).List(t); len(rest) != 2 {
			t.Errorf("second bookmarks page: %d", len(rest))
		}
		s.Must(t, 200, "POST", path+"/unbookmark", bob.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/favourites", carol.Token, nil).List(t); len(got) != 1 || got[0]["id"] != id {
			t.Errorf("favourites = %v", stIDs(got))
		}
		// Boost rules: private only by its author; direct never.
		priv := stPost(t, s, alice, map[string]any{"status": "followers", "visibility": "private"})
		stFollow(t, s, bob, alice)
		s.Must(t, 403, "POST", "/api/v1/statuses/"+priv+"/reblog", bob.Token, nil)
		if own := s.Must(t, 200, "POST", "/api/v1/statuses/"+priv+"/reblog", alice.Token, nil).Map(t); own["visibility"] != "private" {
			t.Errorf("own private boost visibility = %v", own["visibility"])
		}
		dm := stPost(t, s, alice, map[string]any{"status": "@bob psst", "visibility": "direct"})
		s.Must(t, 403, "POST", "/api/v1/statuses/"+dm+"/reblog", bob.Token, nil)
		s.Must(t, 404, "POST", "/api/v1/statuses/"+dm+"/favourite", carol.Token, nil)
		// Pins: own, not direct, at most 5.
		s.Must(t, 422, "POST", path+"/pin", bob.Token, nil)
		s.Must(t, 422, "POST", "/api/v1/statuses/"+dm+"/pin", alice.Token, nil)
		var pinned []string
		for i := range 5 {
			sid := stPost(t, s, alice, map[string]any{"status": fmt.Sprint("pin ", i)})
			if p := s.Must(t, 200, "POST", "/api/v1/statuses/"+sid+"/pin", alice.Token, nil).Map(t); p["pinned"] != true {
				t.Errorf("pin: %v", p["pinned"])
			}
			pinned = append([]string{sid}, pinned...)
		}
		s.Must(t, 422, "POST", path+"/pin", alice.Token, nil)
		if got := stIDs(s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses?pinned=true", "", nil).List(t)); !slices.Equal(got, pinned) {
			t.Errorf("pinned = %v, want %v", got, pinned)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses/"+pinned[0]+"/unpin", alice.Token, nil)
		s.Must(t, 200, "POST", path+"/pin", alice.Token, nil)
		// Followers who asked for it hear about new posts, not replies to others.
		stExec(t, s, `UPDATE follows SET notify = TRUE WHERE account_id = $1 AND target_account_id = $2`, int64(carol.ID), int64(bob.ID))
		news := stPost(t, s, bob, map[string]any{"status": "news"})
		stPost(t, s, bob, map[string]any{"status": "reply", "in_reply_to_id": id})
		got := s.Must(t, 200, "GET", "/api/v1/notifications?types[]=status", carol.Token, nil).List(t)
		if len(got) != 1 || got[0]["status"].(map[string]any)["id"] != news {
			t.Errorf("status notifications = %v", got)
		}
		// A notification whose status the reader can no longer see is dropped
		// (a private mention from a stranger waits among the filtered ones).
		secret := stPost(t, s, alice, map[string]any{"status": "@carol hush", "visibility": "direct"})
		if got := s.Must(t, 200, "GET", "/api/v1/notifications?types[]=mention&include_filtered=true", carol.Token, nil).List(t); len(got) != 1 || got[0]["status"].(map[string]any)["id"] != secret {
			t.Fatalf("mention notifications = %v", got)
		}
		stExec(t, s, `DELETE FROM mentions WHERE status_id = $1`, secret)
		if got := s.Must(t, 200, "GET", "/api/v1/notifications?types[]=mention&include_filtered=true", carol.Token, nil).List(t); len(got) != 0 {
			t.Errorf("notification of an invisible status shown: %v", got)
		}
		// exclude_reblogs / exclude_replies.
		all := stIDs(s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses?limit=40", alice.Token, nil).List(t))
		noBoosts := stIDs(s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses?limit=40&exclude_reblogs=true", alice.Token, nil).List(t))
		if len(all) != len(noBoosts)+1 {
			t.Errorf("exclude_reblogs: %d vs %d", len(all), len(noBoosts))
		}
	})
}

// stLinkURL returns the URL of rel in a Link header.
func stLinkURL(t *testing.T, header, rel string) string {
	t.Helper()
	m := regexp.MustCompile(`<([^>]+)>; rel="` + rel + `"`).FindStringSubmatch(header)
	if m == nil {
		t.Fatalf("no %s link in %q", rel, header)
	}
	return m[1]
}

func TestPolls(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{
			"status": {"which?"}, "poll[options][]": {"tea", "coffee", "water"}, "poll[expires_in]": {"3600"}, "poll[hide_totals]": {"true"},
		}).Map(t)
		poll := st["poll"].(map[string]any)
		pid := poll["id"].(string)
		if poll["expired"] != false || poll["multiple"] != false || poll["voted"] != true || len(poll["options"].([]any)) != 3 {
			t.Errorf("poll = %v", poll)
		}
		bad := []url.Values{
			{"choices[]": {"0", "1"}}, // single choice
			{"choices[]": {"3"}},      // no such option
			{"choices[]": {"x"}},
			{},
		}
		for _, b := range bad {
			s.Must(t, 422, "POST", "/api/v1/polls/"+pid+"/votes", bob.Token, b)
		}
		v := s.Must(t, 200, "POST", "/api/v1/polls/"+pid+"/votes", bob.Token, url.Values{"choices[]": {"1"}}).Map(t)
		if v["voted"] != true || fmt.Sprint(v["own_votes"]) != "[1]" || v["votes_count"] != float64(1) || v["voters_count"] != float64(1) {
			t.Errorf("after vote: %v", v)
		}
		// Totals hidden from voters until the end, shown to the author.
		if c := v["options"].([]any)[1].(map[string]any)["votes_count"]; c != nil {
			t.Errorf("hidden total shown to a voter: %v", c)
		}
		own := s.Must(t, 200, "GET", "/api/v1/polls/"+pid, alice.Token, nil).Map(t)
		if c := own["options"].([]any)[1].(map[string]any)["votes_count"]; c != float64(1) {
			t.Errorf("author's total = %v", c)
		}
		s.Must(t, 422, "POST", "/api/v1/polls/"+pid+"/votes", bob.Token, url.Values{"choices[]": {"0"}})
		s.Must(t, 404, "GET", "/api/v1/polls/123", "", nil)
		// An ended poll refuses votes and notifies voters and author once.
		carol := s.NewUser(t, "carol")
		stExec(t, s, `UPDATE polls SET expires_at = 1`)
		s.Must(t, 422, "POST", "/api/v1/polls/"+pid+"/votes", carol.Token, url.Values{"choices[]": {"0"}})
		ended := s.Must(t, 200, "GET", "/api/v1/polls/"+pid, bob.Token, nil).Map(t)
		if ended["expired"] != true || ended["options"].([]any)[1].(map[string]any)["votes_count"] != float64(1) {
			t.Errorf("ended poll = %v", ended)
		}
		for range 2 {
			if _, err := s.App.Store.NotifyExpiredPolls(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []*apitest.User{alice, bob} {
			got := s.Must(t, 200, "GET", "/api/v1/notifications?types[]=poll", u.Token, nil).List(t)
			if len(got) != 1 {
				t.Errorf("%s poll notifications = %d, want 1", u.Username, len(got))
			}
		}
		// Editing the options resets the votes.
		s.Must(t, 200, "PUT", "/api/v1/statuses/"+st["id"].(string), alice.Token, map[string]any{
			"status": "which now?", "poll": map[string]any{"options": []string{"tea", "juice"}, "expires_in": 600},
		})
		p2 := s.Must(t, 200, "GET", "/api/v1/polls/"+pid, bob.Token, nil).Map(t)
		if p2["votes_count"] != float64(0) || p2["voted"] != false || p2["expired"] != false {
			t.Errorf("edited poll = %v", p2)
		}
	})
}

package mastodon_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
)

func TestFollowLockedAccount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		boss, alice, bob, carol := s.NewUser(t, "boss"), s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", boss.Token, map[string]any{"locked": true})
		post := gStatus(t, s, boss.ID, domain.Private, 0, false)

		for _, u := range []*apitest.User{alice, bob, carol} {
			rel := s.Must(t, 200, "POST", "/api/v1/accounts/"+boss.AccountID+"/follow", u.Token, map[string]any{"reblogs": false}).Map(t)
			gWant(t, rel, map[string]bool{"requested": true, "following": false, "showing_reblogs": false})
		}
		gWant(t, gRel(t, s, boss, alice.AccountID), map[string]bool{"requested_by": true, "followed_by": false})
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1 AND type = 'follow_request'`, int64(boss.ID)); n != 3 {
			t.Errorf("follow_request notifications = %d, want 3", n)
		}
		if f, _ := gCounts(t, s, boss); f != 0 {
			t.Errorf("followers before accepting = %v", f)
		}
		if feed := gFeed(t, s, alice.ID); len(feed) != 0 {
			t.Errorf("alice's feed before acceptance = %v", feed)
		}
		creds := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", boss.Token, nil).Map(t)
		if n := creds["source"].(map[string]any)["follow_requests_count"]; n != 3.0 {
			t.Errorf("follow_requests_count = %v, want 3", n)
		}

		// Listed newest first, paged with Link.
		page := s.Must(t, 200, "GET", "/api/v1/follow_requests?limit=2", boss.Token, nil)
		if ids := gIDs(page.List(t)); !slices.Equal(ids, []string{carol.AccountID, bob.AccountID}) {
			t.Errorf("follow requests page = %v", ids)
		}
		if !strings.Contains(page.Header.Get("Link"), "max_id=") {
			t.Errorf("Link = %q", page.Header.Get("Link"))
		}

		// Authorize: alice follows, with the request's options; the notification becomes a follow.
		rel := s.Must(t, 200, "POST", "/api/v1/follow_requests/"+alice.AccountID+"/authorize", boss.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"followed_by": true, "requested_by": false})
		gWant(t, gRel(t, s, alice, boss.AccountID), map[string]bool{"following": true, "requested": false, "showing_reblogs": false})
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND type = 'follow'`, int64(boss.ID), int64(alice.ID)); n != 1 {
			t.Errorf("follow notifications after authorize = %d, want 1", n)
		}
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1 AND from_account_id = $2`, int64(boss.ID), int64(alice.ID)); n != 1 {
			t.Errorf("notifications from alice = %d, want 1", n)
		}
		if f, _ := gCounts(t, s, boss); f != 1 {
			t.Errorf("followers after authorize = %v, want 1", f)
		}
		if feed := gFeed(t, s, alice.ID); !slices.Equal(feed, []domain.ID{post}) {
			t.Errorf("alice's feed after acceptance = %v, want [%d]", feed, post)
		}

		// Reject: the request and its notification go.
		rel = s.Must(t, 200, "POST", "/api/v1/follow_requests/"+bob.AccountID+"/reject", boss.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"followed_by": false, "requested_by": false})
		gWant(t, gRel(t, s, bob, boss.AccountID), map[string]bool{"following": false, "requested": false})
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1 AND from_account_id = $2`, int64(boss.ID), int64(bob.ID)); n != 0 {
			t.Errorf("notifications from bob after reject = %d, want 0", n)
		}
		s.Must(t, 404, "POST", "/api/v1/follow_requests/"+bob.AccountID+"/authorize", boss.Token, nil)

		// Unfollow withdraws a pending request.
		gWant(t, s.Must(t, 200, "POST", "/api/v1/accounts/"+boss.AccountID+"/unfollow", carol.Token, nil).Map(t), map[string]bool{"requested": false})
		if ids := gIDs(s.Must(t, 200, "GET", "/api/v1/follow_requests", boss.Token, nil).List(t)); len(ids) != 0 {
			t.Errorf("requests left = %v", ids)
		}
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1 AND type = 'follow_request'`, int64(boss.ID)); n != 0 {
			t.Errorf("follow_request notifications left = %d", n)
		}

		// Following a locked account one already follows only updates options.
		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+boss.AccountID+"/follow", alice.Token, map[string]any{"reblogs": true}).Map(t)
		gWant(t, rel, map[string]bool{"following": true, "requested": false, "showing_reblogs": true})
	})
}

func TestHomeFeedUpkeep(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		carolPost := gStatus(t, s, carol.ID, domain.Public, 0, false)
		carolPrivate := gStatus(t, s, carol.ID, domain.Private, 0, false)
		var want []domain.ID
		for _, v := range []domain.Visibility{domain.Public, domain.Unlisted, domain.Private} {
			want = append(want, gStatus(t, s, bob.ID, v, 0, false))
		}
		gStatus(t, s, bob.ID, domain.Direct, 0, false)
		gStatus(t, s, bob.ID, domain.Public, 0, true) // imported: never pushed into a feed
		boost := gStatus(t, s, bob.ID, domain.Public, carolPost, false)
		gStatus(t, s, bob.ID, domain.Public, carolPrivate, false) // cannot be boosted; never shown

		// Without reblogs, boosts stay out.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, map[string]any{"reblogs": false})
		if feed := gFeed(t, s, alice.ID); !slices.Equal(feed, want) {
			t.Errorf("feed without reblogs = %v, want %v", feed, want)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/unfollow", alice.Token, nil)
		if feed := gFeed(t, s, alice.ID); len(feed) != 0 {
			t.Errorf("feed after unfollow = %v", feed)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		withBoost := append(append([]domain.ID{}, want...), boost)
		if feed := gFeed(t, s, alice.ID); !slices.Equal(feed, withBoost) {
			t.Errorf("feed with reblogs = %v, want %v", feed, withBoost)
		}
		if n := gInt(t, s, `SELECT origin_author_id FROM home_feed WHERE account_id = $1 AND status_id = $2`, int64(alice.ID), int64(boost)); n != int64(carol.ID) {
			t.Errorf("boost origin_author_id = %d, want carol %d", n, carol.ID)
		}

		// Mutes leave the feed alone (the timeline read filters them).
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/mute", alice.Token, nil)
		if n := len(gFeed(t, s, alice.ID)); n != len(withBoost) {
			t.Errorf("feed after mute has %d rows, want %d", n, len(withBoost))
		}

		// Blocks clean both feeds, boosts of the blocked included.
		alicePost := gStatus(t, s, alice.ID, domain.Public, 0, false)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", carol.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		if feed := gFeed(t, s, carol.ID); !slices.Equal(feed, []domain.ID{alicePost}) {
			t.Fatalf("carol's feed = %v", feed)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/block", alice.Token, nil)
		if feed := gFeed(t, s, carol.ID); len(feed) != 0 {
			t.Errorf("carol's feed after block = %v", feed)
		}
		if feed := gFeed(t, s, alice.ID); !slices.Equal(feed, want) {
			t.Errorf("alice's feed after blocking carol = %v, want %v (bob's boost of carol gone)", feed, want)
		}

		// A follow limited to languages backfills those and the unknown ones.
		erin := s.NewUser(t, "erin")
		var wantLang []domain.ID
		for _, lang := range []string{"fr", "en", "", "de"} {
			id := gStatus(t, s, erin.ID, domain.Public, 0, false)
			if _, err := s.App.DB.W.Exec(`UPDATE statuses SET language = $1 WHERE id = $2`, lang, int64(id)); err != nil {
				t.Fatal(err)
			}
			if lang != "en" {
				wantLang = append(wantLang, id)
			}
		}
		frank := s.NewUser(t, "frank")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+erin.AccountID+"/follow", frank.Token, map[string]any{"languages": []string{"fr", "de"}})
		if feed := gFeed(t, s, frank.ID); !slices.Equal(feed, wantLang) {
			t.Errorf("feed with languages fr, de = %v, want %v", feed, wantLang)
		}

		// Only the latest statuses are backfilled.
		dave := s.NewUser(t, "dave")
		var latest []domain.ID
		for range 45 {
			latest = append(latest, gStatus(t, s, dave.ID, domain.Public, 0, false))
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/follow", bob.Token, nil)
		feed := gFeed(t, s, bob.ID)
		var fromDave []domain.ID
		for _, id := range feed {
			if id >= latest[0] {
				fromDave = append(fromDave, id)
			}
		}
		if !slices.Equal(fromDave, latest[5:]) {
			t.Errorf("backfilled %d of dave's statuses, want the latest 40", len(fromDave))
		}
	})
}

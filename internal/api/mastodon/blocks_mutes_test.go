package mastodon_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
)

func TestBlocksAreSymmetric(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", carol.Token, map[string]any{"locked": true})
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		// A pending request from carol's side too: alice requests carol, then carol blocks alice.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/follow", alice.Token, nil)

		rel := s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/block", alice.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"blocking": true, "following": false, "followed_by": false, "blocked_by": false})
		gWant(t, gRel(t, s, bob, alice.AccountID), map[string]bool{"blocked_by": true, "blocking": false, "following": false, "followed_by": false})
		for _, u := range []*apitest.User{alice, bob} {
			if f, g := gCounts(t, s, u); f != 0 || (u == bob && g != 0) {
				t.Errorf("%s counts after block = %v/%v", u.Username, f, g)
			}
		}
		if _, g := gCounts(t, s, alice); g != 0 {
			t.Errorf("alice following after block = %v, want 0 (carol is only requested)", g)
		}
		// Neither side can follow the other.
		s.Must(t, 403, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		s.Must(t, 403, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)

		// Blocking drops pending requests both ways, with their notification.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/block", carol.Token, nil)
		if n := len(s.Must(t, 200, "GET", "/api/v1/follow_requests", carol.Token, nil).List(t)); n != 0 {
			t.Errorf("carol's requests after block = %d, want 0", n)
		}
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1`, int64(carol.ID)); n != 0 {
			t.Errorf("carol's notifications after block = %d, want 0", n)
		}
		gWant(t, gRel(t, s, alice, carol.AccountID), map[string]bool{"requested": false, "blocked_by": true})

		blocks := s.Must(t, 200, "GET", "/api/v1/blocks", alice.Token, nil)
		if ids := gIDs(blocks.List(t)); !slices.Equal(ids, []string{bob.AccountID}) {
			t.Errorf("alice's blocks = %v", ids)
		}
		if !strings.Contains(blocks.Header.Get("Link"), "max_id=") {
			t.Errorf("blocks Link = %q", blocks.Header.Get("Link"))
		}
		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/unblock", alice.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"blocking": false})
		if n := len(s.Must(t, 200, "GET", "/api/v1/blocks", alice.Token, nil).List(t)); n != 0 {
			t.Errorf("blocks after unblock = %d", n)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
	})
}

func TestMutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		before := time.Now()
		rel := s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/mute", alice.Token, url.Values{"duration": {"3600"}}).Map(t)
		gWant(t, rel, map[string]bool{"muting": true, "muting_notifications": true, "blocking": false})
		exp := gInt(t, s, `SELECT expires_at FROM mutes WHERE account_id = $1 AND target_account_id = $2`, int64(alice.ID), int64(bob.ID))
		if lo, hi := before.Add(time.Hour).UnixMilli(), time.Now().Add(time.Hour).UnixMilli(); exp < lo || exp > hi {
			t.Errorf("expires_at = %d, want within [%d, %d]", exp, lo, hi)
		}
		// Muting again updates the options: for ever, notifications shown.
		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/mute", alice.Token, map[string]any{"notifications": false}).Map(t)
		gWant(t, rel, map[string]bool{"muting": true, "muting_notifications": false})
		if n := gInt(t, s, `SELECT count(*) FROM mutes WHERE account_id = $1 AND expires_at IS NULL`, int64(alice.ID)); n != 1 {
			t.Errorf("mutes for ever = %d, want 1", n)
		}
		gWant(t, gRel(t, s, bob, alice.AccountID), map[string]bool{"muting": false})

		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/mute", alice.Token, url.Values{"duration": {"60"}})
		mutes := s.Must(t, 200, "GET", "/api/v1/mutes", alice.Token, nil).List(t)
		if ids := gIDs(mutes); !slices.Equal(ids, []string{carol.AccountID, bob.AccountID}) {
			t.Fatalf("mutes = %v", ids)
		}
		if mutes[0]["mute_expires_at"] == nil || mutes[1]["mute_expires_at"] != nil || mutes[0]["username"] != "carol" {
			t.Errorf("mute_expires_at = %v, %v", mutes[0]["mute_expires_at"], mutes[1]["mute_expires_at"])
		}
		// Pages: limit=1 then max_id, and min_id back.
		first := s.Must(t, 200, "GET", "/api/v1/mutes?limit=1", alice.Token, nil)
		link := first.Header.Get("Link")
		if ids := gIDs(first.List(t)); !slices.Equal(ids, []string{carol.AccountID}) || !strings.Contains(link, "max_id=") {
			t.Fatalf("first page %v, Link %q", ids, link)
		}
		next := strings.TrimPrefix(strings.TrimPrefix(strings.Split(link, ">")[0], "<"), s.URL)
		second := s.Must(t, 200, "GET", next, alice.Token, nil)
		if ids := gIDs(second.List(t)); !slices.Equal(ids, []string{bob.AccountID}) {
			t.Fatalf("second page = %v", ids)
		}
		prevLink := strings.Split(second.Header.Get("Link"), ", ")[1]
		prev := strings.TrimPrefix(strings.TrimPrefix(strings.Split(prevLink, ">")[0], "<"), s.URL)
		if ids := gIDs(s.Must(t, 200, "GET", prev, alice.Token, nil).List(t)); !slices.Equal(ids, []string{carol.AccountID}) {
			t.Errorf("prev page = %v", ids)
		}

		// An expired mute no longer counts.
		if _, err := s.App.DB.W.Exec(`UPDATE mutes SET expires_at = $1 WHERE target_account_id = $2`, time.Now().Add(-time.Second).UnixMilli(), int64(carol.ID)); err != nil {
			t.Fatal(err)
		}
		gWant(t, gRel(t, s, alice, carol.AccountID), map[string]bool{"muting": false, "muting_notifications": false})
		if ids := gIDs(s.Must(t, 200, "GET", "/api/v1/mutes", alice.Token, nil).List(t)); !slices.Equal(ids, []string{bob.AccountID}) {
			t.Errorf("mutes after expiry = %v", ids)
		}

		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/unmute", alice.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"muting": false})
		s.Must(t, 422, "POST", "/api/v1/accounts/"+bob.AccountID+"/mute", alice.Token, url.Values{"duration": {"forever"}})
		s.Must(t, 422, "POST", "/api/v1/accounts/"+bob.AccountID+"/mute", alice.Token, url.Values{"notifications": {"perhaps"}})
	})
}

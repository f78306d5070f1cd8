package bench

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sz := DefaultSizes(200, 5000)
		w, err := Seed(ctx, d, sz, "http://bench.test", 7, t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if n := count(`SELECT count(*) FROM accounts`); n != 200 {
			t.Errorf("accounts: %d, want 200", n)
		}
		if n := count(`SELECT count(*) FROM users`); n != 200 {
			t.Errorf("users: %d, want 200", n)
		}
		if n := count(`SELECT count(*) FROM statuses`); n != 5000 {
			t.Errorf("statuses: %d, want 5000", n)
		}
		// Counters agree with the rows.
		if n := count(`SELECT count(*) FROM accounts a WHERE a.followers_count <> (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id)
			OR a.following_count <> (SELECT count(*) FROM follows f WHERE f.account_id = a.id)
			OR a.statuses_count <> (SELECT count(*) FROM statuses s WHERE s.account_id = a.id)`); n != 0 {
			t.Errorf("%d accounts with wrong counters", n)
		}
		// Ids are time-ordered: a later id never has an earlier created_at.
		if n := count(`SELECT count(*) FROM statuses a JOIN statuses b ON b.id = (SELECT min(id) FROM statuses c WHERE c.id > a.id)
			WHERE b.created_at < a.created_at`); n != 0 {
			t.Errorf("%d statuses out of time order", n)
		}
		// The graph has its shape: a celebrity followed by CelebFollowers, a heavy reader following HeavyFollowing.
		if got := w.Followers[w.Celebs[0]]; got != sz.CelebFollowers {
			t.Errorf("celebrity followers: %d, want %d", got, sz.CelebFollowers)
		}
		if got := len(w.Following[w.Heavy[0]]); got < sz.HeavyFollowing-1 {
			t.Errorf("heavy reader follows %d, want about %d", got, sz.HeavyFollowing)
		}
		// Each feed is the newest FeedSize statuses of the followed accounts and the reader's own.
		for _, r := range []int{w.Heavy[0], w.Typical[0], w.Celebs[0]} {
			id := int64(w.AccountIDs[r])
			want := count(`SELECT count(*) FROM (SELECT s.id FROM statuses s WHERE s.account_id = $1
				OR s.account_id IN (SELECT target_account_id FROM follows WHERE account_id = $1) ORDER BY s.id DESC LIMIT 800) x`, id)
			got := count(`SELECT count(*) FROM home_feed WHERE account_id = $1`, id)
			if got != want || got == 0 {
				t.Errorf("reader %d: %d feed rows, want %d", r, got, want)
			}
			var oldestFeed, newestMissing int64
			_ = d.R.QueryRowContext(ctx, `SELECT min(status_id) FROM home_feed WHERE account_id = $1`, id).Scan(&oldestFeed)
			_ = d.R.QueryRowContext(ctx, `SELECT coalesce(max(s.id), 0) FROM statuses s WHERE (s.account_id = $1
				OR s.account_id IN (SELECT target_account_id FROM follows WHERE account_id = $1))
				AND NOT EXISTS (SELECT 1 FROM home_feed h WHERE h.account_id = $1 AND h.status_id = s.id)`, id).Scan(&newestMissing)
			if newestMissing > oldestFeed {
				t.Errorf("reader %d: status %d missing from the feed but newer than its oldest entry %d", r, newestMissing, oldestFeed)
			}
		}
	})
}

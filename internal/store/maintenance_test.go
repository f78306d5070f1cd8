package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// TestTrimHomeFeeds keeps each local account's newest entries and nothing
// of the others' feeds.
func TestTrimHomeFeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, time.Now)
		now := time.Now().UnixMilli()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		// Three local readers with 12, 5 and 0 entries; the feed ids run 1..n.
		for i, n := range []int{12, 5, 0} {
			id := i + 1
			exec(`INSERT INTO accounts (id, username, created_at, updated_at) VALUES ($1, $2, $3, $3)`, id, fmt.Sprint("u", id), now)
			exec(`INSERT INTO users (id, account_id, email, password_hash, created_at) VALUES ($1, $1, $2, 'x', $3)`, id, fmt.Sprintf("u%d@example.org", id), now)
			for s := 1; s <= n; s++ {
				exec(`INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id) VALUES ($1, $2, 9, 9)`, id, s)
			}
		}
		n, err := st.TrimHomeFeeds(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		if n != 8+1 {
			t.Errorf("trimmed %d entries, want 9", n)
		}
		for id, want := range map[int][2]int64{1: {4, 9}, 2: {4, 2}, 3: {0, 0}} {
			var count, oldest int64
			if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(status_id), 0) FROM home_feed WHERE account_id = $1`, id).Scan(&count, &oldest); err != nil {
				t.Fatal(err)
			}
			if count != want[0] || oldest != want[1] {
				t.Errorf("account %d: %d entries from %d, want %d from %d", id, count, oldest, want[0], want[1])
			}
		}
		if n, err := st.TrimHomeFeeds(ctx, 4); err != nil || n != 0 {
			t.Errorf("second trim = %d, %v; want 0", n, err)
		}
	})
}

// TestCleanupPrunesInbox keeps recent and unprocessed inbox activities.
func TestCleanupPrunesInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, time.Now)
		now := time.Now().UnixMilli()
		old := now - store.InboxRetention.Milliseconds() - 1000
		for i, row := range []struct {
			received  int64
			processed any
		}{{old, old}, {old, nil}, {now, now}} {
			if _, err := d.W.ExecContext(ctx, `INSERT INTO inbox_activities (id, activity_id, type, actor_uri, key_id, body, received_at, processed_at)
				VALUES ($1, $2, 'Create', 'https://x.example/a', 'k', '{}', $3, $4)`, i+1, fmt.Sprint("https://x.example/", i), row.received, row.processed); err != nil {
				t.Fatal(err)
			}
		}
		r, err := st.Cleanup(ctx)
		if err != nil || r.InboxActivities != 1 {
			t.Fatalf("Cleanup = %+v, %v; want one inbox activity pruned", r, err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_activities`).Scan(&n); err != nil || n != 2 {
			t.Errorf("left %d, %v; want 2", n, err)
		}
	})
}

package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// TestFanOut checks who gets a status in their home feed: the author, local
// followers (not remote ones, whose servers build their own feeds) for
// public to private statuses, mentioned local accounts for direct ones.
func TestFanOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, time.Now)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// Accounts 1..4 are local users, 5 is remote.
		for a := 1; a <= 5; a++ {
			dom := ""
			if a == 5 {
				dom = "remote.example"
			}
			exec(`INSERT INTO accounts (id, username, domain, created_at, updated_at) VALUES ($1, $2, $3, 0, 0)`, a, "u"+string(rune('0'+a)), dom)
			if a < 5 {
				exec(`INSERT INTO users (id, account_id, email, password_hash, created_at) VALUES ($1, $1, $2, '', 0)`, a, "u"+string(rune('0'+a))+"@x")
			}
		}
		// 2 and 5 follow 1; 3 follows 1 without boosts.
		exec(`INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES (1, 2, 1, 0), (2, 5, 1, 0)`)
		exec(`INSERT INTO follows (id, account_id, target_account_id, show_reblogs, created_at) VALUES (3, 3, 1, FALSE, 0)`)
		feeds := func(status domain.ID) []int64 {
			t.Helper()
			rows, err := d.R.QueryContext(ctx, `SELECT account_id FROM home_feed WHERE status_id = $1 ORDER BY account_id`, int64(status))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []int64
			for rows.Next() {
				var a int64
				if err := rows.Scan(&a); err != nil {
					t.Fatal(err)
				}
				out = append(out, a)
			}
			return out
		}
		newStatus := func(author int64, vis domain.Visibility, mentions ...domain.ID) *domain.Status {
			id := st.IDs.Next()
			return &domain.Status{ID: id, AccountID: domain.ID(author), Visibility: vis, ConversationID: id, Local: true,
				CreatedAt: time.Now(), MentionedAccountIDs: mentions}
		}
		cases := []struct {
			name string
			st   *domain.Status
			want []int64
		}{
			{"public", newStatus(1, domain.Public), []int64{1, 2, 3}},
			{"private", newStatus(1, domain.Private, 4), []int64{1, 2, 3}},
			{"direct", newStatus(1, domain.Direct, 4, 5), []int64{1, 4}},
		}
		for _, c := range cases {
			if _, created, err := st.CreateStatus(ctx, store.NewStatus{Status: c.st}); err != nil || !created {
				t.Fatalf("%s: create: %v %v", c.name, created, err)
			}
			if got := feeds(c.st.ID); !slices.Equal(got, c.want) {
				t.Errorf("%s: feeds = %v, want %v", c.name, got, c.want)
			}
		}
		// 4 boosts the public status: 4's own feed, but 2 follows 4 too and
		// already has the original, so only 4 gets the boost.
		exec(`INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES (4, 2, 4, 0)`)
		orig := cases[0].st
		boost := newStatus(4, domain.Public)
		boost.ReblogOfID = orig.ID
		if err := st.CreateReblog(ctx, boost, orig); err != nil {
			t.Fatal(err)
		}
		if got := feeds(boost.ID); !slices.Equal(got, []int64{4}) {
			t.Errorf("boost feeds = %v, want [4]", got)
		}
		var origin int64
		if err := d.R.QueryRowContext(ctx, `SELECT origin_author_id FROM home_feed WHERE status_id = $1`, int64(boost.ID)).Scan(&origin); err != nil || origin != 1 {
			t.Errorf("boost origin_author_id = %d, %v; want 1", origin, err)
		}
		// Deleting the original removes the boost and every feed row.
		if err := st.DeleteStatus(ctx, orig); err != nil {
			t.Fatal(err)
		}
		if got := append(feeds(orig.ID), feeds(boost.ID)...); len(got) != 0 {
			t.Errorf("feed rows left after delete: %v", got)
		}
	})
}

package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// planQueries are the hot timeline queries with their page clause filled
// in, as the store runs them.
func planQueries(d db.Dialect) map[string]struct {
	sql  string
	args []any
} {
	maxID := domain.IDAt(time.Now().Add(time.Hour))
	fill := func(q, col string, n int) string {
		where, order, _ := store.PageClause(col, domain.Page{MaxID: maxID}, n)
		return strings.NewReplacer("{where}", where, "{order}", order).Replace(q) + " LIMIT 20"
	}
	return map[string]struct {
		sql  string
		args []any
	}{
		"home":    {fill(store.HomeTimelineSQL, "h.status_id", 3), []any{int64(1), int64(2), int64(maxID)}},
		"account": {fill(store.AccountStatusesSQL, "s.id", 2), []any{int64(1), int64(maxID)}},
		"public":  {fill(store.PublicTimelineSQL(d, store.PublicFilter{}), "s.id", 1), []any{int64(maxID)}},
		"local":   {fill(store.PublicTimelineSQL(d, store.PublicFilter{Local: true}), "s.id", 1), []any{int64(maxID)}},
	}
}

// TestTimelineQueryPlans checks that the home, account and public timelines use
// indexes rather than scanning statuses or feeds. On PostgreSQL the test
// disables sequential scans for its connection: on a small table the
// planner rightly prefers a sequential scan, so without that setting the
// test would assert the planner's cost model rather than our indexes; with
// it, a remaining "Seq Scan" means no index can serve the query.
func TestTimelineQueryPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		conn, err := d.R.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for name, q := range planQueries(d.Dialect) {
			var plan []string
			if d.Dialect == db.SQLite {
				rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for rows.Next() {
					var id, parent, notused int
					var detail string
					if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, detail)
				}
				rows.Close()
				for _, line := range plan {
					if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "CONSTANT ROW") {
						t.Errorf("%s: full scan %q in plan:\n%s", name, line, strings.Join(plan, "\n"))
					}
				}
			} else {
				if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
					t.Fatal(err)
				}
				rows, err := conn.QueryContext(ctx, "EXPLAIN "+q.sql, q.args...)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, line)
				}
				rows.Close()
				if _, err := conn.ExecContext(ctx, "RESET enable_seqscan"); err != nil {
					t.Fatal(err)
				}
				for _, line := range plan {
					if strings.Contains(line, "Seq Scan on statuses") || strings.Contains(line, "Seq Scan on home_feed") {
						t.Errorf("%s: %q in plan:\n%s", name, strings.TrimSpace(line), strings.Join(plan, "\n"))
					}
				}
			}
			t.Logf("%s plan:\n%s", name, strings.Join(plan, "\n"))
			if len(plan) == 0 {
				t.Errorf("%s: empty plan", name)
			}
			want := map[string]string{"home": "home_feed_pkey", "account": "statuses_account", "public": "statuses_public", "local": "statuses_public_local"}[name]
			if d.Dialect == db.SQLite && name == "home" {
				want = "SEARCH h USING INDEX sqlite_autoindex_home_feed_1 (account_id=? AND status_id<?)"
			}
			if !strings.Contains(strings.Join(plan, "\n"), want) {
				t.Errorf("%s: plan does not use %s:\n%s", name, want, strings.Join(plan, "\n"))
			}
		}
	})
}

// seedAccounts spreads the seeded statuses so that one account holds a
// small share of them, as on a live server.
const seedAccounts = 50

// seed writes a few accounts, statuses and feed rows and updates the
// planner's statistics, so plans are those of a live database.
func seed(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	st := store.New(d, time.Now)
	now := time.Now().UnixMilli()
	for a := 1; a <= seedAccounts; a++ {
		if _, err := d.W.ExecContext(ctx, `INSERT INTO accounts (id, username, created_at, updated_at) VALUES ($1, $2, $3, $3)`, a, fmt.Sprint("u", a), now); err != nil {
			t.Fatal(err)
		}
	}
	var values []string
	for i := range 400 {
		vis := []string{"public", "unlisted", "private", "direct"}[i%4]
		values = append(values, fmt.Sprintf("(%d, %d, '%s', %d, %d)", st.IDs.Next(), i%seedAccounts+1, vis, i, now))
	}
	if _, err := d.W.ExecContext(ctx, `INSERT INTO statuses (id, account_id, visibility, conversation_id, created_at) VALUES `+strings.Join(values, ", ")); err != nil {
		t.Fatal(err)
	}
	// Each status reaches a fifth of the readers.
	if _, err := d.W.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
		SELECT r.id, s.id, s.account_id, s.account_id FROM statuses s, accounts r WHERE (s.conversation_id + r.id) % 5 = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
}

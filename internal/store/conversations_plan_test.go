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

// lfSeed fills accounts, statuses (a third direct, with mentions), home
// feeds, follows and a list, so that planners have statistics.
func lfSeed(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	st := store.New(d, time.Now)
	now := time.Now().UnixMilli()
	exec := func(q string) {
		t.Helper()
		if _, err := d.W.ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	const accounts = 40
	var vals []string
	for a := 1; a <= accounts; a++ {
		vals = append(vals, fmt.Sprintf("(%d, 'u%d', %d, %d)", a, a, now, now))
	}
	exec(`INSERT INTO accounts (id, username, created_at, updated_at) VALUES ` + strings.Join(vals, ", "))
	vals = nil
	var mentions []string
	for i := range 600 {
		id := st.IDs.Next()
		vis := "public"
		if i%3 == 0 {
			vis = "direct"
			mentions = append(mentions, fmt.Sprintf("(%d, %d)", id, (i+1)%accounts+1))
		}
		vals = append(vals, fmt.Sprintf("(%d, %d, '%s', %d, %d)", id, i%accounts+1, vis, i%50, now))
	}
	exec(`INSERT INTO statuses (id, account_id, visibility, conversation_id, created_at) VALUES ` + strings.Join(vals, ", "))
	exec(`INSERT INTO mentions (status_id, account_id) VALUES ` + strings.Join(mentions, ", "))
	exec(`INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
		SELECT r.id, s.id, s.account_id, s.account_id FROM statuses s, accounts r WHERE (s.id + r.id) % 5 = 0`)
	exec(`INSERT INTO follows (id, account_id, target_account_id, created_at)
		SELECT a.id * 1000 + b.id, a.id, b.id, 0 FROM accounts a, accounts b WHERE a.id <> b.id AND (a.id + b.id) % 4 = 0`)
	exec(`INSERT INTO lists (id, account_id, title, exclusive, created_at) SELECT id, id, 'l', TRUE, 0 FROM accounts`)
	exec(`INSERT INTO list_accounts (id, list_id, account_id, follow_id, created_at)
		SELECT f.id, f.account_id, f.target_account_id, f.id, 0 FROM follows f WHERE f.target_account_id % 2 = 0`)
	exec("ANALYZE")
}

// lfPlan returns the query plan of q: EXPLAIN QUERY PLAN details on SQLite,
// EXPLAIN lines on PostgreSQL with sequential scans disabled (on small
// tables the planner rightly prefers them; with them off, a remaining
// "Seq Scan" means no index can serve the query).
func lfPlan(t *testing.T, d *db.DB, q string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	conn, err := d.R.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var plan []string
	if d.Dialect == db.SQLite {
		rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		return strings.Join(plan, "\n")
	}
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "RESET enable_seqscan")
	rows, err := conn.QueryContext(ctx, "EXPLAIN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	return strings.Join(plan, "\n")
}

// TestListAndConversationQueryPlans checks that the list timeline, the
// conversations list and the home timeline (with its exclusive-list filter)
// are served by indexes, not by scanning statuses, home feeds or mentions.
func TestListAndConversationQueryPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		lfSeed(t, d)
		maxID := domain.IDAt(time.Now().Add(time.Hour))
		page := domain.Page{MaxID: maxID, Limit: 20}
		listQ, listArgs := store.ListTimelineQuery(4, &store.List{ID: 4, RepliesPolicy: "list"}, page, time.Now().UnixMilli())
		convQ, convArgs := store.ConversationsQuery(4, 0, page)
		where, order, pargs := store.PageClause("h.status_id", page, 3)
		homeQ := strings.NewReplacer("{where}", where, "{order}", order).
			Replace(store.HomeTimelineSQL) + " LIMIT 20"
		cases := []struct {
			name string
			sql  string
			args []any
			want []string // index names the plan must use
		}{
			{"list", listQ, listArgs, []string{"home_feed"}},
			{"conversations", convQ, convArgs, []string{"statuses_direct", "mentions_account"}},
			{"home+exclusive", homeQ, append([]any{int64(4), time.Now().UnixMilli()}, pargs...), []string{"home_feed", "lists_account"}},
		}
		tables := map[string]bool{"statuses": true, "st": true, "home_feed": true, "h": true, "mentions": true, "m": true,
			"list_accounts": true, "la": true, "r": true, "lists": true, "l": true, "follows": true, "f": true, "b": true}
		for _, c := range cases {
			plan := lfPlan(t, d, c.sql, c.args...)
			t.Logf("%s plan:\n%s", c.name, plan)
			for _, line := range strings.Split(plan, "\n") {
				// Scans of the query's own CTEs (mine, convs as c) are fine.
				if f := strings.Fields(line); d.Dialect == db.SQLite && len(f) > 1 && f[0] == "SCAN" && tables[f[1]] {
					t.Errorf("%s: full scan %q", c.name, line)
				}
				if d.Dialect == db.Postgres && (strings.Contains(line, "Seq Scan on statuses") || strings.Contains(line, "Seq Scan on home_feed") ||
					strings.Contains(line, "Seq Scan on mentions") || strings.Contains(line, "Seq Scan on list_accounts")) {
					t.Errorf("%s: %q", c.name, strings.TrimSpace(line))
				}
			}
			for _, w := range c.want {
				if !strings.Contains(plan, w) {
					t.Errorf("%s: plan does not use %s", c.name, w)
				}
			}
		}
	})
}

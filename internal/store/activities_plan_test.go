package store

import (
	"context"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// The outbox page reads the author's statuses through statuses_account, in
// index order: no scan of all statuses, no sort.
func TestOutboxQueryPlan(t *testing.T) {
	d := storetest.Open(t, db.SQLite)
	where, order, args := PageClause("s.id", domain.Page{MaxID: 1 << 40, Limit: 20}, 3)
	rows, err := d.R.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+outboxQuery(where, order), append([]any{1, 20}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "SEARCH s USING INDEX statuses_account") || strings.Contains(got, "SCAN s") || strings.Contains(got, "TEMP B-TREE") {
		t.Fatalf("outbox plan: %s", got)
	}
}

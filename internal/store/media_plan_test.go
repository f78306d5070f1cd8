package store

import (
	"context"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/storetest"
)

// A page's attachments are read through the partial index on status_id:
// no scan of all media.
func TestMediaOfQueryPlan(t *testing.T) {
	d := storetest.Open(t, db.SQLite)
	rows, err := d.R.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+mediaOfQuery(3), 1, 2, 3)
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
	if !strings.Contains(got, "USING INDEX media_attachments_status") || strings.Contains(got, "SCAN m") {
		t.Fatalf("media plan: %s", got)
	}
}

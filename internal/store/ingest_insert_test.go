package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// A status stored by the batch's multi-row INSERT (insertRemoteStatuses)
// has the row insertStatus writes: every column but the id, uri and url
// alike. A column added to insertStatus and not to insertStatusColumns
// fails here.
func TestInsertRemoteStatusesMatchesInsertStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		bob := upsertRemote(t, s, "bob", "r.example")
		mk := func(n int) *domain.Status {
			uri := fmt.Sprintf("https://r.example/notes/%d", n)
			st := &domain.Status{ID: s.IDs.Next(), AccountID: bob.ID, URI: uri, URL: uri, Visibility: domain.Unlisted,
				Content: "<p>same</p>", SpoilerText: "cw", Sensitive: true, Language: "fr", QuotePolicy: "followers",
				CreatedAt: s.Now()}
			st.ConversationID = 42
			return st
		}
		one, batch := mk(1), mk(2)
		if _, err := s.CreateRemoteStatus(ctx, one, nil, nil, false); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateRemoteStatuses(ctx, []*RemoteStatusWrite{{Status: batch}}); err != nil {
			t.Fatal(err)
		}
		row := func(id domain.ID) map[string]any {
			t.Helper()
			rows, err := d.R.QueryContext(ctx, `SELECT * FROM statuses WHERE id = $1`, int64(id))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			if !rows.Next() {
				t.Fatalf("status %d not stored", id)
			}
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out := map[string]any{}
			for i, c := range cols {
				if b, ok := vals[i].([]byte); ok {
					vals[i] = string(b)
				}
				out[c] = vals[i]
			}
			for _, c := range []string{"id", "uri", "url"} {
				delete(out, c)
			}
			return out
		}
		a, b := row(one.ID), row(batch.ID)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("rows differ:\n insertStatus:         %v\n insertRemoteStatuses: %v", a, b)
		}
	})
}

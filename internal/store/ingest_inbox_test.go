package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// A group commit larger than one INSERT statement is stored in one
// transaction of several statements, duplicates dropped across them; a
// row the database refuses fails the whole group (the inbox then stores
// each row on its own).
func TestInsertInboxActivitiesLargeGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		var acts []*store.InboxActivity
		for i := range 70 {
			acts = append(acts, inboxRow(i%60)) // 60..69 repeat 0..9, in a later statement
		}
		ins, err := st.InsertInboxActivities(ctx, acts)
		if err != nil {
			t.Fatal(err)
		}
		for i, ok := range ins {
			if ok != (i < 60) {
				t.Fatalf("row %d inserted %v", i, ok)
			}
		}
		for _, n := range []int{0, 9, 59} {
			if c, _ := st.CountInboxActivities(ctx, inboxRow(n).ActivityID); c != 1 {
				t.Errorf("activity %d stored %d times", n, c)
			}
		}
		// All or nothing: PostgreSQL refuses a NUL byte in text, and then
		// nothing of the group is stored (the inbox stores each row on its
		// own next). SQLite takes the row.
		bad := &store.InboxActivity{ActivityID: "https://remote.example/activities/nul\x00", Type: "Create",
			ActorURI: "https://remote.example/users/bob", KeyID: "k", Body: `{}`}
		group := append([]*store.InboxActivity{inboxRow(100)}, bad)
		for i := range 40 {
			group = append(group, inboxRow(200+i))
		}
		_, err = st.InsertInboxActivities(ctx, group)
		if d.Dialect == db.Postgres {
			if err == nil || !strings.Contains(err.Error(), "store inbox activities") {
				t.Fatalf("a row PostgreSQL refuses: %v", err)
			}
			if c, _ := st.CountInboxActivities(ctx, inboxRow(100).ActivityID); c != 0 {
				t.Errorf("a refused group stored a row")
			}
		} else if err != nil {
			t.Fatal(err)
		}
	})
}

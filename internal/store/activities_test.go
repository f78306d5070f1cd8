package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func TestInboxActivities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		u := mustLocalUser(t, st, "alice")
		enqueued := 0
		enqueue := func(tx *sql.Tx, id domain.ID) error { enqueued++; return nil }
		a := &store.InboxActivity{ActivityID: "https://remote.example/activities/1", Type: "Follow",
			ActorURI: "https://remote.example/users/bob", KeyID: "k", RecipientAccountID: u.AccountID, Body: `{}`}
		ok, err := st.InsertInboxActivity(ctx, a, enqueue)
		if err != nil || !ok {
			t.Fatalf("first insert: %v, %v", ok, err)
		}
		dup := *a
		ok, err = st.InsertInboxActivity(ctx, &dup, enqueue)
		if err != nil || ok {
			t.Fatalf("duplicate insert: %v, %v", ok, err)
		}
		if enqueued != 1 {
			t.Errorf("enqueued %d jobs, want 1", enqueued)
		}
		// A failing enqueue rolls the activity back.
		b := &store.InboxActivity{ActivityID: "https://remote.example/activities/2", Type: "Like", ActorURI: "x", KeyID: "k", Body: `{}`}
		if _, err := st.InsertInboxActivity(ctx, b, func(*sql.Tx, domain.ID) error { return errors.New("queue down") }); err == nil {
			t.Fatal("want the enqueue error")
		}
		if n, _ := st.CountInboxActivities(ctx, b.ActivityID); n != 0 {
			t.Fatalf("activity kept after a failed enqueue: %d rows", n)
		}
		got, err := st.InboxActivity(ctx, a.ID)
		if err != nil || got.Type != "Follow" || got.RecipientAccountID != u.AccountID || got.ProcessedAt != 0 {
			t.Fatalf("got %+v, %v", got, err)
		}
		if err := st.MarkInboxActivityProcessed(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.InboxActivityByActivityID(ctx, a.ActivityID); got == nil || got.ProcessedAt == 0 {
			t.Fatalf("not marked processed: %+v", got)
		}
	})
}

func TestOutboxStatuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		u := mustLocalUser(t, st, "alice")
		ids := map[string]domain.ID{}
		for _, vis := range []string{"public", "unlisted", "private", "direct", "public"} {
			id := st.IDs.Next()
			if _, err := d.W.ExecContext(ctx, `INSERT INTO statuses (id, account_id, uri, visibility, conversation_id, created_at)
				VALUES ($1, $2, $3, $4, $1, $5)`, int64(id), int64(u.AccountID), fmt.Sprintf("https://example.org/s/%d", id), vis, time.Now().UnixMilli()); err != nil {
				t.Fatal(err)
			}
			ids[vis] = id // the last public one wins
		}
		n, err := st.CountOutbox(ctx, u.AccountID)
		if err != nil || n != 3 {
			t.Fatalf("count = %d, %v; want 3", n, err)
		}
		page, err := st.OutboxStatuses(ctx, u.AccountID, domain.Page{Limit: 2}, false)
		if err != nil || len(page) != 2 || page[0].ID != ids["public"] || page[1].Visibility != "unlisted" {
			t.Fatalf("first page = %+v, %v", page, err)
		}
		rest, err := st.OutboxStatuses(ctx, u.AccountID, domain.Page{Limit: 2, MaxID: page[1].ID}, false)
		if err != nil || len(rest) != 1 || rest[0].Visibility != "public" {
			t.Fatalf("second page = %+v, %v", rest, err)
		}
		for _, it := range append(page, rest...) {
			if it.Visibility == "private" || it.Visibility == "direct" {
				t.Fatalf("outbox shows a %s status", it.Visibility)
			}
		}
	})
}

package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func inboxRow(n int) *store.InboxActivity {
	return &store.InboxActivity{ActivityID: fmt.Sprintf("https://remote.example/activities/%d", n), Type: "Create",
		ActorURI: "https://remote.example/users/bob", KeyID: "k", Body: `{}`}
}

func TestInboxActivitiesInBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		now := time.Now()
		st.Now = func() time.Time { return now }

		// Stored together; a duplicate, in the batch or of an earlier
		// batch, is dropped.
		ins, err := st.InsertInboxActivities(ctx, []*store.InboxActivity{inboxRow(1), inboxRow(2), inboxRow(1), inboxRow(3)})
		if err != nil || fmt.Sprint(ins) != "[true true false true]" {
			t.Fatalf("first batch: %v, %v", ins, err)
		}
		ins, err = st.InsertInboxActivities(ctx, []*store.InboxActivity{inboxRow(3), inboxRow(4)})
		if err != nil || fmt.Sprint(ins) != "[false true]" {
			t.Fatalf("second batch: %v, %v", ins, err)
		}
		if n, _ := st.CountInboxActivities(ctx, inboxRow(1).ActivityID); n != 1 {
			t.Errorf("activity 1 stored %d times", n)
		}

		// Claimed oldest first, limit respected, each claim an attempt.
		got, err := st.ClaimInboxActivities(ctx, 3, time.Minute)
		if err != nil || len(got) != 3 {
			t.Fatalf("claim: %d, %v", len(got), err)
		}
		for i, a := range got {
			if a.ActivityID != inboxRow(i+1).ActivityID || a.Attempts != 1 || a.Body != `{}` {
				t.Errorf("claimed[%d] = %+v", i, a)
			}
		}
		// Claimed rows are leased: the next claim gets only the fourth.
		rest, err := st.ClaimInboxActivities(ctx, 10, time.Minute)
		if err != nil || len(rest) != 1 || rest[0].ActivityID != inboxRow(4).ActivityID {
			t.Fatalf("second claim: %v, %v", rest, err)
		}
		if more, _ := st.ClaimInboxActivities(ctx, 10, time.Minute); len(more) != 0 {
			t.Fatalf("claimed %d leased rows", len(more))
		}

		// 1 and 2 processed, 3 failed (retried in 10 s), 4 released at once.
		if err := st.MarkInboxActivitiesProcessed(ctx, []domain.ID{got[0].ID, got[1].ID}); err != nil {
			t.Fatal(err)
		}
		if err := st.RetryInboxActivity(ctx, got[2].ID, 10*time.Second, "remote down", false); err != nil {
			t.Fatal(err)
		}
		if err := st.ReleaseInboxActivities(ctx, []domain.ID{rest[0].ID}); err != nil {
			t.Fatal(err)
		}
		again, err := st.ClaimInboxActivities(ctx, 10, time.Minute)
		if err != nil || len(again) != 1 || again[0].ID != rest[0].ID || again[0].Attempts != 1 {
			t.Fatalf("after release: %+v, %v", again, err)
		}
		if a, _ := st.InboxActivity(ctx, got[0].ID); a.ProcessedAt == 0 {
			t.Error("activity 1 not marked processed")
		}

		// A crashed worker's lease ends: its rows are claimed again; the
		// retried row is due after its delay.
		now = now.Add(2 * time.Minute)
		late, err := st.ClaimInboxActivities(ctx, 10, time.Minute)
		if err != nil || len(late) != 2 || late[0].ID != got[2].ID || late[0].Attempts != 2 || late[1].ID != rest[0].ID {
			t.Fatalf("after the lease: %+v, %v", late, err)
		}
		// Given up: marked processed, never claimed again.
		if err := st.RetryInboxActivity(ctx, late[0].ID, 0, "gone", true); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkInboxActivitiesProcessed(ctx, []domain.ID{late[1].ID}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if left, _ := st.ClaimInboxActivities(ctx, 10, time.Minute); len(left) != 0 {
			t.Fatalf("claimed %d processed rows", len(left))
		}
	})
}

package store

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// Two notes published in the same millisecond that drew the same id are
// both stored: the second draws another id in that millisecond (before,
// the second activity failed on the primary key and waited for a retry).
func TestCreateRemoteStatusIDCollision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		alice := graphUsers(t, s, "alice")[0]
		bob := upsertRemote(t, s, "bob", "r.example")
		if _, err := s.Follow(ctx, alice, bob.ID, FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		id := s.IDs.At(s.Now())
		var stored []domain.ID
		for _, uri := range []string{"https://r.example/n/1", "https://r.example/n/2"} {
			st := &domain.Status{ID: id, ConversationID: id, AccountID: bob.ID, URI: uri, Visibility: domain.Public, CreatedAt: s.Now()}
			if created, err := s.CreateRemoteStatus(ctx, st, nil, nil, false); err != nil || !created {
				t.Fatalf("create %s: %v, %v", uri, created, err)
			}
			if st.ConversationID != st.ID || int64(st.ID)>>16 != int64(id)>>16 {
				t.Errorf("%s: id %d, conversation %d: want a fresh id in the millisecond of %d", uri, st.ID, st.ConversationID, id)
			}
			stored = append(stored, st.ID)
		}
		if stored[0] != id || stored[1] == id {
			t.Errorf("ids %v, first should keep %d", stored, id)
		}
		for i, sid := range stored {
			got, err := s.Status(ctx, sid)
			if err != nil || got.URI != []string{"https://r.example/n/1", "https://r.example/n/2"}[i] {
				t.Errorf("status %d: %+v, %v", sid, got, err)
			}
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM home_feed WHERE account_id = $1`, int64(alice)).Scan(&n); err != nil || n != 2 {
			t.Errorf("home feed holds %d, %v; want 2", n, err)
		}
	})
}

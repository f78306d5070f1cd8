package store

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestCancelMove: a moved account's move is cancelled (moved_to cleared,
// the Update of its actor federated to every server that knows it), the
// move's row stays for the cooldown, and cancelling without a move or for
// a remote account is refused.
func TestCancelMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &recorder{}
		s.Federator = rec
		ids := graphUsers(t, s, "alice", "bea")
		alice, bea := ids[0], ids[1]
		remote := remoteAccount(t, s, "rob", "one.example", true)
		if _, err := s.Follow(ctx, remote, alice, FollowOptions{URI: "https://one.example/f/1"}); err != nil {
			t.Fatal(err)
		}
		if err := s.CancelMove(ctx, alice); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("cancel without a move: %v, want invalid", err)
		}
		if err := s.RecordMove(ctx, alice, bea, 30*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		rec.take()
		if err := s.CancelMove(ctx, alice); err != nil {
			t.Fatal(err)
		}
		if a, _ := s.Account(ctx, alice); a.MovedToAccountID != 0 {
			t.Errorf("moved_to = %d after the cancel", a.MovedToAccountID)
		}
		if got := rec.take(); len(got) != 1 || got[0].Type != "Update" || got[0].Object != "Person" || !got[0].Known {
			t.Errorf("federated %+v, want the Update of the actor to every server that knows it", got)
		}
		if err := s.RecordMove(ctx, alice, bea, 30*24*time.Hour); domain.KindOf(err) != domain.KindRateLimited {
			t.Errorf("move after the cancel, within the cooldown: %v", err)
		}
		if err := s.CancelMove(ctx, remote); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("cancel for a remote account: %v", err)
		}
	})
}

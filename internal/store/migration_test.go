package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestMoveAndAliases: aliases are stored and federated as an Update of the
// actor; a move marks the account, federates the Update and the Move to
// its followers, and a second move within the cooldown is refused with
// nothing changed; MoveFollowers switches local followers and tells the
// old account's server when it is remote.
func TestMoveAndAliases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &recorder{}
		s.Federator = rec
		ids := graphUsers(t, s, "alice", "bea", "cleo")
		alice, bea, cleo := ids[0], ids[1], ids[2]
		remote := remoteAccount(t, s, "rob", "one.example", true)
		if _, err := s.Follow(ctx, remote, alice, FollowOptions{URI: "https://one.example/f/1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Follow(ctx, cleo, alice, FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		rec.take()

		aka := []string{"https://one.example/users/rob"}
		if err := s.SetAliases(ctx, alice, aka); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.AccountAliases(ctx, alice); !slices.Equal(got, aka) {
			t.Errorf("aliases = %v", got)
		}
		if got := rec.take(); len(got) != 1 || got[0].Type != "Update" || got[0].Object != "Person" {
			t.Errorf("federated %+v, want the Update of the actor", got)
		}
		if err := s.SetAliases(ctx, alice, make([]string, MaxAliases+1)); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("too many aliases: %v", err)
		}

		if err := s.RecordMove(ctx, alice, bea, 30*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		got := rec.take()
		if len(got) != 2 || got[1].Type != "Move" || got[1].TargetID != bea || !got[1].Followers {
			t.Errorf("federated %+v, want Update then Move", got)
		}
		if last, _ := s.LastMove(ctx, alice); time.Since(last) > time.Minute {
			t.Errorf("last move = %v", last)
		}
		if err := s.RecordMove(ctx, alice, cleo, 30*24*time.Hour); domain.KindOf(err) != domain.KindRateLimited {
			t.Errorf("second move: %v, want rate limited", err)
		}
		if a, _ := s.Account(ctx, alice); a.MovedToAccountID != bea {
			t.Errorf("moved to %v, want bea", a.MovedToAccountID)
		}

		moved, err := s.MoveFollowers(ctx, alice, bea)
		if err != nil || len(moved) != 1 || moved[0].Follower != cleo {
			t.Fatalf("moved followers = %+v, %v", moved, err)
		}
		if ok, _ := s.IsFollowing(ctx, cleo, alice); ok {
			t.Error("cleo still follows alice")
		}
		if ok, _ := s.IsFollowing(ctx, remote, alice); !ok {
			t.Error("the remote follower was unfollowed here (its server does that)")
		}

		// A local follower of a remote account that moves: the Undo goes
		// to the remote account's server.
		if _, err := s.Follow(ctx, bea, remote, FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		rec.take()
		if _, err := s.MoveFollowers(ctx, remote, cleo); err != nil {
			t.Fatal(err)
		}
		if got := rec.take(); len(got) != 1 || got[0].Type != "Undo" || got[0].ActorID != bea || got[0].TargetID != remote {
			t.Errorf("federated %+v, want bea's Undo Follow", got)
		}
	})
}

// TestRemoteFeatured: a remote account's pins keep the collection's order,
// only its own statuses, and at most MaxRemoteFeatured.
func TestRemoteFeatured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		remote := remoteAccount(t, s, "rob", "one.example", true)
		other := graphUsers(t, s, "alice")[0]
		var ids []domain.ID
		for range MaxRemoteFeatured + 2 {
			st := testStatus(s, remote, domain.Public)
			if _, _, err := s.CreateStatus(ctx, NewStatus{Status: st}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, st.ID)
		}
		theirs := testStatus(s, other, domain.Public)
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: theirs}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRemoteFeatured(ctx, remote, []domain.ID{ids[2], theirs.ID, ids[0]}); err != nil {
			t.Fatal(err)
		}
		feat, err := s.FeaturedStatuses(ctx, remote, 50)
		if err != nil || len(feat) != 2 || feat[0].ID != ids[2] || feat[1].ID != ids[0] {
			t.Fatalf("featured = %v, %v", feat, err)
		}
		for _, id := range ids {
			if err := s.PinRemote(ctx, remote, id); err != nil {
				t.Fatal(err)
			}
		}
		if feat, _ = s.FeaturedStatuses(ctx, remote, 50); len(feat) != MaxRemoteFeatured {
			t.Errorf("%d pins kept, want %d", len(feat), MaxRemoteFeatured)
		}
		if err := s.UnpinRemote(ctx, remote, ids[len(ids)-1]); err != nil {
			t.Fatal(err)
		}
		if feat, _ = s.FeaturedStatuses(ctx, remote, 50); len(feat) != MaxRemoteFeatured-1 {
			t.Errorf("%d pins after unpin", len(feat))
		}
	})
}

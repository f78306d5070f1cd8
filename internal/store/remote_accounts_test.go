package store

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

func upsertRemote(t *testing.T, s *Store, name, host string) *domain.Account {
	t.Helper()
	a := &domain.Account{Username: name, Domain: host, URI: "https://" + host + "/users/" + name,
		InboxURL: "https://" + host + "/users/" + name + "/inbox", FollowersURL: "https://" + host + "/users/" + name + "/followers"}
	if err := s.UpsertRemoteAccount(context.Background(), &RemoteAccount{Account: a, AlsoKnownAs: []string{"https://old.example/users/" + name}}); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestUpsertRemoteAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		a := upsertRemote(t, s, "bob", "r.example")
		ra, err := s.RemoteAccountByURI(ctx, a.URI)
		if err != nil {
			t.Fatal(err)
		}
		if ra.Account.ID != a.ID || ra.Account.Domain != "r.example" || len(ra.AlsoKnownAs) != 1 || ra.FetchedAt.IsZero() {
			t.Fatalf("stored %+v", ra)
		}
		// A refresh updates the same row.
		a2 := &domain.Account{Username: "bob", Domain: "R.example", URI: a.URI, DisplayName: "Bob", Locked: true}
		if err := s.UpsertRemoteAccount(ctx, &RemoteAccount{Account: a2}); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountByURI(ctx, a.URI)
		if err != nil || got.ID != a.ID || got.DisplayName != "Bob" || !got.Locked {
			t.Fatalf("after refresh %+v, %v", got, err)
		}
		// A new actor id for the same handle takes over the row.
		a3 := &domain.Account{Username: "bob", Domain: "r.example", URI: "https://r.example/ap/bob"}
		if err := s.UpsertRemoteAccount(ctx, &RemoteAccount{Account: a3}); err != nil || a3.ID != a.ID {
			t.Fatalf("id change: %v, id %d want %d", err, a3.ID, a.ID)
		}
		if _, err := s.AccountByURI(ctx, a.URI); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("old uri still found: %v", err)
		}
		if err := s.UpsertRemoteAccount(ctx, &RemoteAccount{Account: &domain.Account{Username: "x", URI: "https://x"}}); err == nil {
			t.Error("a remote account without a domain was stored")
		}
	})
}

func TestDeleteRemoteAccountContentAndMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		ids := graphUsers(t, s, "alice", "carol")
		alice, carol := ids[0], ids[1]
		bob := upsertRemote(t, s, "bob", "r.example")
		for _, f := range []domain.ID{alice, carol} {
			if _, err := s.Follow(ctx, f, bob.ID, FollowOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Block(ctx, carol, upsertRemote(t, s, "bob2", "n.example").ID); err != nil {
			t.Fatal(err)
		}
		newBob, _ := s.AccountByHandle(ctx, "bob2", "n.example")
		moved, err := s.MoveFollowers(ctx, bob.ID, newBob.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(moved) != 1 || moved[0].Follower != alice {
			t.Fatalf("moved %+v, want alice only (carol blocks the target)", moved)
		}
		if ok, _ := s.IsFollowing(ctx, alice, bob.ID); ok {
			t.Error("alice still follows the old account")
		}
		if ok, _ := s.IsFollowing(ctx, carol, bob.ID); !ok {
			t.Error("carol's follow was moved despite her block")
		}
		old, _ := s.Account(ctx, bob.ID)
		if old.MovedToAccountID != newBob.ID {
			t.Errorf("moved_to %d, want %d", old.MovedToAccountID, newBob.ID)
		}

		st := &domain.Status{ID: s.IDs.Next(), AccountID: bob.ID, URI: "https://r.example/n/1", Visibility: domain.Public, CreatedAt: s.Now()}
		st.ConversationID = st.ID
		if _, err := s.CreateRemoteStatus(ctx, st, nil, nil, false); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRemoteAccountContent(ctx, bob.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Status(ctx, st.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("status survived: %v", err)
		}
		gone, _ := s.Account(ctx, bob.ID)
		if gone.SuspendedAt == nil || gone.StatusesCount != 0 || gone.FollowersCount != 0 {
			t.Errorf("account after delete %+v", gone)
		}
		checkCounters(t, s)
	})
}

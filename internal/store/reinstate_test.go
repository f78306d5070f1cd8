package store

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/storetest"
)

// TestReinstateRemoteAccount: an account its server deleted is marked as
// suspended remotely and can be reinstated (once); one suspended here
// first stays suspended after its server deletes and reinstates it.
func TestReinstateRemoteAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		bob, rob := upsertRemote(t, s, "bob", "r.example"), upsertRemote(t, s, "rob", "r.example")
		if ok, err := s.ReinstateRemoteAccount(ctx, bob.ID); err != nil || ok {
			t.Errorf("reinstated an account never suspended: %v %v", ok, err)
		}
		if err := s.DeleteRemoteAccountContent(ctx, bob.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.RemotelySuspended(ctx, bob.ID); err != nil || !ok {
			t.Fatalf("bob deleted by his server: remotely suspended %v %v", ok, err)
		}
		if ok, err := s.ReinstateRemoteAccount(ctx, bob.ID); err != nil || !ok {
			t.Fatalf("reinstate bob: %v %v", ok, err)
		}
		if a, _ := s.Account(ctx, bob.ID); a.SuspendedAt != nil {
			t.Errorf("bob still suspended")
		}
		if ok, _ := s.RemotelySuspended(ctx, bob.ID); ok {
			t.Errorf("bob still marked suspended by his server")
		}

		// rob is suspended here, then deleted and reinstated by his server.
		if err := s.SetAccountRestriction(ctx, s.DB.W, rob.ID, "suspended", true); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRemoteAccountContent(ctx, rob.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.RemotelySuspended(ctx, rob.ID); ok {
			t.Errorf("rob's suspension decided here counts as his server's")
		}
		if ok, err := s.ReinstateRemoteAccount(ctx, rob.ID); err != nil || ok {
			t.Errorf("rob's suspension decided here was lifted: %v %v", ok, err)
		}
		if a, _ := s.Account(ctx, rob.ID); a.SuspendedAt == nil {
			t.Errorf("rob is no longer suspended")
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// fakeGen stands in for RSA generation (slow) and counts its calls; each
// call makes a distinct pair so that disagreement would show.
func fakeGen(n *atomic.Int64) func() (string, string, error) {
	return func() (string, string, error) {
		i := n.Add(1)
		return fmt.Sprintf("pub-%d", i), fmt.Sprintf("priv-%d", i), nil
	}
}

func TestAccountKeysCreatedOnceUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		u := mustLocalUser(t, st, "alice")
		var calls atomic.Int64
		const n = 8
		got := make([]store.KeyPair, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { got[i], errs[i] = st.AccountKeys(ctx, u.AccountID, fakeGen(&calls)) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if got[i] != got[0] || got[i].Public == "" {
				t.Fatalf("caller %d got %+v, caller 0 got %+v", i, got[i], got[0])
			}
		}
		// Later calls read the saved pair without generating.
		before := calls.Load()
		again, err := st.AccountKeys(ctx, u.AccountID, fakeGen(&calls))
		if err != nil || again != got[0] || calls.Load() != before {
			t.Fatalf("again = %+v, %v; generated %d more", again, err, calls.Load()-before)
		}
		a, err := st.Account(ctx, u.AccountID)
		if err != nil || a.PublicKey != got[0].Public || a.PrivateKey != got[0].Private {
			t.Fatalf("account row has %q/%q, %v", a.PublicKey, a.PrivateKey, err)
		}
		if _, err := st.AccountKeys(ctx, 12345, fakeGen(&calls)); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown account: got %v, want not found", err)
		}
	})
}

func TestInstanceActorKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		var calls atomic.Int64
		var wg sync.WaitGroup
		got := make([]store.KeyPair, 4)
		for i := range got {
			wg.Go(func() {
				var err error
				if got[i], err = st.InstanceActorKeys(ctx, fakeGen(&calls)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for i := range got {
			if got[i] != got[0] || got[i].Private == "" {
				t.Fatalf("caller %d got %+v, caller 0 got %+v", i, got[i], got[0])
			}
		}
	})
}

func TestRemoteKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.UnixMilli(1_700_000_000_000)}
		st := store.New(d, c.now)
		const id = "https://remote.example/users/bob#main-key"
		if _, err := st.RemoteKey(ctx, id); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing key: got %v", err)
		}
		if err := st.SaveRemoteKey(ctx, &store.RemoteKey{KeyID: id, OwnerURI: "https://remote.example/users/bob", PublicKey: "one"}); err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(time.Hour)
		if err := st.SaveRemoteKey(ctx, &store.RemoteKey{KeyID: id, OwnerURI: "https://remote.example/users/bob", PublicKey: "two"}); err != nil {
			t.Fatal(err)
		}
		k, err := st.RemoteKey(ctx, id)
		if err != nil || k.PublicKey != "two" || k.FetchedAt != c.t.UnixMilli() {
			t.Fatalf("got %+v, %v", k, err)
		}
	})
}

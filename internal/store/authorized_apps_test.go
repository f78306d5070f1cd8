package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func TestAuthorizedApps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.UnixMilli(1_700_000_000_000)}
		st := store.New(d, c.now)
		alice, bob := mustLocalUser(t, st, "alice"), mustLocalUser(t, st, "bob")
		mkApp := func(name string) *domain.App {
			a := &domain.App{Name: name, RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"}, Scopes: domain.Scopes{"read", "write"},
				ClientID: "id-" + name, ClientSecret: "secret-" + name}
			if err := st.CreateApp(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		phone, desk := mkApp("Phone"), mkApp("Desk")
		tok := func(hash string, u *domain.User, a *domain.App, scopes ...string) {
			t.Helper()
			c.t = c.t.Add(time.Minute)
			if err := st.CreateToken(ctx, hash, &domain.Token{UserID: u.ID, AppID: a.ID, Scopes: scopes}); err != nil {
				t.Fatal(err)
			}
		}
		tok("p1", alice, phone, "read")
		tok("p2", alice, phone, "read", "write")
		tok("d1", alice, desk, "read")
		tok("b1", bob, phone, "read")
		if err := st.CreateToken(ctx, "cli", &domain.Token{UserID: alice.ID, Scopes: domain.Scopes{"read"}}); err != nil {
			t.Fatal(err)
		}

		apps, err := st.AuthorizedApps(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(apps) != 2 || apps[0].App.Name != "Desk" || apps[1].App.Name != "Phone" {
			t.Fatalf("apps = %+v, want Desk then Phone", apps)
		}
		if p := apps[1]; p.Tokens != 2 || !slices.Equal(p.Scopes, domain.Scopes{"read", "write"}) || !p.AuthorizedAt.Equal(time.UnixMilli(1_700_000_060_000)) {
			t.Errorf("Phone = %d tokens, scopes %v, authorized %v", p.Tokens, p.Scopes, p.AuthorizedAt)
		}

		ok, err := st.RevokeAppAuthorization(ctx, alice.ID, phone.ID)
		if err != nil || !ok {
			t.Fatalf("revoke = %v, %v", ok, err)
		}
		if ok, _ := st.RevokeAppAuthorization(ctx, alice.ID, phone.ID); ok {
			t.Error("revoking twice reported tokens")
		}
		for hash, want := range map[string]bool{"p1": false, "p2": false, "d1": true, "b1": true, "cli": true} {
			_, err := st.TokenByHash(ctx, hash)
			if got := err == nil; got != want {
				t.Errorf("token %s exists = %v, want %v (%v)", hash, got, want, err)
			}
		}
		if apps, _ := st.AuthorizedApps(ctx, alice.ID); len(apps) != 1 || apps[0].App.ID != desk.ID {
			t.Errorf("after revoking: %+v", apps)
		}
	})
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func TestPasswordResets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.UnixMilli(1_700_000_000_000)}
		st := store.New(d, c.now)
		alice, bob := mustLocalUser(t, st, "alice"), mustLocalUser(t, st, "bob")

		if err := st.CreatePasswordReset(ctx, alice.ID, "old", c.t.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.CreatePasswordReset(ctx, alice.ID, "new", c.t.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.CreatePasswordReset(ctx, bob.ID, "bobs", c.t.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// A newer token invalidates the older one.
		if _, err := st.PasswordResetUser(ctx, "old"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("earlier token: err %v, want not found", err)
		}
		if id, err := st.PasswordResetUser(ctx, "new"); err != nil || id != alice.ID {
			t.Errorf("token user = %v, %v; want %v", id, err, alice.ID)
		}

		// Alice's sessions and tokens exist before the reset; bob's stay after it.
		for _, u := range []*domain.User{alice, bob} {
			if err := st.CreateSession(ctx, "sess-"+u.Email, &store.WebSession{UserID: u.ID, CSRF: "x", ExpiresAt: c.t.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := st.CreateToken(ctx, "tok-"+u.Email, &domain.Token{UserID: u.ID, Scopes: domain.Scopes{"read"}}); err != nil {
				t.Fatal(err)
			}
		}
		id, err := st.ResetPassword(ctx, "new", "new-hash")
		if err != nil || id != alice.ID {
			t.Fatalf("reset = %v, %v; want %v", id, err, alice.ID)
		}
		u, err := st.User(ctx, alice.ID)
		if err != nil || u.PasswordHash != "new-hash" {
			t.Errorf("password hash = %q, %v; want new-hash", u.PasswordHash, err)
		}
		if _, err := st.Session(ctx, "sess-alice@example.org"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("alice's session after reset: err %v, want not found", err)
		}
		if _, err := st.TokenByHash(ctx, "tok-alice@example.org"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("alice's token after reset: err %v, want not found", err)
		}
		if _, err := st.Session(ctx, "sess-bob@example.org"); err != nil {
			t.Errorf("bob's session after alice's reset: %v", err)
		}
		if _, err := st.TokenByHash(ctx, "tok-bob@example.org"); err != nil {
			t.Errorf("bob's token after alice's reset: %v", err)
		}
		// Single use.
		if _, err := st.ResetPassword(ctx, "new", "again"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("second use: err %v, want not found", err)
		}

		// Expiry: an hour later bob's token no longer works.
		c.t = c.t.Add(time.Hour)
		if _, err := st.PasswordResetUser(ctx, "bobs"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("expired token: err %v, want not found", err)
		}
		if _, err := st.ResetPassword(ctx, "bobs", "late"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("expired token: err %v, want not found", err)
		}
		// Creating any token sweeps the expired ones.
		if err := st.CreatePasswordReset(ctx, alice.ID, "later", c.t.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM password_resets`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d tokens stored (%v), want 1", n, err)
		}
		if u, _ := st.User(ctx, bob.ID); u.PasswordHash != "x" {
			t.Errorf("bob's hash changed to %q", u.PasswordHash)
		}
	})
}

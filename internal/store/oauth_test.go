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

func TestOAuthCodesAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice := mustLocalUser(t, st, "alice")
		app := &domain.App{Name: "App", RedirectURIs: []string{"https://app.example/cb", "urn:ietf:wg:oauth:2.0:oob"},
			Scopes: domain.Scopes{"read", "write"}, ClientID: "cid", ClientSecret: "secret"}
		if err := st.CreateApp(ctx, app); err != nil {
			t.Fatal(err)
		}
		got, err := st.AppByClientID(ctx, "cid")
		if err != nil || got.ID != app.ID || len(got.RedirectURIs) != 2 || got.Scopes.String() != "read write" {
			t.Fatalf("AppByClientID = %+v, %v", got, err)
		}

		exp := time.Now().Add(10 * time.Minute).Truncate(time.Millisecond)
		code := store.AuthCode{AppID: app.ID, UserID: alice.ID, RedirectURI: "https://app.example/cb",
			Scopes: domain.Scopes{"read"}, CodeChallenge: "ch", CodeChallengeMethod: "S256", ExpiresAt: exp}
		if err := st.CreateAuthCode(ctx, "codehash", code); err != nil {
			t.Fatal(err)
		}
		c, err := st.ConsumeAuthCode(ctx, "codehash")
		if err != nil {
			t.Fatal(err)
		}
		if c.AppID != app.ID || c.UserID != alice.ID || c.RedirectURI != code.RedirectURI || c.Scopes.String() != "read" ||
			c.CodeChallenge != "ch" || c.CodeChallengeMethod != "S256" || !c.ExpiresAt.Equal(exp) {
			t.Errorf("consumed code = %+v, want %+v", c, code)
		}
		if _, err := st.ConsumeAuthCode(ctx, "codehash"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("second consume: got %v, want not found", err)
		}

		tok := &domain.Token{AppID: app.ID, UserID: alice.ID, Scopes: domain.Scopes{"read"}}
		if err := st.CreateToken(ctx, "tokhash", tok); err != nil {
			t.Fatal(err)
		}
		appTok := &domain.Token{AppID: app.ID, Scopes: domain.Scopes{"read"}}
		if err := st.CreateToken(ctx, "apptokhash", appTok); err != nil {
			t.Fatal(err)
		}
		at, u, a, err := st.Authenticate(ctx, "tokhash")
		if err != nil || at.ID != tok.ID || u == nil || u.ID != alice.ID || a == nil || a.Username != "alice" {
			t.Fatalf("Authenticate = %+v %+v %+v %v", at, u, a, err)
		}
		at, u, a, err = st.Authenticate(ctx, "apptokhash")
		if err != nil || at.UserID != 0 || u != nil || a != nil {
			t.Fatalf("Authenticate app token = %+v %+v %+v %v", at, u, a, err)
		}

		// Revoking with another app's id leaves the token alone.
		if err := st.RevokeToken(ctx, "tokhash", app.ID+1); err != nil {
			t.Fatal(err)
		}
		if _, err := st.TokenByHash(ctx, "tokhash"); err != nil {
			t.Errorf("token revoked by another app: %v", err)
		}
		if err := st.RevokeToken(ctx, "tokhash", app.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.TokenByHash(ctx, "tokhash"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("revoked token: got %v, want not found", err)
		}
	})
}

package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func oauthCode(err error) string {
	var oe *auth.Error
	if errors.As(err, &oe) {
		return oe.Code
	}
	if err != nil {
		return "internal: " + err.Error()
	}
	return ""
}

func TestCheckAuthorize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		o := &auth.OAuth{Store: st}
		app := &domain.App{Name: "App", RedirectURIs: []string{"https://app.example/cb", auth.OOB},
			Scopes: domain.Scopes{"read", "write"}, ClientID: "cid", ClientSecret: "secret"}
		if err := st.CreateApp(ctx, app); err != nil {
			t.Fatal(err)
		}
		ok := auth.AuthorizeRequest{ClientID: "cid", RedirectURI: "https://app.example/cb", ResponseType: "code", Scope: "read"}
		ch := challenge(strings.Repeat("v", 43))
		for _, tc := range []struct {
			name string
			edit func(*auth.AuthorizeRequest)
			want string
		}{
			{"valid", func(*auth.AuthorizeRequest) {}, ""},
			{"oob", func(r *auth.AuthorizeRequest) { r.RedirectURI = auth.OOB }, ""},
			{"granular scope", func(r *auth.AuthorizeRequest) { r.Scope = "read:statuses write:media" }, ""},
			{"pkce", func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = ch, "S256" }, ""},
			{"unknown client", func(r *auth.AuthorizeRequest) { r.ClientID = "nope" }, auth.ErrInvalidClient},
			{"no client", func(r *auth.AuthorizeRequest) { r.ClientID = "" }, auth.ErrInvalidRequest},
			{"unregistered redirect", func(r *auth.AuthorizeRequest) { r.RedirectURI = "https://evil.example/cb" }, auth.ErrInvalidRequest},
			{"redirect prefix", func(r *auth.AuthorizeRequest) { r.RedirectURI = "https://app.example/cb/x" }, auth.ErrInvalidRequest},
			{"response type", func(r *auth.AuthorizeRequest) { r.ResponseType = "token" }, auth.ErrUnsupportedResponse},
			{"unknown scope", func(r *auth.AuthorizeRequest) { r.Scope = "read nonsense" }, auth.ErrInvalidScope},
			{"scope not granted", func(r *auth.AuthorizeRequest) { r.Scope = "read follow" }, auth.ErrInvalidScope},
			{"plain pkce", func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = ch, "plain" }, auth.ErrInvalidRequest},
			{"pkce without method", func(r *auth.AuthorizeRequest) { r.CodeChallenge = ch }, auth.ErrInvalidRequest},
			{"malformed challenge", func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = "short", "S256" }, auth.ErrInvalidRequest},
			{"long state", func(r *auth.AuthorizeRequest) { r.State = strings.Repeat("s", auth.MaxStateLen+1) }, auth.ErrInvalidRequest},
		} {
			req := ok
			tc.edit(&req)
			a, err := o.CheckAuthorize(ctx, req)
			if got := oauthCode(err); got != tc.want {
				t.Errorf("%s: got error %q, want %q", tc.name, got, tc.want)
			}
			if err == nil && a.App.ID != app.ID {
				t.Errorf("%s: app = %v", tc.name, a.App)
			}
		}
		// Without scope, the app's scopes.
		req := ok
		req.Scope = ""
		if a, err := o.CheckAuthorize(ctx, req); err != nil || a.Scopes.String() != "read write" {
			t.Errorf("default scopes = %v, %v", a, err)
		}
	})
}

func TestTokenGrants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.Now()}
		st := store.New(d, c.now)
		o := &auth.OAuth{Store: st}
		alice := mustUser(t, st, "alice")
		app := &domain.App{Name: "App", RedirectURIs: []string{"https://app.example/cb"},
			Scopes: domain.Scopes{"read", "write"}, ClientID: "cid", ClientSecret: "secret"}
		other := &domain.App{Name: "Other", RedirectURIs: []string{"https://app.example/cb"},
			Scopes: domain.Scopes{"read"}, ClientID: "cid2", ClientSecret: "secret2"}
		for _, a := range []*domain.App{app, other} {
			if err := st.CreateApp(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		verifier := strings.Repeat("abc-", 12)
		issue := func(pkce bool) string {
			t.Helper()
			req := auth.AuthorizeRequest{ClientID: "cid", RedirectURI: "https://app.example/cb", ResponseType: "code", Scope: "read"}
			if pkce {
				req.CodeChallenge, req.CodeChallengeMethod = challenge(verifier), "S256"
			}
			a, err := o.CheckAuthorize(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			code, err := o.IssueCode(ctx, a, alice.ID)
			if err != nil {
				t.Fatal(err)
			}
			return code
		}
		exchange := func(code string, edit func(*auth.TokenRequest)) (*auth.IssuedToken, error) {
			req := auth.TokenRequest{GrantType: "authorization_code", ClientID: "cid", ClientSecret: "secret",
				Code: code, RedirectURI: "https://app.example/cb", CodeVerifier: verifier}
			if edit != nil {
				edit(&req)
			}
			return o.Token(ctx, req)
		}
		for _, tc := range []struct {
			name string
			pkce bool
			edit func(*auth.TokenRequest)
			want string
		}{
			{"pkce with secret", true, nil, ""},
			{"pkce without secret", true, func(r *auth.TokenRequest) { r.ClientSecret = "" }, ""},
			{"secret without pkce", false, func(r *auth.TokenRequest) { r.CodeVerifier = "" }, ""},
			{"neither", false, func(r *auth.TokenRequest) { r.ClientSecret, r.CodeVerifier = "", "" }, auth.ErrInvalidClient},
			{"wrong secret", true, func(r *auth.TokenRequest) { r.ClientSecret = "nope" }, auth.ErrInvalidClient},
			{"wrong verifier", true, func(r *auth.TokenRequest) { r.CodeVerifier = strings.Repeat("x", 43) }, auth.ErrInvalidGrant},
			{"missing verifier", true, func(r *auth.TokenRequest) { r.CodeVerifier = "" }, auth.ErrInvalidRequest},
			{"wrong redirect", true, func(r *auth.TokenRequest) { r.RedirectURI = "https://app.example/other" }, auth.ErrInvalidGrant},
			{"other client", true, func(r *auth.TokenRequest) { r.ClientID, r.ClientSecret = "cid2", "secret2" }, auth.ErrInvalidGrant},
			{"unknown code", true, func(r *auth.TokenRequest) { r.Code = "nope" }, auth.ErrInvalidGrant},
			{"password grant", true, func(r *auth.TokenRequest) { r.GrantType = "password" }, auth.ErrUnsupportedGrantType},
			{"refresh grant", true, func(r *auth.TokenRequest) { r.GrantType = "refresh_token" }, auth.ErrUnsupportedGrantType},
			{"no grant", true, func(r *auth.TokenRequest) { r.GrantType = "" }, auth.ErrInvalidRequest},
		} {
			tok, err := exchange(issue(tc.pkce), tc.edit)
			if got := oauthCode(err); got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
				continue
			}
			if err == nil && (tok.Token.UserID != alice.ID || tok.Token.Scopes.String() != "read" || tok.AccessToken == "") {
				t.Errorf("%s: token = %+v", tc.name, tok.Token)
			}
		}

		// A code works once, and only for 10 minutes.
		code := issue(true)
		if _, err := exchange(code, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := exchange(code, nil); oauthCode(err) != auth.ErrInvalidGrant {
			t.Errorf("reused code: %v", err)
		}
		code = issue(true)
		c.t = c.t.Add(auth.CodeLifetime)
		if _, err := exchange(code, nil); oauthCode(err) != auth.ErrInvalidGrant {
			t.Errorf("expired code: %v", err)
		}

		// Client credentials: the app's scopes at most, no user.
		cc := func(secret, scope string) (*auth.IssuedToken, error) {
			return o.Token(ctx, auth.TokenRequest{GrantType: "client_credentials", ClientID: "cid", ClientSecret: secret, Scope: scope})
		}
		if tok, err := cc("secret", ""); err != nil || tok.Token.UserID != 0 || tok.Token.Scopes.String() != "read write" {
			t.Errorf("client_credentials = %+v, %v", tok, err)
		}
		if _, err := cc("secret", "read follow"); oauthCode(err) != auth.ErrInvalidScope {
			t.Errorf("client_credentials beyond the app's scopes: %v", err)
		}
		if _, err := cc("", "read"); oauthCode(err) != auth.ErrInvalidClient {
			t.Errorf("client_credentials without secret: %v", err)
		}

		// Revoke: only the client's own tokens; unknown tokens are fine.
		tok, err := cc("secret", "read")
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Revoke(ctx, "cid2", "secret2", tok.AccessToken); err != nil {
			t.Fatal(err)
		}
		if _, err := st.TokenByHash(ctx, auth.HashSecret(tok.AccessToken)); err != nil {
			t.Errorf("another app revoked the token: %v", err)
		}
		if err := o.Revoke(ctx, "cid", "wrong", tok.AccessToken); oauthCode(err) != auth.ErrInvalidClient {
			t.Errorf("revoke with a wrong secret: %v", err)
		}
		if err := o.Revoke(ctx, "cid", "secret", tok.AccessToken); err != nil {
			t.Fatal(err)
		}
		if _, err := st.TokenByHash(ctx, auth.HashSecret(tok.AccessToken)); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("revoked token still there: %v", err)
		}
		if err := o.Revoke(ctx, "cid", "secret", "unknown"); err != nil {
			t.Errorf("revoking an unknown token: %v", err)
		}
	})
}

func TestVerifyS256(t *testing.T) {
	v := strings.Repeat("a1._~-", 8)
	if !auth.VerifyS256(v, challenge(v)) || auth.VerifyS256(v+"x", challenge(v)) || auth.VerifyS256(v, "") {
		t.Error("VerifyS256")
	}
}

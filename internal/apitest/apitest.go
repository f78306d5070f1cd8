// Package apitest starts a whole agora (real database, real HTTP server) for
// API tests, on SQLite and on PostgreSQL.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// Server is a running agora with its App for direct access.
type Server struct {
	*httptest.Server
	App *app.App
}

// Each runs fn on a fresh server per engine.
func Each(t *testing.T, fn func(t *testing.T, s *Server), env ...string) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, Start(t, d, env...)) })
	}
}

// Start starts a server on a fresh database of the given engine. env holds
// extra KEY=VALUE configuration.
func Start(t testing.TB, dialect db.Dialect, env ...string) *Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	vars := map[string]string{
		"AGORA_URL":                     "http://" + ts.Listener.Addr().String(),
		"AGORA_DATA":                    t.TempDir(),
		"AGORA_ALLOW_PRIVATE_ADDRESSES": "true",
		"AGORA_LOG_LEVEL":               "error",
	}
	if dialect == db.Postgres {
		u, err := storetest.NewSchemaURL(t)
		if err != nil {
			t.Fatalf("postgres schema: %v", err)
		}
		vars["DATABASE_URL"] = u
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatalf("start app: %v", err)
	}
	ts.Config.Handler = a.Handler()
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		cancel()
		a.Stop(context.Background())
		a.Close()
	})
	return &Server{Server: ts, App: a}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// User is a local user with a token for all scopes.
type User struct {
	ID        domain.ID // account id
	UserID    domain.ID
	Username  string
	Token     string
	AccountID string // account id as the API renders it
}

// NewUser creates a local user and a token with read write follow push.
func (s *Server) NewUser(t testing.TB, username string) *User {
	t.Helper()
	return s.NewUserRole(t, username, domain.RoleUser)
}

// NewUserRole creates a local user with a role.
func (s *Server) NewUserRole(t testing.TB, username string, role domain.Role) *User {
	t.Helper()
	ctx := context.Background()
	u, acct, err := s.App.Accounts.Register(ctx, accounts.SignUp{
		Username: username, Email: username + "@example.org", Password: "correct horse battery", Role: role, ByAdmin: true,
	})
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(ctx, auth.HashSecret(tok), &domain.Token{UserID: u.ID, Scopes: domain.Scopes{"read", "write", "follow", "push"}}); err != nil {
		t.Fatal(err)
	}
	return &User{ID: acct.ID, UserID: u.ID, Username: username, Token: tok, AccountID: acct.ID.String()}
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode decodes the body into v or fails the test.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes a JSON object body.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.Decode(t, &m)
	return m
}

// List decodes a JSON array body.
func (r *Response) List(t testing.TB) []map[string]any {
	t.Helper()
	var m []map[string]any
	r.Decode(t, &m)
	return m
}

// Do sends a request. body may be nil, url.Values (form), or anything else
// (JSON). token may be "".
func (s *Server) Do(t testing.TB, method, path, token string, body any) *Response {
	t.Helper()
	var (
		rd io.Reader
		ct string
	)
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Must sends a request and fails the test unless the status is want.
func (s *Server) Must(t testing.TB, want int, method, path, token string, body any) *Response {
	t.Helper()
	r := s.Do(t, method, path, token, body)
	if r.Status != want {
		t.Fatalf("%s %s: got status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(path, "/api/") && r.Status != http.StatusNoContent && !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: got Content-Type %q, want application/json", method, path, ct)
	}
	return r
}

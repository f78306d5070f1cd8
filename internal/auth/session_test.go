package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func mustUser(t *testing.T, st *store.Store, name string) *domain.User {
	t.Helper()
	u, _, err := st.CreateLocalUser(context.Background(), store.NewLocalUser{
		Username: name, Email: name + "@example.org", PasswordHash: "x", Approved: true, BaseURL: "https://example.org",
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// withCookies returns a request carrying the cookies a response set.
func withCookies(rec *httptest.ResponseRecorder) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(c)
	}
	return r
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{time.Now()}
		st := store.New(d, c.now)
		alice := mustUser(t, st, "alice")
		m := &auth.Sessions{Store: st, Secure: true}

		rec := httptest.NewRecorder()
		s, err := m.Start(ctx, rec, httptest.NewRequest("POST", "/", nil), alice.ID, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies = %v", cookies)
		}
		ck := cookies[0]
		if ck.Name != auth.SessionCookie || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Value != s.ID {
			t.Errorf("session cookie = %+v", ck)
		}
		r := withCookies(rec)
		got, err := m.Load(ctx, r)
		if err != nil || got.UserID != alice.ID || got.CSRF != s.CSRF {
			t.Fatalf("Load = %+v, %v", got, err)
		}
		if !m.CheckCSRF(r, got, s.CSRF) || m.CheckCSRF(r, got, "wrong") || m.CheckCSRF(r, got, "") {
			t.Error("CheckCSRF with the session token")
		}
		if _, err := m.Load(ctx, httptest.NewRequest("GET", "/", nil)); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("Load without cookie: %v", err)
		}

		// A new login replaces the browser's session (no fixation).
		rec2 := httptest.NewRecorder()
		s2, err := m.Start(ctx, rec2, r, alice.ID, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Load(ctx, r); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("old session still valid after a new login: %v", err)
		}
		r2 := withCookies(rec2)
		if got, err := m.Load(ctx, r2); err != nil || got.ID != s2.ID {
			t.Fatalf("Load new session = %+v, %v", got, err)
		}

		// Sessions expire.
		c.t = c.t.Add(auth.SessionLifetime + time.Minute)
		if _, err := m.Load(ctx, r2); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("expired session loaded: %v", err)
		}
		c.t = time.Now()

		// End deletes the session and clears the cookie.
		rec3 := httptest.NewRecorder()
		s3, _ := m.Start(ctx, rec3, httptest.NewRequest("POST", "/", nil), alice.ID, "")
		r3 := withCookies(rec3)
		out := httptest.NewRecorder()
		if err := m.End(ctx, out, r3); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Load(ctx, r3); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("ended session %s still loads: %v", s3.ID, err)
		}
		if cs := out.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
			t.Errorf("End cookies = %+v", cs)
		}
	})
}

func TestAnonymousCSRF(t *testing.T) {
	m := &auth.Sessions{}
	rec := httptest.NewRecorder()
	tok := m.CSRFToken(rec, httptest.NewRequest("GET", "/", nil), nil)
	r := withCookies(rec)
	if !m.CheckCSRF(r, nil, tok) {
		t.Error("cookie token refused")
	}
	if m.CheckCSRF(r, nil, tok+"x") || m.CheckCSRF(httptest.NewRequest("POST", "/", nil), nil, tok) {
		t.Error("wrong token or missing cookie accepted")
	}
	// The same browser keeps its token.
	if again := m.CSRFToken(httptest.NewRecorder(), r, nil); again != tok {
		t.Errorf("token changed: %q then %q", tok, again)
	}
}

func TestLoginGuard(t *testing.T) {
	c := &clock{time.Now()}
	g := auth.NewLoginGuard(c.now)
	for i := range auth.LoginFailures {
		if blocked, _ := g.Blocked("ip:a", "login:alice"); blocked {
			t.Fatalf("blocked after %d failures", i)
		}
		g.Failed("ip:a", "login:alice")
	}
	if blocked, until := g.Blocked("ip:b", "login:alice"); !blocked || !until.After(c.t) {
		t.Error("account not blocked after the limit")
	}
	if blocked, _ := g.Blocked("ip:a", "login:bob"); !blocked {
		t.Error("IP not blocked after the limit")
	}
	if blocked, _ := g.Blocked("ip:b", "login:bob"); blocked {
		t.Error("unrelated keys blocked")
	}
	c.t = c.t.Add(auth.LoginWindow)
	if blocked, _ := g.Blocked("ip:a", "login:alice"); blocked {
		t.Error("still blocked after the window")
	}
}

// TestCheckCSRFOrigin checks the cross-origin part of CheckCSRF: what the
// browser says of where a form comes from (Sec-Fetch-Site, Origin), with
// and without the token, behind a proxy that rewrites Host.
func TestCheckCSRFOrigin(t *testing.T) {
	m := &auth.Sessions{Origin: "https://social.example"}
	rec := httptest.NewRecorder()
	tok := m.CSRFToken(rec, httptest.NewRequest("GET", "/", nil), nil)
	for _, c := range []struct {
		name, token, host string
		headers           map[string]string
		want              bool
	}{
		{"no token, same-origin", "", "social.example", map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{"no token, Origin as Host", "", "social.example", map[string]string{"Origin": "https://social.example"}, true},
		{"no token, public Origin behind a proxy", "", "127.0.0.1:8080", map[string]string{"Origin": "https://social.example"}, true},
		{"no token, no headers", "", "social.example", nil, false},
		{"no token, typed by the user", "", "social.example", map[string]string{"Sec-Fetch-Site": "none"}, false},
		{"no token, cross-site", "", "social.example", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, false},
		{"no token, foreign Origin", "", "social.example", map[string]string{"Origin": "https://evil.example"}, false},
		{"no token, same-site sibling", "", "social.example", map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"token, no headers", tok, "social.example", nil, true},
		{"token, same-origin", tok, "social.example", map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{"token, cross-site", tok, "social.example", map[string]string{"Sec-Fetch-Site": "cross-site"}, false},
		{"token, foreign Origin", tok, "social.example", map[string]string{"Origin": "https://evil.example"}, false},
		{"wrong token, same-origin", tok + "x", "social.example", map[string]string{"Sec-Fetch-Site": "same-origin"}, false},
	} {
		r := httptest.NewRequest("POST", "http://"+c.host+"/web/statuses/1", nil)
		for _, ck := range rec.Result().Cookies() {
			r.AddCookie(ck)
		}
		for k, v := range c.headers {
			r.Header.Set(k, v)
		}
		if got := m.CheckCSRF(r, nil, c.token); got != c.want {
			t.Errorf("%s: CheckCSRF = %v, want %v", c.name, got, c.want)
		}
	}
}

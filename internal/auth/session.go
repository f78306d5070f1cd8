package auth

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Web session cookies and limits.
const (
	SessionCookie   = "agora_session"
	CSRFCookie      = "agora_csrf" // form token of visitors without a session
	SessionLifetime = 30 * 24 * time.Hour
	// MaxUserAgentLen bounds what a session records about the browser.
	MaxUserAgentLen = 300
)

// Session is a loaded web session. ID is the secret in the cookie.
type Session struct {
	ID     string
	UserID domain.ID
	CSRF   string
}

// Sessions creates, loads and ends web sessions, and checks form tokens
// (CSRF). The web UI and the OAuth pages share it.
type Sessions struct {
	Store  *store.Store
	Secure bool // cookies only over HTTPS (AGORA_URL is https)
	// Origin is the server's public origin (scheme://host[:port] of
	// AGORA_URL), trusted in the Origin header besides the Host header's.
	Origin string
}

func (m *Sessions) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: m.Secure, SameSite: http.SameSiteLaxMode}
}

// Start creates a session for userID and sets its cookie. A session the
// browser already had is ended first, so that a session id planted before
// login is never promoted (session fixation).
func (m *Sessions) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, userID domain.ID, ip string) (*Session, error) {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := m.Store.DeleteSession(ctx, HashSecret(c.Value)); err != nil {
			return nil, err
		}
	}
	s := &Session{ID: NewSecret(32), UserID: userID, CSRF: NewSecret(24)}
	ua := r.UserAgent()
	if len(ua) > MaxUserAgentLen {
		ua = strings.ToValidUTF8(ua[:MaxUserAgentLen], "")
	}
	ws := &store.WebSession{UserID: userID, CSRF: s.CSRF, UserAgent: ua, IP: ip,
		ExpiresAt: m.Store.Now().Add(SessionLifetime)}
	if err := m.Store.CreateSession(ctx, HashSecret(s.ID), ws); err != nil {
		return nil, err
	}
	http.SetCookie(w, m.cookie(SessionCookie, s.ID, int(SessionLifetime/time.Second)))
	return s, nil
}

// Load returns the request's session, or a not-found error when it has
// none (no cookie, unknown or expired).
func (m *Sessions) Load(ctx context.Context, r *http.Request) (*Session, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, domain.NotFound()
	}
	ws, err := m.Store.Session(ctx, HashSecret(c.Value))
	if err != nil {
		return nil, err
	}
	return &Session{ID: c.Value, UserID: ws.UserID, CSRF: ws.CSRF}, nil
}

// End deletes the request's session, if any, and clears its cookie.
func (m *Sessions) End(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := m.Store.DeleteSession(ctx, HashSecret(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, m.cookie(SessionCookie, "", -1))
	return nil
}

// CSRFToken is the form token to embed in a page: the session's, or for a
// visitor without a session a random one kept in a cookie (double submit),
// so that login forms are protected too.
func (m *Sessions) CSRFToken(w http.ResponseWriter, r *http.Request, s *Session) string {
	if s != nil {
		return s.CSRF
	}
	if c, err := r.Cookie(CSRFCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		return c.Value
	}
	tok := NewSecret(24)
	// A session cookie: the token lives as long as the browser window.
	http.SetCookie(w, m.cookie(CSRFCookie, tok, 0))
	return tok
}

// CheckCSRF reports whether a submitted form may be acted on. A browser
// request from another origin (Sec-Fetch-Site, else Origin: Go's
// http.CrossOriginProtection) is always refused. A form carrying a token
// needs the session's token or the visitor's cookie token. A form without
// one is accepted only when the browser proved it comes from this origin
// (Sec-Fetch-Site: same-origin, or an Origin header matching): timeline
// pages leave the token out of the buttons under each status to stay
// small, and every browser since 2020 sends those headers on a POST. A
// request with neither header and no token (an old browser, a script) is
// refused, so the token remains the fallback. See docs/web.md.
func (m *Sessions) CheckCSRF(r *http.Request, s *Session, token string) bool {
	if m.crossOrigin(r) {
		return false
	}
	if token == "" {
		return r.Header.Get("Sec-Fetch-Site") == "same-origin" ||
			(r.Header.Get("Sec-Fetch-Site") == "" && r.Header.Get("Origin") != "")
	}
	if s != nil && subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) == 1 {
		return true
	}
	c, err := r.Cookie(CSRFCookie)
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(token), []byte(c.Value)) == 1
}

// crossOrigin reports whether the browser says r comes from another
// origin. Origin (the public URL's) is trusted as well as the Host header,
// for a proxy that rewrites Host.
func (m *Sessions) crossOrigin(r *http.Request) bool {
	var cop http.CrossOriginProtection
	if m.Origin != "" {
		if err := cop.AddTrustedOrigin(m.Origin); err != nil {
			return true
		}
	}
	return cop.Check(r) != nil
}

// Failed-login limits: after LoginFailures failures within LoginWindow,
// further attempts for that IP or account are refused until the window ends.
const (
	LoginFailures = 5
	LoginWindow   = 5 * time.Minute
)

// LoginGuard counts failed logins per key (an IP, an account) in each
// node's memory, like internal/ratelimit; several nodes each allow the limit.
type LoginGuard struct {
	now   func() time.Time
	mu    sync.Mutex
	fails map[string]*failures
	sweep time.Time
}

type failures struct {
	start time.Time
	n     int
}

// NewLoginGuard returns a guard on the given clock (time.Now when nil).
func NewLoginGuard(now func() time.Time) *LoginGuard {
	if now == nil {
		now = time.Now
	}
	return &LoginGuard{now: now, fails: map[string]*failures{}}
}

// Blocked reports whether any of keys has used up its failures, and until when.
func (g *LoginGuard) Blocked(keys ...string) (bool, time.Time) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		if f := g.fails[k]; f != nil && now.Sub(f.start) < LoginWindow && f.n >= LoginFailures {
			return true, f.start.Add(LoginWindow)
		}
	}
	return false, time.Time{}
}

// Failed counts one failed login for each key.
func (g *LoginGuard) Failed(keys ...string) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.sweep) > LoginWindow {
		for k, f := range g.fails {
			if now.Sub(f.start) >= LoginWindow {
				delete(g.fails, k)
			}
		}
		g.sweep = now
	}
	for _, k := range keys {
		f := g.fails[k]
		if f == nil || now.Sub(f.start) >= LoginWindow {
			f = &failures{start: now}
			g.fails[k] = f
		}
		f.n++
	}
}

package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/mail/mailtest"
	"github.com/agora-social/agora/internal/web"
)

var resetLinkRE = regexp.MustCompile(`https?://[^\s]+/auth/password/edit\?token=[A-Za-z0-9_%-]+`)

// TestPasswordResetSMTP goes through a reset with the email sent to a real
// SMTP listener: no enumeration, single use, everything signed out.
func TestPasswordResetSMTP(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			smtp := mailtest.Start(t, mailtest.Options{})
			s := apitest.Start(t, dialect, "AGORA_SMTP_HOST="+smtp.Host, "AGORA_SMTP_PORT="+strconv.Itoa(smtp.Port),
				"AGORA_SMTP_FROM=agora@example.org")
			t.Cleanup(s.App.Web.Wait)
			alice := s.NewUser(t, "alice")
			old := newBrowser(t, s)
			old.signIn("alice")

			b := newBrowser(t, s)
			contains(t, b.get("/", 200), `href="/auth/password/new"`)
			b.get("/auth/password/new", 200)
			known := b.post("/auth/password/new", "/auth/password", url.Values{"email": {"Alice@Example.org"}}, 200)
			unknown := b.post("/auth/password/new", "/auth/password", url.Values{"email": {"nobody@example.org"}}, 200)
			contains(t, known, "If an account exists for this address")
			if known.Body != unknown.Body {
				t.Error("the answers for a known and an unknown address differ")
			}
			b.post("/auth/password/new", "/auth/password", url.Values{"email": {"not an email"}}, 422)

			m := smtp.Next(t)
			if len(m.To) != 1 || m.To[0] != "alice@example.org" || m.From != "agora@example.org" {
				t.Fatalf("envelope %q -> %q", m.From, m.To)
			}
			_, body, _ := strings.Cut(m.Data, "\n\n")
			text, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
			link := resetLinkRE.FindString(string(text))
			if link == "" {
				t.Fatalf("no reset link in the email:\n%s", m.Data)
			}
			u, _ := url.Parse(link)
			edit := u.RequestURI()
			p := b.get(edit, 200)
			if p.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("Referrer-Policy %q", p.Header.Get("Referrer-Policy"))
			}
			token := u.Query().Get("token")
			b.post(edit, "/auth/password/edit", url.Values{"token": {token}, "password": {"short"}, "password_confirmation": {"short"}}, 422)
			p = b.post(edit, "/auth/password/edit", url.Values{"token": {token}, "password": {"a brand new password"},
				"password_confirmation": {"another password"}}, 422)
			contains(t, p, "The two passwords are different.")
			p = b.post(edit, "/auth/password/edit", url.Values{"token": {token}, "password": {"a brand new password"},
				"password_confirmation": {"a brand new password"}}, 200)
			contains(t, p, "Password changed", `href="/auth/sign_in"`)

			// Single use.
			b.get(edit, 404)
			// The old web session and the app token are revoked.
			if p := old.do("GET", "/settings", nil); p.Status != http.StatusSeeOther {
				t.Errorf("old session: status %d, want a redirect to log in", p.Status)
			}
			if r := s.Do(t, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil); r.Status != 401 {
				t.Errorf("old token: status %d, want 401", r.Status)
			}
			// The new password works, the old one does not.
			nb := newBrowser(t, s)
			nb.post("/auth/sign_in", "/auth/sign_in", url.Values{"login": {"alice"}, "password": {"correct horse battery"}}, 401)
			p = nb.post("/auth/sign_in", "/auth/sign_in", url.Values{"login": {"alice"}, "password": {"a brand new password"}}, 303)
			if p.Header.Get("Location") != "/" {
				t.Errorf("log in went to %q", p.Header.Get("Location"))
			}

			// Limits: 3 requests per address, 10 per network, per hour.
			// So far 3 requests from this network (the invalid one does not count).
			for i := 1; i <= 3; i++ {
				b.post("/auth/password/new", "/auth/password", url.Values{"email": {"carol@example.org"}}, 200)
			}
			b.post("/auth/password/new", "/auth/password", url.Values{"email": {"carol@example.org"}}, 429)
			for i := 7; i <= 10; i++ {
				b.post("/auth/password/new", "/auth/password", url.Values{"email": {"user" + strconv.Itoa(i) + "@example.org"}}, 200)
			}
			b.post("/auth/password/new", "/auth/password", url.Values{"email": {"dave@example.org"}}, 429)
		})
	}
}

// syncBuffer is a log destination safe for the background sender.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPasswordResetLog checks the server without SMTP: the link goes to
// the log at INFO, for the operator to relay.
func TestPasswordResetLog(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	s.NewUser(t, "alice")
	var logs syncBuffer
	h := &web.Handler{Cfg: s.App.Cfg, Log: slog.New(slog.NewTextHandler(&logs, nil)), Store: s.App.Store, Accounts: s.App.Accounts}
	mux := http.NewServeMux()
	h.Register(mux)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	b := newBrowser(t, &apitest.Server{Server: ts, App: s.App})
	b.post("/auth/password/new", "/auth/password", url.Values{"email": {"alice@example.org"}}, 200)
	h.Wait()
	out := logs.String()
	link := resetLinkRE.FindString(out)
	if link == "" || !strings.Contains(out, "level=INFO") || !strings.Contains(out, "alice@example.org") {
		t.Fatalf("log = %q", out)
	}
	u, _ := url.Parse(link)
	contains(t, b.get(u.RequestURI(), 200), `name="token"`, "Choose a new password")
}

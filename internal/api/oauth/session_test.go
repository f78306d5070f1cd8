package oauth_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

func TestSignInAndOut(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		b := newBrowser(t, s)
		pg := b.get("/auth/sign_in").mustStatus(t, 200, "sign-in page")
		pg.isHTMLPage(t, "sign-in page")

		// Wrong password: the form again, with what was typed but the password.
		res := b.post("/auth/sign_in", pg.submit(url.Values{"login": {"alice"}, "password": {"wrong password"}}))
		res.mustStatus(t, 401, "wrong password")
		if !strings.Contains(res.Body, `value="alice"`) || strings.Contains(res.Body, "wrong password") || !strings.Contains(res.Body, `role="alert"`) {
			t.Errorf("form after a wrong password:\n%s", res.Body)
		}
		res = b.post("/auth/sign_in", res.submit(url.Values{"login": {"ALICE"}, "password": {password}}))
		res.mustStatus(t, http.StatusSeeOther, "sign in")
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("after sign-in: Location %q", loc)
		}
		pg = b.get("/auth/sign_in").mustStatus(t, 200, "signed-in page")
		if !strings.Contains(pg.Body, "@alice") {
			t.Errorf("signed-in page:\n%s", pg.Body)
		}

		// Sign out needs the session's CSRF token.
		b.post("/auth/sign_out", url.Values{"authenticity_token": {"forged"}}).mustStatus(t, 403, "sign out without CSRF")
		if pg := b.get("/auth/sign_in"); !strings.Contains(pg.Body, "@alice") {
			t.Fatal("a forged sign-out ended the session")
		}
		b.post("/auth/sign_out", pg.hidden()).mustStatus(t, http.StatusSeeOther, "sign out")
		if pg := b.get("/auth/sign_in"); strings.Contains(pg.Body, "@alice") || !strings.Contains(pg.Body, `name="password"`) {
			t.Error("still signed in after signing out")
		}
	})
}

func TestAuthorizeCSRF(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		const redirect = "https://app.example/cb"
		id, _ := app(t, s, redirect, "read")
		b := newBrowser(t, s)
		pg := b.get(authorizePath(url.Values{"client_id": {id}, "redirect_uri": {redirect}, "response_type": {"code"}}))
		pg.mustStatus(t, 200, "authorize page")
		for _, token := range []string{"", "forged"} {
			form := pg.submit(url.Values{"login": {"alice"}, "password": {password}, "decision": {"authorize"}, "authenticity_token": {token}})
			res := b.post("/oauth/authorize", form).mustStatus(t, 403, "forged CSRF token")
			if res.Header.Get("Location") != "" || !strings.Contains(res.Body, "expired") {
				t.Errorf("CSRF failure page:\n%s", res.Body)
			}
		}
		// Another browser's token does not work in this one.
		other := newBrowser(t, s)
		form := pg.submit(url.Values{"login": {"alice"}, "password": {password}, "decision": {"authorize"}})
		other.post("/oauth/authorize", form).mustStatus(t, 403, "CSRF token from another browser")
		// The right token does.
		codeFrom(t, b.post("/oauth/authorize", form), redirect)
	})
}

func TestLoginRateLimit(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		s.NewUser(t, "bob")
		// Per account: failures from many addresses block the account.
		b := newBrowser(t, s)
		pg := b.get("/auth/sign_in")
		for i := range auth.LoginFailures {
			b.ip = "192.0.2." + string(rune('1'+i))
			b.post("/auth/sign_in", pg.submit(url.Values{"login": {"alice"}, "password": {"wrong password"}})).mustStatus(t, 401, "failed login")
		}
		b.ip = "198.51.100.7"
		res := b.post("/auth/sign_in", pg.submit(url.Values{"login": {"alice"}, "password": {password}}))
		res.mustStatus(t, 429, "login after too many failures")
		res.isHTMLPage(t, "429 page")
		if res.Header.Get("Retry-After") == "" || !strings.Contains(res.Body, "Too many") {
			t.Errorf("429 page: Retry-After %q\n%s", res.Header.Get("Retry-After"), res.Body)
		}
		// Bob, from a clean address, is not affected.
		b.post("/auth/sign_in", pg.submit(url.Values{"login": {"bob"}, "password": {password}})).mustStatus(t, http.StatusSeeOther, "bob's login")

		// Per address: failures for many accounts block the address.
		c := newBrowser(t, s)
		c.ip = "203.0.113.9"
		pg = c.get("/auth/sign_in")
		for i := range auth.LoginFailures {
			c.post("/auth/sign_in", pg.submit(url.Values{"login": {"nobody" + string(rune('a'+i))}, "password": {"x"}})).mustStatus(t, 401, "failed login")
		}
		c.post("/auth/sign_in", pg.submit(url.Values{"login": {"bob"}, "password": {password}})).mustStatus(t, 429, "login from a blocked address")
	})
}

func TestSecureCookies(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		// The jar would not send Secure cookies over http: carry them by hand.
		get, err := http.Get(s.URL + "/auth/sign_in")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(get.Body)
		get.Body.Close()
		pg := &page{Status: get.StatusCode, Header: get.Header, Body: string(body)}
		var csrf *http.Cookie
		for _, c := range get.Cookies() {
			if c.Name == auth.CSRFCookie {
				csrf = c
			}
		}
		if csrf == nil || !csrf.Secure || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode {
			t.Fatalf("CSRF cookie = %+v", csrf)
		}
		form := pg.submit(url.Values{"login": {"alice"}, "password": {password}})
		req, _ := http.NewRequest("POST", s.URL+"/auth/sign_in", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: csrf.Name, Value: csrf.Value})
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: status %d", res.StatusCode)
		}
		var session *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == auth.SessionCookie {
				session = c
			}
		}
		if session == nil || !session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
			t.Errorf("session cookie = %+v", session)
		}
	}, "AGORA_URL=https://agora.example")
}

func TestFirstAdminSetup(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		token := auth.NewSecret(24)
		if err := s.App.Store.SetSetting(ctx, "setup_token_hash", auth.HashSecret(token)); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, s)
		for _, bad := range []string{"", "wrong"} {
			pg := b.get("/setup?token=" + bad)
			pg.mustStatus(t, 403, "wrong setup token")
			pg.isHTMLPage(t, "wrong setup token")
		}
		pg := b.get("/setup?token="+url.QueryEscape(token)).mustStatus(t, 200, "setup page")
		pg.isHTMLPage(t, "setup page")
		for _, want := range []string{`<label for="username">`, `<label for="email">`, `<label for="password">`, `<label for="password_confirmation">`} {
			if !strings.Contains(pg.Body, want) {
				t.Errorf("setup page lacks %s", want)
			}
		}
		fields := url.Values{"username": {"admin"}, "email": {"admin@example.org"}, "password": {"a long password"}, "password_confirmation": {"a long password"}}

		// Mistakes keep the link usable.
		mismatch := pg.submit(fields)
		mismatch.Set("password_confirmation", "another password")
		b.post("/setup", mismatch).mustStatus(t, 422, "passwords differ")
		short := pg.submit(fields)
		short.Set("password", "short")
		short.Set("password_confirmation", "short")
		b.post("/setup", short).mustStatus(t, 422, "short password")
		forged := pg.submit(fields)
		forged.Set("authenticity_token", "forged")
		b.post("/setup", forged).mustStatus(t, 403, "forged CSRF")
		wrongToken := pg.submit(fields)
		wrongToken.Set("token", "wrong")
		b.post("/setup", wrongToken).mustStatus(t, 403, "wrong token in the form")

		res := b.post("/setup", pg.submit(fields)).mustStatus(t, 200, "setup")
		if !strings.Contains(res.Body, "@admin") {
			t.Errorf("setup result:\n%s", res.Body)
		}
		u, err := s.App.Store.UserByUsername(ctx, "admin")
		if err != nil || u.Role != domain.RoleAdmin || !u.Approved {
			t.Fatalf("admin user = %+v, %v", u, err)
		}
		// Signed in as the new admin.
		if pg := b.get("/auth/sign_in"); !strings.Contains(pg.Body, "@admin") {
			t.Error("the new admin is not signed in")
		}
		// The link works once.
		b.get("/setup?token="+url.QueryEscape(token)).mustStatus(t, 404, "used setup link")
		fields.Set("username", "admin2")
		fields.Set("email", "admin2@example.org")
		b.post("/setup", pg.submit(fields)).mustStatus(t, 404, "used setup link, posted")
		if _, err := s.App.Store.UserByUsername(ctx, "admin2"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("a second admin was made: %v", err)
		}
	})
}

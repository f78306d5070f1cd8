package oauth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
)

// TestAuthorizationCodeFlow drives the whole flow as a browser and an app
// would: the authorize page, the login, the redirect, the code exchange
// and an API call with the token.
func TestAuthorizationCodeFlow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		const redirect = "https://app.example/callback"
		id, secret := app(t, s, redirect, "read write follow")
		verifier, challenge := pkce()
		b := newBrowser(t, s)
		q := url.Values{"client_id": {id}, "redirect_uri": {redirect}, "response_type": {"code"},
			"scope": {"read write"}, "state": {"st&te 1"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}

		pg := b.get(authorizePath(q)).mustStatus(t, 200, "authorize page")
		pg.isHTMLPage(t, "authorize page")
		for _, want := range []string{"Test App", "<code>read</code>", "<code>write</code>", `<label for="login">`,
			`<label for="password">`, `name="password"`, `value="authorize"`, `value="deny"`} {
			if !strings.Contains(pg.Body, want) {
				t.Errorf("authorize page lacks %s", want)
			}
		}
		if csp := pg.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://app.example") {
			t.Errorf("CSP form-action does not allow the redirect: %q", csp)
		}
		if pg.hidden().Get("authenticity_token") == "" {
			t.Fatal("no CSRF field")
		}

		res := b.post("/oauth/authorize", pg.submit(url.Values{"login": {"alice@example.org"}, "password": {password}, "decision": {"authorize"}}))
		code, state := codeFrom(t, res, redirect)
		if state != "st&te 1" {
			t.Errorf("state = %q", state)
		}
		var session *http.Cookie
		for _, c := range (&http.Response{Header: res.Header}).Cookies() {
			if c.Name == auth.SessionCookie {
				session = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Secure {
			t.Errorf("session cookie = %+v (want HttpOnly, SameSite=Lax, Path=/, not Secure over http)", session)
		}

		tok := s.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {id}, "client_secret": {secret}, "redirect_uri": {redirect}, "code_verifier": {verifier}}).Map(t)
		if tok["token_type"] != "Bearer" || tok["scope"] != "read write" || tok["created_at"] == nil || tok["access_token"] == "" {
			t.Fatalf("token response = %v", tok)
		}
		access := tok["access_token"].(string)
		me := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", access, nil).Map(t)
		if me["id"] != alice.AccountID || me["username"] != "alice" {
			t.Errorf("verify_credentials = %v", me)
		}

		// A code works once.
		again := s.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {id}, "client_secret": {secret}, "redirect_uri": {redirect}, "code_verifier": {verifier}})
		if again.Status != 400 || again.Map(t)["error"] != "invalid_grant" {
			t.Errorf("reused code: %d %s", again.Status, again.Body)
		}
		// ... and its replay revokes the token the first exchange issued.
		s.Must(t, 401, "GET", "/api/v1/accounts/verify_credentials", access, nil)

		// With a session the page asks for consent only.
		pg = b.get(authorizePath(q)).mustStatus(t, 200, "consent page")
		if !strings.Contains(pg.Body, "Authorize as @alice") || strings.Contains(pg.Body, `name="password"`) {
			t.Errorf("consent page:\n%s", pg.Body)
		}
		// JSON body, PKCE without the secret.
		code, _ = codeFrom(t, b.post("/oauth/authorize", pg.submit(url.Values{"decision": {"authorize"}})), redirect)
		tok = s.Must(t, 200, "POST", "/oauth/token", "", map[string]any{"grant_type": "authorization_code", "code": code,
			"client_id": id, "redirect_uri": redirect, "code_verifier": verifier}).Map(t)
		s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok["access_token"].(string), nil)

		// force_login shows the form again even with a session.
		fq := url.Values{}
		for k, v := range q {
			fq[k] = v
		}
		fq.Set("force_login", "true")
		if pg := b.get(authorizePath(fq)); !strings.Contains(pg.Body, `name="password"`) {
			t.Error("force_login did not show the login form")
		}

		// Failing exchanges, one fresh code each.
		for _, tc := range []struct {
			name       string
			edit       url.Values
			status     int
			errorCode  string
			omitSecret bool
		}{
			{"wrong verifier", url.Values{"code_verifier": {strings.Repeat("x", 43)}}, 400, "invalid_grant", false},
			{"missing verifier", url.Values{"code_verifier": {""}}, 400, "invalid_request", false},
			{"wrong redirect_uri", url.Values{"redirect_uri": {"https://app.example/other"}}, 400, "invalid_grant", false},
			{"wrong secret", url.Values{"client_secret": {"wrong"}}, 401, "invalid_client", false},
			{"unknown client", url.Values{"client_id": {"nope"}}, 401, "invalid_client", false},
			{"password grant", url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {password}}, 400, "unsupported_grant_type", false},
			{"refresh grant", url.Values{"grant_type": {"refresh_token"}}, 400, "unsupported_grant_type", false},
		} {
			code, _ := codeFrom(t, b.post("/oauth/authorize", pg.submit(url.Values{"decision": {"authorize"}})), redirect)
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {id},
				"client_secret": {secret}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
			for k, v := range tc.edit {
				form[k] = v
			}
			r := s.Do(t, "POST", "/oauth/token", "", form)
			if r.Status != tc.status || r.Map(t)["error"] != tc.errorCode || r.Map(t)["error_description"] == "" {
				t.Errorf("%s: got %d %s, want %d %s", tc.name, r.Status, r.Body, tc.status, tc.errorCode)
			}
		}

		// Deny sends the error and the state back.
		res = b.post("/oauth/authorize", pg.submit(url.Values{"decision": {"deny"}}))
		res.mustStatus(t, http.StatusFound, "deny")
		loc, _ := url.Parse(res.Header.Get("Location"))
		if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st&te 1" || loc.Query().Get("code") != "" {
			t.Errorf("deny redirect = %s", loc)
		}
	})
}

// TestNarrowScopes checks that a token has the scopes asked for, not the app's.
func TestNarrowScopes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		const redirect = "https://app.example/cb"
		id, secret := app(t, s, redirect, "read write")
		b := newBrowser(t, s)
		pg := b.get(authorizePath(url.Values{"client_id": {id}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"write:statuses"}}))
		pg.mustStatus(t, 200, "authorize page")
		// A wrong password shows the form again, keeping the login only.
		res := b.post("/oauth/authorize", pg.submit(url.Values{"login": {"alice"}, "password": {"not the password"}, "decision": {"authorize"}}))
		res.mustStatus(t, 401, "wrong password")
		if !strings.Contains(res.Body, `value="alice"`) || strings.Contains(res.Body, "not the password") || !strings.Contains(res.Body, "Invalid email") {
			t.Errorf("form after a wrong password:\n%s", res.Body)
		}
		code, _ := codeFrom(t, b.post("/oauth/authorize", res.submit(url.Values{"login": {"alice"}, "password": {password}, "decision": {"authorize"}})), redirect)
		tok := s.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {id}, "client_secret": {secret}, "redirect_uri": {redirect}}).Map(t)
		if tok["scope"] != "write:statuses" {
			t.Errorf("scope = %v", tok["scope"])
		}
		// verify_credentials needs read:accounts.
		s.Must(t, 403, "GET", "/api/v1/accounts/verify_credentials", tok["access_token"].(string), nil)
	})
}

// TestOutOfBand checks that the oob redirect shows the code on a page.
func TestOutOfBand(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		id, secret := app(t, s, auth.OOB, "read")
		b := newBrowser(t, s)
		pg := b.get(authorizePath(url.Values{"client_id": {id}, "redirect_uri": {auth.OOB}, "response_type": {"code"}, "scope": {"read"}, "lang": {"fr"}}))
		pg.mustStatus(t, 200, "authorize page")
		if !strings.Contains(pg.Body, `<html lang="fr">`) || !strings.Contains(pg.Body, "Autoriser") {
			t.Error("lang=fr did not give a French page")
		}
		res := b.post("/oauth/authorize", pg.submit(url.Values{"login": {"alice"}, "password": {password}, "decision": {"authorize"}}))
		res.mustStatus(t, 200, "oob page")
		res.isHTMLPage(t, "oob page")
		i := strings.Index(res.Body, `readonly value="`)
		if i < 0 {
			t.Fatalf("no code on the page:\n%s", res.Body)
		}
		code := res.Body[i+len(`readonly value="`):]
		code = code[:strings.IndexByte(code, '"')]
		tok := s.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {id}, "client_secret": {secret}, "redirect_uri": {auth.OOB}}).Map(t)
		s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok["access_token"].(string), nil)
	})
}

// TestAuthorizeErrors checks that bad requests show an error page and
// never redirect.
func TestAuthorizeErrors(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		const redirect = "https://app.example/cb"
		id, _ := app(t, s, redirect, "read write")
		good := url.Values{"client_id": {id}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"read"}}
		b := newBrowser(t, s)
		for _, tc := range []struct {
			name, key, value, want string
		}{
			{"unknown client", "client_id", "nope", "No application"},
			{"unregistered redirect", "redirect_uri", "https://evil.example/cb", "redirect_uri"},
			{"response type", "response_type", "token", "response_type=code"},
			{"unknown scope", "scope", "read nonsense", "unknown scope"},
			{"scope not granted", "scope", "read follow", "not among the scopes"},
			{"plain pkce", "code_challenge_method", "plain", "S256"},
		} {
			q := url.Values{}
			for k, v := range good {
				q[k] = v
			}
			q.Set(tc.key, tc.value)
			if tc.key == "code_challenge_method" {
				q.Set("code_challenge", strings.Repeat("a", 43))
			}
			for _, method := range []string{"GET", "POST"} {
				var pg *page
				if method == "GET" {
					pg = b.get(authorizePath(q))
				} else {
					pg = b.post("/oauth/authorize", q)
				}
				if pg.Status != 400 || pg.Header.Get("Location") != "" || !strings.Contains(pg.Body, tc.want) {
					t.Errorf("%s %s: got %d, Location %q; body:\n%s", tc.name, method, pg.Status, pg.Header.Get("Location"), pg.Body)
				}
				pg.isHTMLPage(t, tc.name)
			}
		}
	})
}

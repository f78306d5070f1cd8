package mastodon_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

func TestRateLimitHeadersAnd429(t *testing.T) {
	s := apitest.Start(t, "sqlite")
	var last *apitest.Response
	for i := 0; i < mastodon.LimitRequests; i++ {
		last = s.Must(t, 200, "GET", "/api/v1/custom_emojis", "", nil)
	}
	if got := last.Header.Get("X-RateLimit-Remaining"); got != "0" {
		t.Errorf("X-RateLimit-Remaining after %d requests = %q, want 0", mastodon.LimitRequests, got)
	}
	r := s.Must(t, 429, "GET", "/api/v1/custom_emojis", "", nil)
	if r.Map(t)["error"] == "" || r.Header.Get("X-RateLimit-Limit") != "300" || r.Header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("429 without error or headers: %v %s", r.Header, r.Body)
	}
	// An authenticated user has a budget of their own.
	u := s.NewUser(t, "alice")
	s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", u.Token, nil)
}

func appToken(t *testing.T, s *apitest.Server) string {
	t.Helper()
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(context.Background(), auth.HashSecret(tok), &domain.Token{Scopes: domain.Scopes{"read", "write"}}); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestSignUp(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Must(t, 401, "POST", "/api/v1/accounts", "", map[string]any{"username": "bob"})
		tok := appToken(t, s)
		good := map[string]any{"username": "bob", "email": "bob@example.org", "password": "correct horse battery", "agreement": true, "locale": "fr"}
		res := s.Must(t, 200, "POST", "/api/v1/accounts", tok, good).Map(t)
		me := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", res["access_token"].(string), nil).Map(t)
		if me["acct"] != "bob" {
			t.Errorf("acct = %v", me["acct"])
		}
		for _, tc := range []struct {
			change map[string]any
			want   string
		}{
			{map[string]any{"username": "Bob", "email": "b2@example.org"}, "taken"},
			{map[string]any{"username": "bob2", "email": "BOB@example.org"}, "taken"},
			{map[string]any{"username": "bad name"}, "username"},
			{map[string]any{"username": "admin"}, "reserved"},
			{map[string]any{"email": "nope"}, "email"},
			{map[string]any{"password": "short"}, "password"},
			{map[string]any{"agreement": false}, "agreement"},
		} {
			body := map[string]any{"username": "carol", "email": "carol@example.org", "password": "correct horse battery", "agreement": true}
			for k, v := range tc.change {
				body[k] = v
			}
			r := s.Do(t, "POST", "/api/v1/accounts", tok, body)
			if r.Status == 429 {
				break // the sign-up limit (5 per 30 minutes per IP) is tested below
			}
			if r.Status != 422 || !strings.Contains(r.Map(t)["error"].(string), tc.want) {
				t.Errorf("%v: got %d %s, want 422 mentioning %q", tc.change, r.Status, r.Body, tc.want)
			}
		}
	})
}

func TestSignUpRateLimit(t *testing.T) {
	s := apitest.Start(t, "sqlite")
	tok := appToken(t, s)
	for i := 0; i < mastodon.LimitSignUps; i++ {
		s.Must(t, 200, "POST", "/api/v1/accounts", tok, map[string]any{"username": fmt.Sprintf("u%d", i), "email": fmt.Sprintf("u%d@example.org", i), "password": "correct horse battery", "agreement": true})
	}
	s.Must(t, 429, "POST", "/api/v1/accounts", tok, map[string]any{"username": "late", "email": "late@example.org", "password": "correct horse battery", "agreement": true})
}

func TestRegistrationModes(t *testing.T) {
	closed := apitest.Start(t, "sqlite", "AGORA_REGISTRATIONS=closed")
	r := closed.Must(t, 403, "POST", "/api/v1/accounts", appToken(t, closed), map[string]any{"username": "z", "email": "z@example.org", "password": "correct horse battery", "agreement": true})
	if !strings.Contains(string(r.Body), "closed") {
		t.Errorf("closed: %s", r.Body)
	}
	approval := apitest.Start(t, "sqlite", "AGORA_REGISTRATIONS=approval")
	res := approval.Must(t, 200, "POST", "/api/v1/accounts", appToken(t, approval), map[string]any{"username": "z", "email": "z@example.org", "password": "correct horse battery", "agreement": true, "reason": "I run the library"}).Map(t)
	// Until a moderator approves, the token does not work.
	approval.Must(t, 403, "GET", "/api/v1/accounts/verify_credentials", res["access_token"].(string), nil)
}

func TestBodyLimits(t *testing.T) {
	s := apitest.Start(t, "sqlite")
	big := `{"client_name":"` + strings.Repeat("a", rest.MaxBodyBytes) + `"}`
	r := s.Must(t, 422, "POST", "/api/v1/apps", "", big)
	if !strings.Contains(r.Map(t)["error"].(string), "larger than") {
		t.Errorf("error = %s", r.Body)
	}
	r = s.Must(t, 422, "POST", "/api/v1/apps", "", `[1,2]`)
	if !strings.Contains(r.Map(t)["error"].(string), "JSON object") {
		t.Errorf("error = %s", r.Body)
	}
	res, err := http.Post(s.URL+"/api/v1/apps", "application/x-www-form-urlencoded", strings.NewReader("client_name="+strings.Repeat("b", rest.MaxBodyBytes+10)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 422 {
		t.Errorf("oversized form: status %d, want 422", res.StatusCode)
	}
}

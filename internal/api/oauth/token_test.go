package oauth_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
)

func TestClientCredentialsAndRevoke(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		id, secret := app(t, s, "https://app.example/cb", "read write")
		other, otherSecret := app(t, s, "https://app.example/cb", "read")

		tok := s.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
			"client_id": {id}, "client_secret": {secret}, "scope": {"read"}}).Map(t)
		access := tok["access_token"].(string)
		if tok["scope"] != "read" || tok["token_type"] != "Bearer" {
			t.Errorf("token = %v", tok)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/apps/verify_credentials", access, nil).Map(t); got["name"] != "Test App" {
			t.Errorf("apps/verify_credentials = %v", got)
		}
		if r := s.Do(t, "GET", "/api/v1/accounts/verify_credentials", access, nil); r.Status == 200 {
			t.Errorf("an app token passed accounts/verify_credentials: %s", r.Body)
		}

		// Scopes beyond the app's, a wrong secret, no secret, HTTP Basic.
		if r := s.Do(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {id},
			"client_secret": {secret}, "scope": {"read follow"}}); r.Status != 400 || r.Map(t)["error"] != "invalid_scope" {
			t.Errorf("scope beyond the app's: %d %s", r.Status, r.Body)
		}
		for _, form := range []url.Values{
			{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {"wrong"}},
			{"grant_type": {"client_credentials"}, "client_id": {id}},
		} {
			if r := s.Do(t, "POST", "/oauth/token", "", form); r.Status != 401 || r.Map(t)["error"] != "invalid_client" {
				t.Errorf("%v: %d %s", form, r.Status, r.Body)
			}
		}
		req, _ := http.NewRequest("POST", s.URL+"/oauth/token", nil)
		req.URL.RawQuery = "grant_type=client_credentials"
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("client_secret_basic: status %d", res.StatusCode)
		}

		// Revoke: a wrong client is refused, another app's revoke is a no-op,
		// the right client's revoke works and the token then gets 401.
		if r := s.Do(t, "POST", "/oauth/revoke", "", url.Values{"token": {access}, "client_id": {id}, "client_secret": {"wrong"}}); r.Status != 401 {
			t.Errorf("revoke with a wrong secret: %d %s", r.Status, r.Body)
		}
		s.Must(t, 200, "POST", "/oauth/revoke", "", url.Values{"token": {access}, "client_id": {other}, "client_secret": {otherSecret}})
		s.Must(t, 200, "GET", "/api/v1/apps/verify_credentials", access, nil)
		if r := s.Must(t, 200, "POST", "/oauth/revoke", "", map[string]any{"token": access, "client_id": id, "client_secret": secret}); string(r.Body) != "{}\n" {
			t.Errorf("revoke body = %q", r.Body)
		}
		s.Must(t, 401, "GET", "/api/v1/apps/verify_credentials", access, nil)
		s.Must(t, 200, "POST", "/oauth/revoke", "", url.Values{"token": {"unknown"}, "client_id": {id}, "client_secret": {secret}})
	})
}

func TestMetadata(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		m := s.Must(t, 200, "GET", "/.well-known/oauth-authorization-server", "", nil).Map(t)
		for k, want := range map[string]string{
			"issuer":                    s.URL + "/",
			"authorization_endpoint":    s.URL + "/oauth/authorize",
			"token_endpoint":            s.URL + "/oauth/token",
			"revocation_endpoint":       s.URL + "/oauth/revoke",
			"app_registration_endpoint": s.URL + "/api/v1/apps",
		} {
			if m[k] != want {
				t.Errorf("%s = %v, want %s", k, m[k], want)
			}
		}
		list := func(k string) []string {
			var out []string
			for _, v := range m[k].([]any) {
				out = append(out, v.(string))
			}
			return out
		}
		if got := list("code_challenge_methods_supported"); len(got) != 1 || got[0] != "S256" {
			t.Errorf("code_challenge_methods_supported = %v", got)
		}
		if got := list("grant_types_supported"); len(got) != 2 || got[0] != "authorization_code" || got[1] != "client_credentials" {
			t.Errorf("grant_types_supported = %v", got)
		}
		if got := list("response_types_supported"); len(got) != 1 || got[0] != "code" {
			t.Errorf("response_types_supported = %v", got)
		}
		scopes := list("scopes_supported")
		for _, sc := range scopes {
			if _, ok := domain.ParseScopes(sc); !ok {
				t.Errorf("advertised scope %q is not known", sc)
			}
		}
		if len(scopes) < 40 {
			t.Errorf("only %d scopes advertised", len(scopes))
		}
		if m["service_documentation"] == nil || len(list("token_endpoint_auth_methods_supported")) == 0 {
			t.Errorf("metadata = %v", m)
		}
	})
}

func TestUserinfo(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		m := s.Must(t, 200, "GET", "/oauth/userinfo", alice.Token, nil).Map(t)
		if m["preferred_username"] != "alice" || m["sub"] != s.URL+"/users/alice" || m["iss"] != s.URL+"/" || m["picture"] == "" {
			t.Errorf("userinfo = %v", m)
		}
		s.Must(t, 401, "GET", "/oauth/userinfo", "", nil)
		s.Must(t, 401, "GET", "/oauth/userinfo", "wrong", nil)
		id, secret := app(t, s, "https://app.example/cb", "read")
		tok := s.Must(t, 200, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
			"client_id": {id}, "client_secret": {secret}}).Map(t)
		s.Must(t, 403, "GET", "/oauth/userinfo", tok["access_token"].(string), nil)
	})
}

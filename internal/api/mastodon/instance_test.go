package mastodon_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestInstanceAndApps(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v2 := s.Must(t, 200, "GET", "/api/v2/instance", "", nil).Map(t)
		if !strings.HasPrefix(v2["version"].(string), "4.3.0 (compatible; agora ") {
			t.Errorf("version = %v", v2["version"])
		}
		// Grouped notifications (version 2) and attribution_domains
		// (version 3) exist; version 4 (RFC 8291 push, delete_media) does
		// not, so nothing higher may be claimed.
		if av, _ := v2["api_versions"].(map[string]any); av["mastodon"] != float64(3) {
			t.Errorf("api_versions = %v, want {mastodon: 3}", v2["api_versions"])
		}
		v1 := s.Must(t, 200, "GET", "/api/v1/instance", "", nil).Map(t)
		if su := v1["urls"].(map[string]any)["streaming_api"].(string); !strings.HasPrefix(su, "ws://") {
			t.Errorf("streaming_api = %q", su)
		}
		s.Must(t, 404, "GET", "/api/v1/no/such/thing", "", nil)

		// Apps: form and JSON bodies.
		app := s.Must(t, 200, "POST", "/api/v1/apps", "", url.Values{"client_name": {"Phanpy"}, "redirect_uris": {"https://phanpy.social/"}, "scopes": {"read write follow"}}).Map(t)
		if app["client_id"] == "" || app["client_secret"] == "" {
			t.Fatalf("app without credentials: %v", app)
		}
		s.Must(t, 200, "POST", "/api/v1/apps", "", map[string]any{"client_name": "Elk", "redirect_uris": []string{"urn:ietf:wg:oauth:2.0:oob"}, "scopes": "read write"})
		// Bad input.
		for _, body := range []any{
			url.Values{"redirect_uris": {"https://x/"}},
			url.Values{"client_name": {"x"}},
			url.Values{"client_name": {"x"}, "redirect_uris": {"javascript:alert(1)"}},
			url.Values{"client_name": {"x"}, "redirect_uris": {"https://x/"}, "scopes": {"read nonsense"}},
			"{not json",
		} {
			r := s.Must(t, 422, "POST", "/api/v1/apps", "", body)
			if r.Map(t)["error"] == "" {
				t.Errorf("422 without an error message")
			}
		}
	})
}

func TestCORSPreflight(t *testing.T) {
	s := apitest.Start(t, "sqlite")
	req, _ := http.NewRequest("OPTIONS", s.URL+"/api/v1/statuses", nil)
	req.Header.Set("Origin", "https://elk.zone")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, idempotency-key")
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Allow-Origin = %q", got)
	}
	if got := res.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(got, "idempotency-key") {
		t.Errorf("Allow-Headers = %q", got)
	}
}

func TestAuthErrors(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.Must(t, 401, "GET", "/api/v1/accounts/verify_credentials", "", nil)
		s.Must(t, 401, "GET", "/api/v1/accounts/verify_credentials", "wrong", nil)
		alice := s.NewUser(t, "alice")
		me := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
		if me["acct"] != "alice" || me["source"] == nil || me["role"] == nil {
			t.Errorf("verify_credentials = %v", me)
		}
		s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID, "", nil)
		s.Must(t, 404, "GET", "/api/v1/accounts/123", "", nil)
		s.Must(t, 404, "GET", "/api/v1/accounts/nope", "", nil)
	})
}

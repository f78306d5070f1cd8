package mastodon_test

import (
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestMarkersAndPreferences(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		if got := s.Must(t, 200, "GET", "/api/v1/markers?timeline[]=home&timeline[]=notifications", alice.Token, nil).Map(t); len(got) != 0 {
			t.Errorf("markers before any = %v, want {}", got)
		}
		m := s.Must(t, 200, "POST", "/api/v1/markers", alice.Token, url.Values{"home[last_read_id]": {"103"}}).Map(t)
		home := m["home"].(map[string]any)
		if home["last_read_id"] != "103" || home["version"] != float64(0) || home["updated_at"] == "" || m["notifications"] != nil {
			t.Errorf("first marker = %v", m)
		}
		m = s.Must(t, 200, "POST", "/api/v1/markers", alice.Token, map[string]any{
			"home": map[string]any{"last_read_id": "110"}, "notifications": map[string]any{"last_read_id": "7"},
		}).Map(t)
		if m["home"].(map[string]any)["version"] != float64(1) || m["notifications"].(map[string]any)["last_read_id"] != "7" {
			t.Errorf("second markers = %v", m)
		}
		got := s.Must(t, 200, "GET", "/api/v1/markers?timeline[]=home&timeline[]=bogus", alice.Token, nil).Map(t)
		if len(got) != 1 || got["home"].(map[string]any)["last_read_id"] != "110" {
			t.Errorf("GET markers = %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/markers?timeline[]=home", bob.Token, nil).Map(t); len(got) != 0 {
			t.Errorf("bob sees alice's markers: %v", got)
		}
		s.Must(t, 422, "POST", "/api/v1/markers", alice.Token, url.Values{"home[last_read_id]": {"abc"}})
		s.Must(t, 422, "POST", "/api/v1/markers", alice.Token, url.Values{})
		s.Must(t, 403, "POST", "/api/v1/markers", lfToken(t, s, alice, "read:statuses"), url.Values{"home[last_read_id]": {"1"}})
		s.Must(t, 200, "GET", "/api/v1/markers", lfToken(t, s, alice, "read:statuses"), nil)
		s.Must(t, 403, "GET", "/api/v1/markers", lfToken(t, s, alice, "read:lists"), nil)
		s.Must(t, 401, "GET", "/api/v1/markers", "", nil)

		p := s.Must(t, 200, "GET", "/api/v1/preferences", alice.Token, nil).Map(t)
		want := map[string]any{"posting:default:visibility": "public", "posting:default:sensitive": false,
			"posting:default:language": nil, "reading:expand:media": "default", "reading:expand:spoilers": false}
		for k, v := range want {
			if got, ok := p[k]; !ok || got != v {
				t.Errorf("preferences[%q] = %v (present %v), want %v", k, got, ok, v)
			}
		}
		s.Must(t, 401, "GET", "/api/v1/preferences", "", nil)
	})
}

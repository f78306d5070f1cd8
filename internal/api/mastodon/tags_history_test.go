package mastodon_test

import (
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestTagHistory(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		for _, u := range []*apitest.User{alice, alice, bob} {
			s.Must(t, 200, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": "rain over the #Cities"})
		}
		tag := s.Must(t, 200, "GET", "/api/v1/tags/cities", alice.Token, nil).Map(t)
		h := tag["history"].([]any)
		if len(h) != 7 {
			t.Fatalf("history has %d days, want 7: %v", len(h), h)
		}
		today := h[0].(map[string]any)
		if today["uses"] != "3" || today["accounts"] != "2" || today["day"] == "" {
			t.Errorf("today = %v, want 3 uses by 2 accounts", today)
		}
		if h[1].(map[string]any)["uses"] != "0" {
			t.Errorf("yesterday = %v, want 0 uses", h[1])
		}
	})
}

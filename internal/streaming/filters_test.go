package streaming_test

import (
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestStreamFilters(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		c := dial(t, s, "?stream=user", bob.Token)
		c.sync()

		s.Must(t, 200, "POST", "/api/v2/filters", bob.Token, map[string]any{
			"title": "hidden", "context": []string{"home"}, "filter_action": "hide",
			"keywords_attributes": []map[string]any{{"keyword": "election"}},
		})
		if e := c.next(); e.Event != "filters_changed" || e.Payload != nil || !slices.Equal(e.Stream, []string{"user"}) {
			t.Fatalf("got %s, want filters_changed without payload", e.raw)
		}
		s.Must(t, 200, "POST", "/api/v2/filters", bob.Token, map[string]any{
			"title": "warned", "context": []string{"home"}, "filter_action": "warn",
			"keywords_attributes": []map[string]any{{"keyword": "finale"}},
		})
		if e := c.next(); e.Event != "filters_changed" {
			t.Fatalf("got %s, want filters_changed", e.raw)
		}
		post(t, s, alice, "the election results", "public")
		id := post(t, s, alice, "the finale tonight", "public")
		e := c.next()
		st := e.status(t)
		if st["id"] != id {
			t.Fatalf("got %s, want the warned status %s (the hidden one dropped)", e.raw, id)
		}
		f, _ := st["filtered"].([]any)
		if len(f) != 1 || f[0].(map[string]any)["filter"].(map[string]any)["title"] != "warned" {
			t.Fatalf("filtered: got %v, want the warn filter", st["filtered"])
		}
	})
}

package mastodon_test

import (
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestAccountMigrationAPI checks the alias and move endpoints on one
// server: JSON bodies (GoToSocial's shape), errors as {"error"} with 401
// and 422, then a move between two local accounts.
func TestAccountMigrationAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.Must(t, 401, "POST", "/api/v1/accounts/alias", "", map[string]any{"also_known_as": []string{"alice"}})
		errOf := func(r *apitest.Response) string { return r.Map(t)["error"].(string) }

		move := map[string]any{"password": "correct horse battery", "moved_to_uri": s.URL + "/users/bob"}
		if msg := errOf(s.Must(t, 422, "POST", "/api/v1/accounts/move", alice.Token, move)); !strings.Contains(msg, "alias") {
			t.Errorf("move without the alias: %q", msg)
		}
		if msg := errOf(s.Must(t, 422, "POST", "/api/v1/accounts/alias", bob.Token, map[string]any{"also_known_as": []string{"bob"}})); !strings.Contains(msg, "own alias") {
			t.Errorf("self alias: %q", msg)
		}
		too := make([]string, 11)
		for i := range too {
			too[i] = "alice"
		}
		s.Must(t, 422, "POST", "/api/v1/accounts/alias", bob.Token, map[string]any{"also_known_as": too})
		s.Must(t, 200, "POST", "/api/v1/accounts/alias", bob.Token, map[string]any{"also_known_as_uris": []string{s.URL + "/users/alice"}})

		if msg := errOf(s.Must(t, 422, "POST", "/api/v1/accounts/move", alice.Token, map[string]any{"password": "nope", "moved_to_uri": "bob"})); !strings.Contains(msg, "password") {
			t.Errorf("wrong password: %q", msg)
		}
		me := s.Must(t, 200, "POST", "/api/v1/accounts/move", alice.Token, move).Map(t)
		if m, _ := me["moved"].(map[string]any); m == nil || m["id"] != bob.AccountID {
			t.Errorf("moved = %v", me["moved"])
		}
		if msg := errOf(s.Must(t, 422, "POST", "/api/v1/accounts/move", alice.Token, move)); !strings.Contains(msg, "moved on") {
			t.Errorf("second move: %q", msg)
		}
		// The moved account stays readable, shows where it went, and cannot post.
		if msg := errOf(s.Must(t, 403, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "still here?"})); !strings.Contains(msg, "has moved") {
			t.Errorf("post after the move: %q", msg)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID, "", nil).Map(t); got["moved"] == nil {
			t.Errorf("the moved account's entity has no moved: %v", got)
		}
		// Clearing the aliases: an empty list.
		me = s.Must(t, 200, "POST", "/api/v1/accounts/alias", bob.Token, map[string]any{"also_known_as": []string{}}).Map(t)
		if me["id"] != bob.AccountID {
			t.Errorf("alias answer: %v", me)
		}
	})
}

package mastodon_test

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
)

// A suspended account's token reaches only its own identity and its
// statements of reasons (to appeal), nothing else.
func TestSuspendedAccountToken(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "before"})
		if _, err := s.App.DB.W.ExecContext(context.Background(), `UPDATE accounts SET suspended_at = $1 WHERE id = $2`, time.Now().UnixMilli(), int64(alice.ID)); err != nil {
			t.Fatal(err)
		}
		s.Must(t, 403, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "after"})
		s.Must(t, 403, "GET", "/api/v1/timelines/home", alice.Token, nil)
		s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
		s.Must(t, 200, "GET", "/api/agora/v1/statements", alice.Token, nil)
	})
}

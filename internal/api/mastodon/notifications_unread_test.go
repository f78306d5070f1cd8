package mastodon_test

import (
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestUnreadNotificationCount counts from the notifications marker, with
// the list's filters, and clamps the limit.
func TestUnreadNotificationCount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		count := func(query string) float64 {
			t.Helper()
			return s.Must(t, 200, "GET", "/api/v1/notifications/unread_count"+query, alice.Token, nil).Map(t)["count"].(float64)
		}
		if n := count(""); n != 0 {
			t.Fatalf("count before anything = %v", n)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, url.Values{"status": {"hello @alice"}})
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"hi @alice"}})
		if n := count(""); n != 3 {
			t.Errorf("count = %v, want 3 (a follow and two mentions)", n)
		}
		if n := count("?types[]=mention"); n != 2 {
			t.Errorf("mentions = %v, want 2", n)
		}
		if n := count("?exclude_types[]=mention&account_id=" + bob.AccountID); n != 1 {
			t.Errorf("bob's non-mentions = %v, want 1", n)
		}
		if n := count("?limit=2"); n != 2 {
			t.Errorf("limit 2 = %v", n)
		}
		if n := count("?limit=5000"); n != 3 {
			t.Errorf("limit 5000 (clamped to 1000) = %v", n)
		}
		ns := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t)
		second := ns[1]["id"].(string) // newest first: mark the two oldest read
		s.Must(t, 200, "POST", "/api/v1/markers", alice.Token, url.Values{"notifications[last_read_id]": {second}})
		if n := count(""); n != 1 {
			t.Errorf("count after the marker = %v, want 1", n)
		}
		// A blocked account's notifications are not counted, as they are not listed.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/block", alice.Token, nil)
		if n := count(""); n != 0 {
			t.Errorf("count after blocking bob = %v, want 0", n)
		}
		s.Must(t, 422, "GET", "/api/v1/notifications/unread_count?limit=0", alice.Token, nil)
		s.Must(t, 422, "GET", "/api/v1/notifications/unread_count?types[]=nope", alice.Token, nil)
		s.Must(t, 401, "GET", "/api/v1/notifications/unread_count", "", nil)
	})
}

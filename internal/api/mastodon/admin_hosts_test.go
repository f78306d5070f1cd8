package mastodon_test

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// TestAdminUnavailableHosts lists a host past the circuit breaker's
// threshold, retries and clears it (audited); only admins may.
func TestAdminUnavailableHosts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		api := s
		admin := staff(t, s, "admin", domain.RoleAdmin)
		mod := staff(t, s, "mod", domain.RoleModerator)
		alice := s.NewUser(t, "alice")

		first := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
		backoff := func(int64) time.Duration { return time.Hour }
		for i := range 10 { // the default threshold
			if _, err := s.App.Store.RecordDeliveryFailure(ctx, "down.example", first.Add(time.Duration(i)*time.Minute), 10, backoff); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.App.Store.RecordDeliveryFailure(ctx, "flaky.example", first, 10, backoff); err != nil {
			t.Fatal(err)
		}

		const path = "/api/agora/v1/admin/unavailable_hosts"
		api.Must(t, 401, "GET", path, "", nil)
		api.Must(t, 403, "GET", path, alice.Token, nil)
		api.Must(t, 403, "GET", path, mod.Token, nil)
		list := api.Must(t, 200, "GET", path, admin.Token, nil).List(t)
		if len(list) != 1 || list[0]["host"] != "down.example" || list[0]["failures"] != 10.0 || list[0]["last_success_at"] != nil {
			t.Fatalf("unavailable hosts = %v", list)
		}
		since, _ := time.Parse(time.RFC3339, list[0]["failing_since"].(string))
		if !since.Equal(first) || list[0]["next_probe_at"] == nil || list[0]["last_failure_at"] == nil {
			t.Errorf("host = %v, want failing since %v", list[0], first)
		}

		api.Must(t, 403, "POST", path+"/down.example/retry", mod.Token, nil)
		api.Must(t, 404, "POST", path+"/flaky.example/retry", admin.Token, nil) // not unavailable
		res := api.Must(t, 200, "POST", path+"/Down.Example/retry", admin.Token, nil).Map(t)
		if res["host"] != "down.example" || res["woken"] != 0.0 {
			t.Errorf("retry = %v", res)
		}
		h, err := s.App.Store.DeliveryHostState(ctx, "down.example")
		if err != nil || h.RetryAt == nil || h.RetryAt.After(time.Now()) || h.Failures != 10 {
			t.Errorf("after retry: %+v %v, want due now", h, err)
		}

		api.Must(t, 403, "DELETE", path+"/down.example", mod.Token, nil)
		api.Must(t, 200, "DELETE", path+"/down.example", admin.Token, nil)
		api.Must(t, 404, "DELETE", path+"/down.example", admin.Token, nil)
		if list := api.Must(t, 200, "GET", path, admin.Token, nil).List(t); len(list) != 0 {
			t.Errorf("after clear: %v", list)
		}

		es, err := s.App.Store.AuditLog(ctx, store.AuditFilter{}, domain.Page{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range es {
			if e.Detail == "down.example" && e.TargetType == "federation_host" {
				seen[e.Action] = true
			}
		}
		if !seen[store.AuditHostRetry] || !seen[store.AuditHostClear] || len(seen) != 2 {
			t.Errorf("audit log = %v", seen)
		}
	})
}

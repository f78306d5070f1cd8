package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/store"
)

// TestAdminUnavailableHosts shows an admin the hosts past the circuit
// breaker's threshold, with since when they fail, their failures and the
// next try, in English and French; "Retry now" and "Clear" act on one and
// are audited; moderators and members are refused.
func TestAdminUnavailableHosts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s
		admin, mod, member, anon := admStaff(t, w)

		ctx := context.Background()
		first := time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC)
		for i := range 10 { // the default threshold
			if _, err := s.App.Store.RecordDeliveryFailure(ctx, "down.example", first.Add(time.Duration(i)*time.Minute), 10,
				func(int64) time.Duration { return 100 * 365 * 24 * time.Hour }); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.App.Store.RecordDeliveryFailure(ctx, "flaky.example", first, 10, func(int64) time.Duration { return time.Hour }); err != nil {
			t.Fatal(err)
		}

		if p := anon.get("/admin/hosts", http.StatusSeeOther); p.Header.Get("Location") == "" {
			t.Errorf("a visitor is not sent to sign in")
		}
		member.get("/admin/hosts", http.StatusForbidden)
		mod.get("/admin/hosts", http.StatusForbidden)
		p := admin.get("/admin/hosts", 200)
		contains(t, p, "Unavailable servers", "After 10 failed deliveries in a row", "down.example", "Failing since",
			"Mar 14, 2026, 09:26 UTC", "Failed deliveries in a row</dt><dd>10<", "Last failure", "Mar 14, 2026, 09:35 UTC",
			"None recorded", "Retry now", "Clear")
		if strings.Contains(p.Body, "flaky.example") {
			t.Errorf("a host below the threshold is listed")
		}
		admin.lang = "fr"
		contains(t, admin.get("/admin/hosts", 200), "Serveurs injoignables", "En échec depuis", "14 mars 2026, 09:26 UTC", "Réessayer maintenant")
		admin.lang = "en"

		mod.post("/admin/announcements", "/admin/hosts/retry", url.Values{"host": {"down.example"}}, http.StatusForbidden)
		location(t, admin.post("/admin/hosts", "/admin/hosts/retry", url.Values{"host": {"down.example"}}, http.StatusSeeOther), "/admin/hosts")
		contains(t, admin.get("/admin/hosts", 200), "The server is being tried again now.", "At the next delivery")
		location(t, admin.post("/admin/hosts", "/admin/hosts/clear", url.Values{"host": {"down.example"}}, http.StatusSeeOther), "/admin/hosts")
		contains(t, admin.get("/admin/hosts", 200), "The failures are cleared", "Every server is reachable.")
		admin.post("/admin/hosts", "/admin/hosts/clear", url.Values{"host": {"down.example"}}, http.StatusSeeOther)
		contains(t, admin.get("/admin/hosts", 200), "This server is no longer unavailable.")
		admAudited(t, w, store.AuditHostRetry, store.AuditHostClear)
	})
}

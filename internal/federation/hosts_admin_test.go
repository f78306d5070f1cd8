package federation_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// TestUnavailableHostActions opens a host's circuit, then has an admin
// retry it (its waiting deliveries are woken at once: one probes, fails,
// and the host stays unavailable) and clear it (every waiting delivery
// goes now and succeeds). Both are audited; unknown hosts are not found.
func TestUnavailableHostActions(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d, "AGORA_FEDERATION_CIRCUIT_FAILURES=2")
		st := s.App.Store
		alice, admin := s.newUser(t, "alice"), s.newUser(t, "root")
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := st.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		k.status.Store(http.StatusServiceUnavailable)
		outPublish(t, s, alice, "one", "public")
		outSettled(t, s, 1)
		outPublish(t, s, alice, "two", "public")
		outSettled(t, s, 2)
		for _, text := range []string{"three", "four"} {
			outPublish(t, s, alice, text, "public")
		}
		outSettled(t, s, 4)
		hosts, err := st.UnavailableHosts(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(hosts) != 1 || hosts[0].Host != k.host() || hosts[0].Failures != 2 || hosts[0].FailingSince == nil ||
			hosts[0].RetryAt == nil || hosts[0].FailingSince.After(*hosts[0].LastFailureAt) {
			t.Fatalf("unavailable hosts = %+v", hosts)
		}
		since := *hosts[0].FailingSince

		// Retry now, the host still down: a probe at once, which fails.
		woken, err := st.RetryDeliveryHost(ctx, k.host(), 2, admin.ID)
		if err != nil || woken != 4 {
			t.Fatalf("retry: woke %d, %v; want the 4 waiting deliveries", woken, err)
		}
		outWait(t, "the probe", func() bool { return k.requests.Load() == 3 })
		outWait(t, "the failed probe counted", func() bool {
			h, err := st.DeliveryHostState(ctx, k.host())
			return err == nil && h.Failures == 3
		})
		if h, _ := st.DeliveryHostState(ctx, k.host()); h.FailingSince == nil || !h.FailingSince.Equal(since) {
			t.Errorf("failing since %v after another failure, want %v", h.FailingSince, since)
		}

		// Clear, the host back: every delivery goes now.
		k.status.Store(http.StatusAccepted)
		outWait(t, "the deliveries waiting again", func() bool {
			for _, j := range outDeliveries(t, s) {
				if j.State == "available" || j.State == "running" {
					return false
				}
			}
			return true
		})
		if woken, err := st.ClearDeliveryHost(ctx, k.host(), admin.ID); err != nil || woken != 4 {
			t.Fatalf("clear: woke %d, %v", woken, err)
		}
		outWait(t, "the deliveries after the clear", func() bool {
			for _, j := range outDeliveries(t, s) {
				if j.State != "completed" {
					return false
				}
			}
			return true
		})
		if hosts, _ := st.UnavailableHosts(ctx, 2); len(hosts) != 0 {
			t.Errorf("after the clear: %+v", hosts)
		}

		es, err := st.AuditLog(ctx, store.AuditFilter{}, domain.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			if e.AccountID == admin.ID && e.Detail == k.host() {
				got = append(got, e.Action)
			}
		}
		if len(got) != 2 {
			t.Errorf("audit entries = %v, want retry and clear", got)
		}
		for _, f := range []func() (int, error){
			func() (int, error) { return st.RetryDeliveryHost(ctx, "nowhere.example", 2, admin.ID) },
			func() (int, error) { return st.ClearDeliveryHost(ctx, "nowhere.example", admin.ID) },
		} {
			if _, err := f(); domain.KindOf(err) != domain.KindNotFound {
				t.Errorf("unknown host: %v, want not found", err)
			}
		}
	})
}

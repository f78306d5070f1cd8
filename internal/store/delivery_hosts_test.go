package store

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestDeliveryHostFailingSince keeps the first failure of a run of
// consecutive failures, forgets it on a success, and starts again with
// the next failure; retry and clear act only on known hosts.
func TestDeliveryHostFailingSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		backoff := func(int64) time.Duration { return time.Hour }
		fail := func(at time.Time) {
			t.Helper()
			if _, err := s.RecordDeliveryFailure(ctx, "down.example", at, 2, backoff); err != nil {
				t.Fatal(err)
			}
		}
		since := func() *time.Time {
			t.Helper()
			h, err := s.DeliveryHostState(ctx, "down.example")
			if err != nil {
				t.Fatal(err)
			}
			return h.FailingSince
		}
		fail(t0)
		fail(t0.Add(time.Minute))
		if got := since(); got == nil || !got.Equal(t0) {
			t.Errorf("failing since %v, want %v", got, t0)
		}
		hosts, err := s.UnavailableHosts(ctx, 2)
		if err != nil || len(hosts) != 1 || hosts[0].FailingSince == nil || !hosts[0].FailingSince.Equal(t0) {
			t.Errorf("unavailable hosts = %+v, %v", hosts, err)
		}
		if err := s.RecordDeliverySuccess(ctx, "down.example", t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got := since(); got != nil {
			t.Errorf("failing since %v after a success", got)
		}
		fail(t0.Add(3 * time.Minute))
		if got := since(); got == nil || !got.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("failing since %v after a new failure", got)
		}
		// Below the threshold: not unavailable, so no retry; clear works.
		if _, err := s.RetryDeliveryHost(ctx, "down.example", 2, 0); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("retry of an available host: %v", err)
		}
		if _, err := s.ClearDeliveryHost(ctx, "Down.Example", 0); err != nil {
			t.Errorf("clear: %v", err)
		}
		if _, err := s.ClearDeliveryHost(ctx, "down.example", 0); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("clear twice: %v", err)
		}
	})
}

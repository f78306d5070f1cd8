package federation

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// TestHostRulesCache keeps the inbox's answer about a host for a few
// seconds, but not past a change of the rules made through the Store,
// nor past hostRulesTTL for a change it cannot see (another node's).
func TestHostRulesCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC)
		h := &Handler{Store: store.New(d, nil), Log: slog.New(slog.DiscardHandler), Cfg: &config.Config{Domain: "agora.test"},
			Now: func() time.Time { return now }}
		check := func(want int, why string) {
			t.Helper()
			if got, err := h.cachedFederation(ctx, "Spam.Example"); err != nil || got != want {
				t.Errorf("%s: %d, %v; want %d", why, got, err, want)
			}
		}
		check(hostFederates, "no rule")
		if err := h.Store.SaveDomainBlock(ctx, &store.DomainBlock{Domain: "spam.example", Severity: store.SeveritySuspend}, nil); err != nil {
			t.Fatal(err)
		}
		check(hostSuspended, "a suspension saved here applies at once")

		// A change the Store did not make (another node's) is seen once
		// the entry expires.
		if _, err := d.W.ExecContext(ctx, `DELETE FROM domain_blocks`); err != nil {
			t.Fatal(err)
		}
		check(hostSuspended, "within the TTL")
		now = now.Add(hostRulesTTL)
		check(hostFederates, "after the TTL")
	})
}

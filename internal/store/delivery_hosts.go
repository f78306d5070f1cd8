package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// The operators' side of the circuit breaker (docs/administration.md,
// "Unavailable hosts"): the hosts deliveries are waiting on, and the two
// actions on one, each recorded in the audit log in its transaction.

// MaxUnavailableHosts bounds the hosts listed (by name).
const MaxUnavailableHosts = 500

// CircuitThreshold is how many consecutive failed deliveries make a host
// unavailable: the configured number (AGORA_FEDERATION_CIRCUIT_FAILURES),
// 10 when unset.
func CircuitThreshold(configured int) int64 {
	if configured > 0 {
		return int64(configured)
	}
	return 10
}

// Audit log actions on a host (target_type federation_host, the host in
// the detail).
const (
	AuditHostRetry = "federation_host.retry"
	AuditHostClear = "federation_host.clear"
)

// DeliveryWaker runs now the deliveries waiting on a host (snoozed behind
// its open circuit, or waiting for their next retry) and says how many it
// woke. The federation handler, which is the store's Federator,
// implements it.
type DeliveryWaker interface {
	WakeDeliveries(ctx context.Context, host string) (int, error)
}

// RetryDeliveryHost lets the deliveries to an unavailable host (threshold
// consecutive failures or more) try again now: its next probe is due at
// once and its waiting deliveries are woken (the first probes; the others
// follow when it succeeds). by is the admin, audited. NotFound when the
// host is not unavailable.
func (s *Store) RetryDeliveryHost(ctx context.Context, host string, threshold int64, by domain.ID) (woken int, err error) {
	host = strings.ToLower(host)
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE federation_hosts SET retry_at = $2 WHERE host = $1 AND failures >= $3`,
			host, s.nowMs(), threshold)
		if err != nil {
			return fmt.Errorf("retry delivery host: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = domain.NotFound()
			}
			return err
		}
		return s.InsertAudit(ctx, tx, &AuditEntry{AccountID: by, Action: AuditHostRetry, TargetType: "federation_host", Detail: host})
	})
	if err != nil {
		return 0, err
	}
	return s.wakeDeliveries(ctx, host)
}

// ClearDeliveryHost forgets a host's failures (Mastodon's "clear delivery
// errors"): its circuit is closed and the deliveries waiting on it are
// woken to go now. by is the admin, audited. NotFound when nothing is
// recorded about the host.
func (s *Store) ClearDeliveryHost(ctx context.Context, host string, by domain.ID) (woken int, err error) {
	host = strings.ToLower(host)
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM federation_hosts WHERE host = $1`, host)
		if err != nil {
			return fmt.Errorf("clear delivery host: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = domain.NotFound()
			}
			return err
		}
		return s.InsertAudit(ctx, tx, &AuditEntry{AccountID: by, Action: AuditHostClear, TargetType: "federation_host", Detail: host})
	})
	if err != nil {
		return 0, err
	}
	return s.wakeDeliveries(ctx, host)
}

// wakeDeliveries asks the Federator, when it can, to run host's waiting
// deliveries now. Without one (tools) they run at their own time.
func (s *Store) wakeDeliveries(ctx context.Context, host string) (int, error) {
	w, ok := s.Federator.(DeliveryWaker)
	if !ok {
		return 0, nil
	}
	return w.WakeDeliveries(ctx, host)
}

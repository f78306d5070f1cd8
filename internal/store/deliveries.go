package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// DeliveryInboxes expands an audience into inbox URLs, deduplicated: the
// remote followers of actor (when followers is set) by their shared inbox,
// else their own; and the remote accounts among to, by their shared inbox
// when shared is set (activities about statuses, which every server
// routes by their addressing), else by their own inbox (activities aimed
// at one account: Follow, Accept, Block, ...). Suspended remote accounts
// are skipped.
func (s *Store) DeliveryInboxes(ctx context.Context, actor domain.ID, followers bool, to []domain.ID, shared bool) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(rows *sql.Rows, err error) error {
		if err != nil {
			return fmt.Errorf("find inboxes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var inbox string
			if err := rows.Scan(&inbox); err != nil {
				return err
			}
			if inbox != "" && !seen[inbox] {
				seen[inbox] = true
				out = append(out, inbox)
			}
		}
		return rows.Err()
	}
	if followers {
		err := add(s.DB.R.QueryContext(ctx, `SELECT DISTINCT CASE WHEN a.shared_inbox_url <> '' THEN a.shared_inbox_url ELSE a.inbox_url END
			FROM follows f JOIN accounts a ON a.id = f.account_id
			WHERE f.target_account_id = $1 AND a.domain <> '' AND a.suspended_at IS NULL`, int64(actor)))
		if err != nil {
			return nil, err
		}
	}
	if len(to) > 0 {
		err := add(s.DB.R.QueryContext(ctx, `SELECT CASE WHEN $1 AND a.shared_inbox_url <> '' THEN a.shared_inbox_url ELSE a.inbox_url END
			FROM accounts a WHERE a.id IN (`+placeholders(2, len(to))+`) AND a.domain <> '' AND a.suspended_at IS NULL`,
			append([]any{shared}, idArgs(to)...)...))
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeliveryHost is the circuit-breaker state of one remote host; the zero
// value is a host that never failed.
type DeliveryHost struct {
	Host          string
	Failures      int64      // consecutive failed deliveries
	FailingSince  *time.Time // the first of those failures; nil when none
	LastFailureAt *time.Time // nil when none recorded
	RetryAt       *time.Time // while open: no request before this
	LastSuccessAt *time.Time
}

// Open reports whether the circuit is open: threshold consecutive failures
// or more.
func (h *DeliveryHost) Open(threshold int64) bool { return h.Failures >= threshold }

// DeliveryHostState loads host's state; a host never seen failing has the
// zero state.
func (s *Store) DeliveryHostState(ctx context.Context, host string) (*DeliveryHost, error) {
	h := &DeliveryHost{Host: host}
	var since, lastFailure, retry, lastSuccess sql.NullInt64
	err := s.DB.R.QueryRowContext(ctx, `SELECT failures, failing_since, last_failure_at, retry_at, last_success_at
		FROM federation_hosts WHERE host = $1`, host).Scan(&h.Failures, &since, &lastFailure, &retry, &lastSuccess)
	if err == sql.ErrNoRows {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load delivery host: %w", err)
	}
	h.FailingSince, h.LastFailureAt, h.RetryAt, h.LastSuccessAt = optTime(since), optTime(lastFailure), optTime(retry), optTime(lastSuccess)
	return h, nil
}

// RecordDeliveryFailure counts a failed delivery to host at now. Once the
// failures reach threshold the circuit is open: retry_at becomes now plus
// backoff(failures - threshold), so each failed probe waits longer. It
// returns the new state.
func (s *Store) RecordDeliveryFailure(ctx context.Context, host string, now time.Time, threshold int64, backoff func(n int64) time.Duration) (*DeliveryHost, error) {
	h := &DeliveryHost{Host: host, LastFailureAt: &now}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO federation_hosts (host, failures, last_failure_at, failing_since) VALUES ($1, 1, $2, $2)
			ON CONFLICT (host) DO UPDATE SET failures = federation_hosts.failures + 1, last_failure_at = excluded.last_failure_at,
				failing_since = CASE WHEN federation_hosts.failures = 0 OR federation_hosts.failing_since IS NULL
					THEN excluded.failing_since ELSE federation_hosts.failing_since END
			RETURNING failures`, host, ms(now)).Scan(&h.Failures)
		if err != nil {
			return fmt.Errorf("count delivery failure: %w", err)
		}
		if h.Failures < threshold {
			return nil
		}
		retry := now.Add(backoff(h.Failures - threshold))
		h.RetryAt = &retry
		_, err = tx.ExecContext(ctx, `UPDATE federation_hosts SET retry_at = $2 WHERE host = $1`, host, ms(retry))
		return err
	})
	return h, err
}

// ClaimDeliveryProbe makes the caller the one probe of an open host whose
// retry_at has passed: retry_at moves to until (the probe's lease, after
// which another may try) and true is returned. Another caller, having lost
// the race or come too early, gets false.
func (s *Store) ClaimDeliveryProbe(ctx context.Context, host string, now, until time.Time) (bool, error) {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE federation_hosts SET retry_at = $3 WHERE host = $1 AND retry_at <= $2`,
		host, ms(now), ms(until))
	if err != nil {
		return false, fmt.Errorf("claim delivery probe: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecordDeliverySuccess closes host's circuit: failures back to zero.
// Callers skip it for hosts without a row (they never failed), so that
// healthy deliveries cost no write.
func (s *Store) RecordDeliverySuccess(ctx context.Context, host string, now time.Time) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE federation_hosts SET failures = 0, retry_at = NULL, failing_since = NULL, last_success_at = $2 WHERE host = $1`,
		host, ms(now))
	if err != nil {
		return fmt.Errorf("record delivery success: %w", err)
	}
	return nil
}

// UnavailableHosts lists the hosts whose circuit is open, for operators
// (the first MaxUnavailableHosts by name).
func (s *Store) UnavailableHosts(ctx context.Context, threshold int64) ([]DeliveryHost, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT host, failures, failing_since, last_failure_at, retry_at, last_success_at
		FROM federation_hosts WHERE failures >= $1 ORDER BY host LIMIT $2`, threshold, MaxUnavailableHosts)
	if err != nil {
		return nil, fmt.Errorf("list unavailable hosts: %w", err)
	}
	defer rows.Close()
	var out []DeliveryHost
	for rows.Next() {
		var h DeliveryHost
		var since, lastFailure, retry, lastSuccess sql.NullInt64
		if err := rows.Scan(&h.Host, &h.Failures, &since, &lastFailure, &retry, &lastSuccess); err != nil {
			return nil, err
		}
		h.FailingSince, h.LastFailureAt, h.RetryAt, h.LastSuccessAt = optTime(since), optTime(lastFailure), optTime(retry), optTime(lastSuccess)
		out = append(out, h)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// Rule is one server rule.
type Rule struct {
	ID   domain.ID
	Text string
	Hint string
}

// Rules lists the server rules in order.
func (s *Store) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, text, hint FROM rules ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	defer rows.Close()
	out := []Rule{}
	for rows.Next() {
		var r Rule
		if err := rows.Scan(&r.ID, &r.Text, &r.Hint); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddRule appends a rule.
func (s *Store) AddRule(ctx context.Context, text, hint string) (Rule, error) {
	r := Rule{ID: s.IDs.Next(), Text: text, Hint: hint}
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO rules (id, text, hint, position, created_at)
		VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM rules), $4)`, int64(r.ID), text, hint, s.nowMs())
	return r, err
}

// MoveRule moves a rule one place up (by -1) or down (by +1) in the order
// of the rules; at either end it stays (no error: the order is what was
// asked). Positions are renumbered 1..n in the transaction, so rules that
// shared a position (older rows) get a strict order.
func (s *Store) MoveRule(ctx context.Context, id domain.ID, by int) error {
	if by != -1 && by != 1 {
		return domain.Invalid("move: up or down")
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		ids, err := scanIDs(tx.QueryContext(ctx, `SELECT id FROM rules ORDER BY position, id`))
		if err != nil {
			return fmt.Errorf("load rules order: %w", err)
		}
		at := -1
		for i, x := range ids {
			if x == id {
				at = i
			}
		}
		if at < 0 {
			return domain.NotFound()
		}
		if to := at + by; to >= 0 && to < len(ids) {
			ids[at], ids[to] = ids[to], ids[at]
		}
		for i, x := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE rules SET position = $2 WHERE id = $1`, int64(x), i+1); err != nil {
				return fmt.Errorf("move rule: %w", err)
			}
		}
		return nil
	})
}

// InstanceStats are the figures the instance and nodeinfo documents show.
type InstanceStats struct {
	Users, ActiveMonth, ActiveHalfYear, Statuses, Domains int64
}

// Stats counts local users (accounts with a login: not the service
// account that sends statements of reasons), local statuses and known
// remote domains.
func (s *Store) Stats(ctx context.Context) (InstanceStats, error) {
	var st InstanceStats
	month := s.Now().AddDate(0, -1, 0).UnixMilli()
	half := s.Now().AddDate(0, -6, 0).UnixMilli()
	err := s.DB.R.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM accounts a WHERE domain = '' AND suspended_at IS NULL AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id)),
		(SELECT count(*) FROM accounts WHERE domain = '' AND last_status_at >= $1),
		(SELECT count(*) FROM accounts WHERE domain = '' AND last_status_at >= $2),
		(SELECT COALESCE(SUM(statuses_count), 0) FROM accounts WHERE domain = ''),
		(SELECT count(DISTINCT domain) FROM accounts WHERE domain <> '')`, month, half).
		Scan(&st.Users, &st.ActiveMonth, &st.ActiveHalfYear, &st.Statuses, &st.Domains)
	return st, err
}

// Peers lists the remote domains this server knows.
func (s *Store) Peers(ctx context.Context) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT DISTINCT domain FROM accounts WHERE domain <> '' ORDER BY domain`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

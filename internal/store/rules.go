package store

import (
	"context"
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

// InstanceStats are the figures the instance and nodeinfo documents show.
type InstanceStats struct {
	Users, ActiveMonth, ActiveHalfYear, Statuses, Domains int64
}

// Stats counts local users, local statuses and known remote domains.
func (s *Store) Stats(ctx context.Context) (InstanceStats, error) {
	var st InstanceStats
	month := s.Now().AddDate(0, -1, 0).UnixMilli()
	half := s.Now().AddDate(0, -6, 0).UnixMilli()
	err := s.DB.R.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM accounts WHERE domain = '' AND suspended_at IS NULL),
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

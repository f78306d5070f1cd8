package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Mute makes from mute to, or updates an existing mute: hideNotifications
// also hides to's notifications; expiresAt nil mutes for ever. Mutes do
// not touch the home feed: timeline reads filter them.
func (s *Store) Mute(ctx context.Context, from, to domain.ID, hideNotifications bool, expiresAt *time.Time) error {
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO mutes (id, account_id, target_account_id, hide_notifications, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, target_account_id)
		DO UPDATE SET hide_notifications = excluded.hide_notifications, expires_at = excluded.expires_at`,
		int64(s.IDs.Next()), int64(from), int64(to), hideNotifications, optMs(expiresAt), s.nowMs())
	if err != nil {
		return fmt.Errorf("insert mute: %w", err)
	}
	return nil
}

// Unmute removes from's mute of to.
func (s *Store) Unmute(ctx context.Context, from, to domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM mutes WHERE account_id = $1 AND target_account_id = $2`, int64(from), int64(to))
	if err != nil {
		return fmt.Errorf("delete mute: %w", err)
	}
	return nil
}

// Muted is one row of the mutes list.
type Muted struct {
	Follow
	ExpiresAt *time.Time
}

// Mutes pages the accounts account mutes (expired mutes excluded), newest
// mute first.
func (s *Store) Mutes(ctx context.Context, account domain.ID, p domain.Page) ([]Muted, error) {
	where, order, args := PageClause("x.id", p, 4)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT x.id, x.expires_at, `+accountColumns+`
		FROM mutes x JOIN accounts a ON a.id = x.target_account_id
		WHERE x.account_id = $1 AND (x.expires_at IS NULL OR x.expires_at > $3) AND `+where+`
		ORDER BY `+order+` LIMIT $2`, append([]any{int64(account), p.Limit, s.nowMs()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("page mutes: %w", err)
	}
	defer rows.Close()
	out := []Muted{}
	for rows.Next() {
		var (
			id      int64
			expires sql.NullInt64
			x       accountScan
		)
		if err := rows.Scan(append([]any{&id, &expires}, x.dest()...)...); err != nil {
			return nil, err
		}
		out = append(out, Muted{Follow: Follow{ID: domain.ID(id), Account: x.finish()}, ExpiresAt: optTime(expires)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, nil
}

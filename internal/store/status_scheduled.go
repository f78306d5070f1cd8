package store

import (
	"context"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// ScheduledStatus is a status to publish later; Params is the post's input
// as JSON, owned by the statuses service.
type ScheduledStatus struct {
	ID          domain.ID
	AccountID   domain.ID
	ScheduledAt time.Time
	Params      string
}

const scheduledColumns = `id, account_id, scheduled_at, params`

func scanScheduled(r scanner) (*ScheduledStatus, error) {
	var s ScheduledStatus
	var at int64
	if err := r.Scan(&s.ID, &s.AccountID, &at, &s.Params); err != nil {
		return nil, err
	}
	s.ScheduledAt = fromMs(at)
	return &s, nil
}

// CountScheduled counts an account's scheduled statuses, in all and on the
// UTC day of day.
func (s *Store) CountScheduled(ctx context.Context, account domain.ID, day time.Time) (total, sameDay int, err error) {
	start := day.UTC().Truncate(24 * time.Hour)
	err = s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN scheduled_at >= $2 AND scheduled_at < $3 THEN 1 ELSE 0 END), 0)
		FROM scheduled_statuses WHERE account_id = $1`, int64(account), ms(start), ms(start.Add(24*time.Hour))).Scan(&total, &sameDay)
	if err != nil {
		return 0, 0, fmt.Errorf("count scheduled statuses: %w", err)
	}
	return total, sameDay, nil
}

// CreateScheduled stores a scheduled status.
func (s *Store) CreateScheduled(ctx context.Context, st *ScheduledStatus) error {
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params, created_at) VALUES ($1, $2, $3, $4, $5)`,
		int64(st.ID), int64(st.AccountID), ms(st.ScheduledAt), st.Params, s.nowMs())
	if err != nil {
		return fmt.Errorf("schedule status: %w", err)
	}
	return nil
}

// Scheduled loads one of an account's scheduled statuses.
func (s *Store) Scheduled(ctx context.Context, account, id domain.ID) (*ScheduledStatus, error) {
	st, err := scanScheduled(s.DB.R.QueryRowContext(ctx, `SELECT `+scheduledColumns+` FROM scheduled_statuses WHERE id = $1 AND account_id = $2`, int64(id), int64(account)))
	return st, notFound(err, "load scheduled status")
}

// ScheduledPage returns a page of an account's scheduled statuses.
func (s *Store) ScheduledPage(ctx context.Context, account domain.ID, p domain.Page) ([]*ScheduledStatus, error) {
	where, order, args := PageClause("id", p, 2)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+scheduledColumns+` FROM scheduled_statuses WHERE account_id = $1 AND `+where+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)),
		append([]any{int64(account)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list scheduled statuses: %w", err)
	}
	defer rows.Close()
	var out []*ScheduledStatus
	for rows.Next() {
		st, err := scanScheduled(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// Reschedule moves a scheduled status.
func (s *Store) Reschedule(ctx context.Context, account, id domain.ID, at time.Time) error {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE scheduled_statuses SET scheduled_at = $3 WHERE id = $1 AND account_id = $2`, int64(id), int64(account), ms(at))
	if err != nil {
		return fmt.Errorf("reschedule: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// DeleteScheduled removes a scheduled status (account 0: whoever owns it).
func (s *Store) DeleteScheduled(ctx context.Context, account, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM scheduled_statuses WHERE id = $1 AND (account_id = $2 OR $2 = 0)`, int64(id), int64(account))
	if err != nil {
		return fmt.Errorf("delete scheduled status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// DueScheduled returns up to limit scheduled statuses due at now, oldest first.
func (s *Store) DueScheduled(ctx context.Context, now time.Time, limit int) ([]*ScheduledStatus, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+scheduledColumns+` FROM scheduled_statuses WHERE scheduled_at <= $1 ORDER BY scheduled_at LIMIT $2`, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due scheduled statuses: %w", err)
	}
	defer rows.Close()
	var out []*ScheduledStatus
	for rows.Next() {
		st, err := scanScheduled(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

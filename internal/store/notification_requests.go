package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// NotificationRequest is the filtered notifications of one sender to one
// account, waiting for the account to accept or dismiss them.
type NotificationRequest struct {
	ID                 domain.ID
	AccountID          domain.ID
	FromAccountID      domain.ID
	LastStatusID       domain.ID
	NotificationsCount int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

const notificationRequestColumns = `id, account_id, from_account_id, last_status_id, notifications_count, created_at, updated_at`

func scanNotificationRequest(r scanner) (*NotificationRequest, error) {
	var nr NotificationRequest
	var last sql.NullInt64
	var created, updated int64
	if err := r.Scan(&nr.ID, &nr.AccountID, &nr.FromAccountID, &last, &nr.NotificationsCount, &created, &updated); err != nil {
		return nil, err
	}
	nr.LastStatusID = domain.ID(last.Int64)
	nr.CreatedAt, nr.UpdatedAt = fromMs(created), fromMs(updated)
	return &nr, nil
}

// NotificationRequests pages an account's pending requests, newest first.
func (s *Store) NotificationRequests(ctx context.Context, account domain.ID, p domain.Page) ([]*NotificationRequest, error) {
	where, order, args := PageClause("id", p, 2)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+notificationRequestColumns+` FROM notification_requests
		WHERE account_id = $1 AND `+where+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)), append([]any{int64(account)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("load notification requests: %w", err)
	}
	defer rows.Close()
	var out []*NotificationRequest
	for rows.Next() {
		nr, err := scanNotificationRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, nr)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// NotificationRequest loads one of an account's pending requests.
func (s *Store) NotificationRequest(ctx context.Context, account, id domain.ID) (*NotificationRequest, error) {
	nr, err := scanNotificationRequest(s.DB.R.QueryRowContext(ctx, `SELECT `+notificationRequestColumns+`
		FROM notification_requests WHERE account_id = $1 AND id = $2`, int64(account), int64(id)))
	if err != nil {
		return nil, notFound(err, "load notification request")
	}
	return nr, nil
}

// NotificationRequestSummary counts an account's pending requests and the
// filtered notifications they hold.
func (s *Store) NotificationRequestSummary(ctx context.Context, account domain.ID) (requests, notifications int64, err error) {
	err = s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(notifications_count), 0) FROM notification_requests
		WHERE account_id = $1`, int64(account)).Scan(&requests, &notifications)
	if err != nil {
		return 0, 0, fmt.Errorf("count notification requests: %w", err)
	}
	return requests, notifications, nil
}

// AcceptNotificationRequests accepts the account's requests among ids (ids
// of other accounts' requests are ignored): their notifications join the
// list and their senders are never filtered again.
func (s *Store) AcceptNotificationRequests(ctx context.Context, account domain.ID, ids []domain.ID) error {
	return s.answerNotificationRequests(ctx, account, ids, true)
}

// DismissNotificationRequests dismisses the account's requests among ids:
// their filtered notifications are deleted; a later notification from the
// same sender opens a new request.
func (s *Store) DismissNotificationRequests(ctx context.Context, account domain.ID, ids []domain.ID) error {
	return s.answerNotificationRequests(ctx, account, ids, false)
}

func (s *Store) answerNotificationRequests(ctx context.Context, account domain.ID, ids []domain.ID, accept bool) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			var from int64
			err := tx.QueryRowContext(ctx, `DELETE FROM notification_requests WHERE account_id = $1 AND id = $2 RETURNING from_account_id`,
				int64(account), int64(id)).Scan(&from)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return fmt.Errorf("answer notification request: %w", err)
			}
			if !accept {
				if _, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND filtered = TRUE`,
					int64(account), from); err != nil {
					return fmt.Errorf("dismiss filtered notifications: %w", err)
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET filtered = FALSE WHERE account_id = $1 AND from_account_id = $2 AND filtered = TRUE`,
				int64(account), from); err != nil {
				return fmt.Errorf("accept filtered notifications: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO notification_permissions (account_id, from_account_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (account_id, from_account_id) DO NOTHING`, int64(account), from, s.nowMs()); err != nil {
				return fmt.Errorf("permit sender: %w", err)
			}
		}
		return nil
	})
}

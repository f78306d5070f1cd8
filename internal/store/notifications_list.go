package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// NotificationFilter selects notifications by type and sender.
type NotificationFilter struct {
	Types, ExcludeTypes []string
	FromAccount         domain.ID
	// IncludeFiltered also selects notifications a policy filtered into
	// pending requests.
	IncludeFiltered bool
}

const notificationColumns = `n.id, n.account_id, n.from_account_id, n.type, n.status_id, n.created_at`

func scanNotification(r scanner) (*domain.Notification, error) {
	var n domain.Notification
	var status *int64
	var created int64
	if err := r.Scan(&n.ID, &n.AccountID, &n.FromAccountID, &n.Type, &status, &created); err != nil {
		return nil, err
	}
	if status != nil {
		n.StatusID = domain.ID(*status)
	}
	n.CreatedAt = fromMs(created)
	return &n, nil
}

// notificationsWhere is the query of an account's notifications matching
// f, without those from accounts it blocks now, and its arguments.
func notificationsWhere(account domain.ID, f NotificationFilter) (string, []any) {
	args := []any{int64(account)}
	q := ` FROM notifications n WHERE n.account_id = $1
		AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1 AND b.target_account_id = n.from_account_id)`
	if !f.IncludeFiltered {
		q += ` AND n.filtered = FALSE`
	}
	in := func(vals []string) string {
		ph := make([]string, len(vals))
		for i, v := range vals {
			args = append(args, v)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		return strings.Join(ph, ", ")
	}
	if len(f.Types) > 0 {
		q += ` AND n.type IN (` + in(f.Types) + `)`
	}
	if len(f.ExcludeTypes) > 0 {
		q += ` AND n.type NOT IN (` + in(f.ExcludeTypes) + `)`
	}
	if f.FromAccount != 0 {
		args = append(args, int64(f.FromAccount))
		q += fmt.Sprintf(` AND n.from_account_id = $%d`, len(args))
	}
	return q, args
}

// UnreadNotifications counts, up to limit, an account's notifications
// matching f that are newer than its "notifications" read marker (all of
// them without a marker), as Mastodon's unread_count.
func (s *Store) UnreadNotifications(ctx context.Context, account domain.ID, f NotificationFilter, limit int) (int, error) {
	q, args := notificationsWhere(account, f)
	q += ` AND n.id > COALESCE((SELECT m.last_read_id FROM markers m WHERE m.account_id = $1 AND m.timeline = 'notifications'), 0)`
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1`+q+fmt.Sprintf(` LIMIT %d) unread`, max(limit, 1)), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread notifications: %w", err)
	}
	return n, nil
}

// Notifications returns a page of an account's notifications, without
// those from accounts it blocks now.
func (s *Store) Notifications(ctx context.Context, account domain.ID, f NotificationFilter, p domain.Page) ([]*domain.Notification, error) {
	where0, args := notificationsWhere(account, f)
	return s.notificationPage(ctx, where0, args, p)
}

// notificationPage loads the page p of the notifications that match
// where (a notificationsWhere clause, with its args), newest first.
func (s *Store) notificationPage(ctx context.Context, where string, args []any, p domain.Page) ([]*domain.Notification, error) {
	pw, order, pargs := PageClause("n.id", p, len(args)+1)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+notificationColumns+where+` AND `+pw+` ORDER BY `+order+
		fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)), append(args, pargs...)...)
	if err != nil {
		return nil, fmt.Errorf("load notifications: %w", err)
	}
	defer rows.Close()
	var out []*domain.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// NotificationByID loads one of an account's notifications.
func (s *Store) NotificationByID(ctx context.Context, account, id domain.ID) (*domain.Notification, error) {
	n, err := scanNotification(s.DB.R.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications n
		WHERE n.id = $1 AND n.account_id = $2`, int64(id), int64(account)))
	return n, notFound(err, "load notification")
}

// DismissNotification deletes one notification; unknown ids are not found.
func (s *Store) DismissNotification(ctx context.Context, account, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM notifications WHERE id = $1 AND account_id = $2`, int64(id), int64(account))
	if err != nil {
		return fmt.Errorf("dismiss notification: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// ClearNotifications deletes all of an account's notifications.
func (s *Store) ClearNotifications(ctx context.Context, account domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM notifications WHERE account_id = $1`, int64(account))
	return err
}

package store

import (
	"context"
	"fmt"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// InsertNotification records a notification inside the caller's
// transaction, unless the recipient is the actor, blocks the actor, or mutes
// the actor with hide_notifications; the recipient's notification policy
// then accepts it, filters it into a notification request (not listed nor
// streamed until accepted) or drops it. Every service creating
// notifications calls it so that these rules live in one place.
func (s *Store) InsertNotification(ctx context.Context, q db.Querier, n *domain.Notification) error {
	if n.AccountID == n.FromAccountID {
		return nil
	}
	verdict, err := s.notificationVerdict(ctx, q, n)
	if err != nil || verdict == PolicyDrop {
		return err
	}
	filtered := verdict == PolicyFilter
	n.ID = s.IDs.Next()
	n.CreatedAt = s.Now()
	res, err := q.ExecContext(ctx, `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at, filtered)
		SELECT $1, $2, $3, $4, $5, $6, $7
		WHERE NOT EXISTS (SELECT 1 FROM blocks WHERE account_id = $2 AND target_account_id = $3)
		  AND NOT EXISTS (SELECT 1 FROM mutes WHERE account_id = $2 AND target_account_id = $3
		                  AND hide_notifications = TRUE AND (expires_at IS NULL OR expires_at > $6))
		  AND NOT `+domainBlockedBy("$3", 2)+`
		  AND EXISTS (SELECT 1 FROM users WHERE account_id = $2)`,
		int64(n.ID), int64(n.AccountID), int64(n.FromAccountID), n.Type, nullID(n.StatusID), ms(n.CreatedAt), filtered)
	if err != nil {
		return fmt.Errorf("insert notification: %w", err)
	}
	if added, err := res.RowsAffected(); err != nil || added == 0 {
		return err // left out by a block or mute: nothing to stream
	}
	if filtered {
		return s.recordFilteredNotification(ctx, q, n)
	}
	return s.emit(ctx, q, Event{Kind: EventNotification, ID: n.ID, Account: n.AccountID})
}

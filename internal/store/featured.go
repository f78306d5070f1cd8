package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// MaxRemoteFeatured bounds the pinned posts kept of a remote account (its
// featured collection is read up to this many items).
const MaxRemoteFeatured = 20

// FeaturedStatuses returns an account's pinned public and unlisted posts,
// the most recently pinned first (its featured collection: followers-only
// and direct pins are never listed there).
func (s *Store) FeaturedStatuses(ctx context.Context, account domain.ID, limit int) ([]*domain.Status, error) {
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT p.status_id FROM pins p JOIN statuses st ON st.id = p.status_id
		WHERE p.account_id = $1 AND st.account_id = $1 AND st.visibility IN ('public', 'unlisted') AND st.reblog_of_id IS NULL
		ORDER BY p.created_at DESC, p.status_id DESC LIMIT $2`, int64(account), limit))
	if err != nil {
		return nil, fmt.Errorf("load featured statuses: %w", err)
	}
	byID, err := s.Statuses(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Status, 0, len(ids))
	for _, id := range ids {
		if st := byID[id]; st != nil {
			out = append(out, st)
		}
	}
	return out, nil
}

// PinRemote records a remote account's pin of one of its own statuses
// (an Add to its featured collection), keeping at most MaxRemoteFeatured.
func (s *Store) PinRemote(ctx context.Context, account, status domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error { return s.pinRemote(ctx, tx, account, status, s.nowMs()) })
}

func (s *Store) pinRemote(ctx context.Context, tx *sql.Tx, account, status domain.ID, at int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO pins (account_id, status_id, created_at)
		SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM statuses WHERE id = $2 AND account_id = $1)
		ON CONFLICT DO NOTHING`, int64(account), int64(status), at); err != nil {
		return fmt.Errorf("pin remote status: %w", err)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM pins WHERE account_id = $1 AND status_id NOT IN (
		SELECT status_id FROM pins WHERE account_id = $1 ORDER BY created_at DESC, status_id DESC LIMIT $2)`,
		int64(account), MaxRemoteFeatured)
	if err != nil {
		return fmt.Errorf("bound remote pins: %w", err)
	}
	return nil
}

// UnpinRemote removes a remote account's pin (a Remove from its featured
// collection).
func (s *Store) UnpinRemote(ctx context.Context, account, status domain.ID) error {
	if _, err := s.DB.W.ExecContext(ctx, `DELETE FROM pins WHERE account_id = $1 AND status_id = $2`, int64(account), int64(status)); err != nil {
		return fmt.Errorf("unpin remote status: %w", err)
	}
	return nil
}

// SetRemoteFeatured replaces a remote account's pins with statuses, in the
// order of its featured collection (the first is the most recent pin).
func (s *Store) SetRemoteFeatured(ctx context.Context, account domain.ID, statuses []domain.ID) error {
	if len(statuses) > MaxRemoteFeatured {
		statuses = statuses[:MaxRemoteFeatured]
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pins WHERE account_id = $1`, int64(account)); err != nil {
			return fmt.Errorf("clear remote pins: %w", err)
		}
		now := s.nowMs()
		for i, id := range statuses {
			// Older pins get earlier times, so that the collection's order
			// is kept (most recent first).
			if err := s.pinRemote(ctx, tx, account, id, now-int64(i)); err != nil {
				return err
			}
		}
		return nil
	})
}

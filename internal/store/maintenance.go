package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CleanupResult counts what Cleanup removed.
type CleanupResult struct {
	Codes, Sessions, IdempotencyKeys, Mutes int64
	FeedEntries                             int64 // home feed entries beyond HomeFeedSize
	InboxActivities                         int64 // processed activities older than InboxRetention
}

// InboxRetention is how long a processed inbox activity is kept (for
// dropping duplicates and for debugging). Signatures older than the
// allowed Date skew are refused anyway, so a replayed request cannot bring
// a pruned activity back.
const InboxRetention = 7 * 24 * time.Hour

// HomeFeedSize is how many entries a home feed keeps, as Mastodon's 800:
// older posts stay on their authors' profiles, in search and in lists.
const HomeFeedSize = 800

// trimBatch is how many feeds one write transaction trims, so that the
// SQLite writer is never held long.
const trimBatch = 200

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = time.Hour

// Cleanup removes expired authorization codes, web sessions, idempotency
// keys and mutes, processed inbox activities past their retention, and
// trims home feeds.
func (s *Store) Cleanup(ctx context.Context) (CleanupResult, error) {
	var r CleanupResult
	now := s.nowMs()
	steps := []struct {
		n   *int64
		sql string
		arg int64
	}{
		{&r.Codes, `DELETE FROM oauth_codes WHERE expires_at < $1`, now},
		{&r.Sessions, `DELETE FROM web_sessions WHERE expires_at < $1`, now},
		{&r.IdempotencyKeys, `DELETE FROM idempotency_keys WHERE created_at < $1`, now - IdempotencyWindow.Milliseconds()},
		{&r.Mutes, `DELETE FROM mutes WHERE expires_at IS NOT NULL AND expires_at < $1`, now},
		{&r.InboxActivities, `DELETE FROM inbox_activities WHERE processed_at IS NOT NULL AND received_at < $1`, now - InboxRetention.Milliseconds()},
	}
	for _, st := range steps {
		res, err := s.DB.W.ExecContext(ctx, st.sql, st.arg)
		if err != nil {
			return r, fmt.Errorf("cleanup: %w", err)
		}
		*st.n, _ = res.RowsAffected()
	}
	n, err := s.TrimHomeFeeds(ctx, HomeFeedSize)
	r.FeedEntries = n
	return r, err
}

// TrimHomeFeeds deletes the entries of each local account's home feed
// beyond the newest keep, a batch of accounts per transaction; each
// account costs one walk of its feed's primary-key index.
func (s *Store) TrimHomeFeeds(ctx context.Context, keep int) (int64, error) {
	var total int64
	var after int64
	for {
		var ids []int64
		rows, err := s.DB.R.QueryContext(ctx, `SELECT account_id FROM users WHERE account_id > $1 ORDER BY account_id LIMIT $2`, after, trimBatch)
		if err != nil {
			return total, fmt.Errorf("trim feeds: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return total, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			for _, id := range ids {
				res, err := tx.ExecContext(ctx, `DELETE FROM home_feed WHERE account_id = $1 AND status_id <
					(SELECT status_id FROM home_feed WHERE account_id = $1 ORDER BY status_id DESC LIMIT 1 OFFSET $2)`, id, keep-1)
				if err != nil {
					return fmt.Errorf("trim feed: %w", err)
				}
				n, _ := res.RowsAffected()
				total += n
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		after = ids[len(ids)-1]
	}
}

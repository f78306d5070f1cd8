package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// Block makes from block to. In the same transaction the follows and
// pending requests between them end both ways, and each one's statuses and
// boosts of them leave the other's home feed.
func (s *Store) Block(ctx context.Context, from, to domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		id := s.IDs.Next()
		res, err := tx.ExecContext(ctx, `INSERT INTO blocks (id, account_id, target_account_id, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, target_account_id) DO NOTHING`,
			int64(id), int64(from), int64(to), s.nowMs())
		if err != nil {
			return fmt.Errorf("insert block: %w", err)
		}
		for _, pair := range [][2]domain.ID{{from, to}, {to, from}} {
			if err := unfollow(ctx, tx, pair[0], pair[1]); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM home_feed WHERE account_id = $1 AND (author_id = $2 OR origin_author_id = $2)`,
				int64(pair[0]), int64(pair[1]))
			if err != nil {
				return fmt.Errorf("clean home feed: %w", err)
			}
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // blocked already
		}
		// The Block alone tells a remote server to end the follows both
		// ways (Mastodon and GoToSocial do so on receiving it).
		return s.federate(ctx, tx, Outgoing{Type: "Block", ActorID: from, TargetID: to, RowID: id, To: []domain.ID{to}})
	})
}

// Unblock removes from's block of to; a remote target hears the Undo.
func (s *Store) Unblock(ctx context.Context, from, to domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `DELETE FROM blocks WHERE account_id = $1 AND target_account_id = $2 RETURNING id`,
			int64(from), int64(to)).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("delete block: %w", err)
		}
		return s.federate(ctx, tx, Outgoing{Type: "Undo", Object: "Block", ActorID: from, TargetID: to, RowID: domain.ID(id), To: []domain.ID{to}})
	})
}

// Blocks pages the accounts account blocks, newest block first.
func (s *Store) Blocks(ctx context.Context, account domain.ID, p domain.Page) ([]Follow, error) {
	return s.pagedAccounts(ctx, blocksList, account, p)
}

// BlockedAmong returns those of ids that viewer blocks or that block viewer.
func (s *Store) BlockedAmong(ctx context.Context, viewer domain.ID, ids []domain.ID) (map[domain.ID]bool, error) {
	out := map[domain.ID]bool{}
	if len(ids) == 0 || viewer == 0 {
		return out, nil
	}
	in := placeholders(2, len(ids))
	got, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT target_account_id FROM blocks WHERE account_id = $1 AND target_account_id IN (`+in+`)
		UNION SELECT account_id FROM blocks WHERE target_account_id = $1 AND account_id IN (`+in+`)`,
		append([]any{int64(viewer)}, idArgs(ids)...)...))
	if err != nil {
		return nil, fmt.Errorf("load blocks: %w", err)
	}
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

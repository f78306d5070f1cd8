package store

import (
	"context"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// SetAccountNote saves from's private note about to; an empty comment
// deletes it.
func (s *Store) SetAccountNote(ctx context.Context, from, to domain.ID, comment string) error {
	var err error
	if comment == "" {
		_, err = s.DB.W.ExecContext(ctx, `DELETE FROM account_notes WHERE account_id = $1 AND target_account_id = $2`, int64(from), int64(to))
	} else {
		_, err = s.DB.W.ExecContext(ctx, `INSERT INTO account_notes (account_id, target_account_id, comment) VALUES ($1, $2, $3)
			ON CONFLICT (account_id, target_account_id) DO UPDATE SET comment = excluded.comment`, int64(from), int64(to), comment)
	}
	if err != nil {
		return fmt.Errorf("save account note: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// StatusIDsByURL returns the statuses whose ActivityPub id or web URL is
// exactly u, or whose id is localID (a local URL parsed by the caller; 0
// for none), optionally only those of author (0 for anyone).
func (s *Store) StatusIDsByURL(ctx context.Context, u string, localID, author domain.ID) ([]domain.ID, error) {
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT id FROM statuses WHERE uri = $1 AND uri <> ''
		UNION SELECT id FROM statuses WHERE url = $1 AND url <> ''
		UNION SELECT id FROM statuses WHERE id = $2`, u, int64(localID)))
	if err != nil {
		return nil, fmt.Errorf("find status by url: %w", err)
	}
	if author == 0 || len(ids) == 0 {
		return ids, nil
	}
	return scanIDs(s.DB.R.QueryContext(ctx, `SELECT id FROM statuses WHERE account_id = $1 AND id IN (`+
		placeholders(2, len(ids))+`) ORDER BY id DESC`, append([]any{int64(author)}, idArgs(ids)...)...))
}

// SuggestedAccounts returns local, discoverable, unsuspended accounts that
// viewer does not follow, block or is blocked by, most followed first.
func (s *Store) SuggestedAccounts(ctx context.Context, viewer domain.ID, limit int) ([]*domain.Account, error) {
	return s.queryAccounts(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE a.domain = '' AND a.discoverable = TRUE AND a.suspended_at IS NULL AND a.id <> $1
		  AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id AND u.approved = TRUE AND u.disabled = FALSE)
		  AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = a.id)
		  AND NOT EXISTS (SELECT 1 FROM follow_requests f WHERE f.account_id = $1 AND f.target_account_id = a.id)
		  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = $1 AND b.target_account_id = a.id)
		                  OR (b.account_id = a.id AND b.target_account_id = $1))
		  AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_account_id = a.id)
		  AND NOT EXISTS (SELECT 1 FROM suggestion_dismissals x WHERE x.account_id = $1 AND x.target_account_id = a.id)
		ORDER BY a.followers_count DESC, a.id DESC LIMIT $2`, int64(viewer), limit)
}

// DismissSuggestion keeps target out of viewer's suggestions; an unknown
// account is "not found".
func (s *Store) DismissSuggestion(ctx context.Context, viewer, target domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `INSERT INTO suggestion_dismissals (account_id, target_account_id)
		SELECT $1, id FROM accounts WHERE id = $2 ON CONFLICT DO NOTHING`, int64(viewer), int64(target))
	if err != nil {
		return fmt.Errorf("dismiss suggestion: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Account(ctx, target); err != nil {
			return err
		}
	}
	return nil
}

// DirectoryAccounts returns discoverable, unsuspended accounts for the
// profile directory: order "active" (latest post first) or "new" (newest
// account first); localOnly keeps local accounts only.
func (s *Store) DirectoryAccounts(ctx context.Context, order string, localOnly bool, limit, offset int) ([]*domain.Account, error) {
	cond := ""
	if localOnly {
		cond = ` AND a.domain = ''`
	}
	by := `a.last_status_at DESC NULLS LAST, a.id DESC`
	if order == "new" {
		by = `a.id DESC`
	}
	return s.queryAccounts(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE a.discoverable = TRUE AND a.suspended_at IS NULL AND a.moved_to_account_id IS NULL`+cond+`
		ORDER BY `+by+` LIMIT $1 OFFSET $2`, limit, offset)
}

func (s *Store) queryAccounts(ctx context.Context, q string, args ...any) ([]*domain.Account, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	defer rows.Close()
	out := []*domain.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

package store

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
)

// CountFollowRequests counts pending follow requests to an account.
func (s *Store) CountFollowRequests(ctx context.Context, accountID domain.ID) (int64, error) {
	var n int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM follow_requests WHERE target_account_id = $1`, int64(accountID)).Scan(&n)
	return n, err
}

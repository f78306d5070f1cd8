package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// Which servers may see an account's posts: what signed fetches from
// another server are checked against (internal/federation).

// BlocksDomain reports whether account hides domain (a user domain block):
// authorized fetch refuses that domain's signed fetches of the account's
// documents.
func (s *Store) BlocksDomain(ctx context.Context, account domain.ID, blocked string) (bool, error) {
	var one int
	err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM user_domain_blocks WHERE account_id = $1 AND domain = $2`, int64(account), blocked).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load user domain block: %w", err)
	}
	return true, nil
}

// FollowedFromDomain reports whether an account of host (lower case, with
// its port as accounts.domain has it) follows account: a followers-only
// post is then delivered to that server, which may also fetch it.
func (s *Store) FollowedFromDomain(ctx context.Context, account domain.ID, host string) (bool, error) {
	var one int
	err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id = $1 AND a.domain = $2 AND a.suspended_at IS NULL LIMIT 1`, int64(account), host).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load followers on %s: %w", host, err)
	}
	return true, nil
}

// MentionedOnDomain reports whether a status mentions an account of host
// (whose server may then fetch it).
func (s *Store) MentionedOnDomain(ctx context.Context, status domain.ID, host string) (bool, error) {
	var one int
	err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM mentions m JOIN accounts a ON a.id = m.account_id
		WHERE m.status_id = $1 AND a.domain = $2 LIMIT 1`, int64(status), host).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load mentions on %s: %w", host, err)
	}
	return true, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// PostingStanding is what the new-account restrictions need to know about
// a local author.
type PostingStanding struct {
	Role       domain.Role
	SignedUpAt time.Time
	// Trusted: marked trusted by a moderator, approved by a moderator
	// (registrations on approval), or created by the operator's tools
	// (agora admin create-user records no sign-up address).
	Trusted bool
}

// PostingStanding loads a local author's standing; not found for an
// account without a local user.
func (s *Store) PostingStanding(ctx context.Context, accountID domain.ID) (*PostingStanding, error) {
	var p PostingStanding
	var role, ip string
	var trustedAt sql.NullInt64
	var approved bool
	var created int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT u.role, u.sign_up_ip, u.trusted_at, u.created_at,
		EXISTS (SELECT 1 FROM moderation_audit_log l WHERE l.target_id = u.account_id AND l.action = 'account.approve')
		FROM users u WHERE u.account_id = $1`, int64(accountID)).Scan(&role, &ip, &trustedAt, &created, &approved)
	if err != nil {
		return nil, notFound(err, "load posting standing")
	}
	p.Role, p.SignedUpAt = domain.Role(role), fromMs(created)
	p.Trusted = trustedAt.Valid || approved || ip == ""
	return &p, nil
}

// StrangerMentions counts the accounts among ids, other than author, with
// no follow relation to author either way.
func (s *Store) StrangerMentions(ctx context.Context, author domain.ID, ids []domain.ID) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts a WHERE a.id IN (`+placeholders(2, len(ids))+`) AND a.id <> $1
		AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = a.id)
		AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.account_id = a.id AND f.target_account_id = $1)`,
		append([]any{int64(author)}, idArgs(ids)...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count stranger mentions: %w", err)
	}
	return n, nil
}

// RecentPost is one of an author's latest posts (boosts left out).
type RecentPost struct {
	Text      string
	CreatedAt time.Time
}

// RecentPosts returns an author's latest limit posts, newest first (held
// and removed ones included: they count for the heuristics too). It walks
// the (account_id, id) index backwards, so it costs limit rows however
// old the account is.
func (s *Store) RecentPosts(ctx context.Context, author domain.ID, limit int) ([]RecentPost, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT text, created_at FROM statuses
		WHERE account_id = $1 AND reblog_of_id IS NULL ORDER BY id DESC LIMIT $2`, int64(author), limit)
	if err != nil {
		return nil, fmt.Errorf("load recent posts: %w", err)
	}
	defer rows.Close()
	var out []RecentPost
	for rows.Next() {
		var p RecentPost
		var at int64
		if err := rows.Scan(&p.Text, &at); err != nil {
			return nil, err
		}
		p.CreatedAt = fromMs(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Invite is an invitation link.
type Invite struct {
	ID         domain.ID
	Code       string
	AccountID  domain.ID // who invites
	MaxUses    int64     // 0: unlimited
	Uses       int64
	ExpiresAt  *time.Time
	Autofollow bool
	Comment    string
	CreatedAt  time.Time
}

// Valid reports whether the invite can still be used at now.
func (i *Invite) Valid(now time.Time) bool {
	return (i.MaxUses == 0 || i.Uses < i.MaxUses) && (i.ExpiresAt == nil || i.ExpiresAt.After(now))
}

const inviteColumns = `id, code, account_id, max_uses, uses, expires_at, autofollow, comment, created_at`

func scanInvite(r scanner) (*Invite, error) {
	var i Invite
	var maxUses, expires sql.NullInt64
	var created int64
	if err := r.Scan(&i.ID, &i.Code, &i.AccountID, &maxUses, &i.Uses, &expires, &i.Autofollow, &i.Comment, &created); err != nil {
		return nil, err
	}
	i.MaxUses = maxUses.Int64
	i.ExpiresAt = optTime(expires)
	i.CreatedAt = fromMs(created)
	return &i, nil
}

// CreateInvite stores a new invite; at most maxActive valid invites per
// account (0: no limit).
func (s *Store) CreateInvite(ctx context.Context, i *Invite, maxActive int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if maxActive > 0 {
			var n int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invites WHERE account_id = $1
				AND (max_uses IS NULL OR uses < max_uses) AND (expires_at IS NULL OR expires_at > $2)`, int64(i.AccountID), s.nowMs()).Scan(&n)
			if err != nil {
				return fmt.Errorf("count invites: %w", err)
			}
			if n >= maxActive {
				return domain.Invalid("You have %d active invites: let some expire or revoke them first", n)
			}
		}
		i.ID, i.CreatedAt = s.IDs.Next(), s.Now()
		var maxUses any
		if i.MaxUses > 0 {
			maxUses = i.MaxUses
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO invites (`+inviteColumns+`) VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8)`,
			int64(i.ID), i.Code, int64(i.AccountID), maxUses, optMs(i.ExpiresAt), i.Autofollow, i.Comment, ms(i.CreatedAt))
		if err != nil {
			return fmt.Errorf("create invite: %w", err)
		}
		return nil
	})
}

// Invites lists an account's invites, newest first.
func (s *Store) Invites(ctx context.Context, account domain.ID, limit int) ([]*Invite, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE account_id = $1 ORDER BY id DESC LIMIT $2`,
		int64(account), limit)
	if err != nil {
		return nil, fmt.Errorf("load invites: %w", err)
	}
	defer rows.Close()
	var out []*Invite
	for rows.Next() {
		i, err := scanInvite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// InviteByCode loads an invite by its code (valid or not).
func (s *Store) InviteByCode(ctx context.Context, code string) (*Invite, error) {
	i, err := scanInvite(s.DB.R.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE code = $1`, code))
	if err != nil {
		return nil, notFound(err, "load invite")
	}
	return i, nil
}

// ExpireInvite ends one of account's invites now.
func (s *Store) ExpireInvite(ctx context.Context, account, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE invites SET expires_at = $3 WHERE id = $1 AND account_id = $2`,
		int64(id), int64(account), s.nowMs())
	if err != nil {
		return fmt.Errorf("expire invite: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// ErrInvalidInvite is a used-up, expired or unknown invite code.
var ErrInvalidInvite = domain.Invalid("invite_code: this invitation is invalid, used up or expired")

// useInvite counts one use of a valid invite in tx and returns it.
func (s *Store) useInvite(ctx context.Context, tx *sql.Tx, code string) (*Invite, error) {
	var id, inviter int64
	var autofollow bool
	err := tx.QueryRowContext(ctx, `UPDATE invites SET uses = uses + 1 WHERE code = $1
		AND (max_uses IS NULL OR uses < max_uses) AND (expires_at IS NULL OR expires_at > $2)
		RETURNING id, account_id, autofollow`, code, s.nowMs()).Scan(&id, &inviter, &autofollow)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrInvalidInvite
	}
	if err != nil {
		return nil, fmt.Errorf("use invite: %w", err)
	}
	return &Invite{ID: domain.ID(id), AccountID: domain.ID(inviter), Autofollow: autofollow}, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// CreatePasswordReset stores a reset token (by its hash) for a user,
// valid until expires. The user's earlier tokens, and every expired one,
// are deleted in the same transaction: only the newest link works, and
// the table needs no other sweeping.
func (s *Store) CreatePasswordReset(ctx context.Context, userID domain.ID, tokenHash string, expires time.Time) error {
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = $1 OR expires_at <= $2`,
			int64(userID), s.nowMs()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4)`, tokenHash, int64(userID), s.nowMs(), ms(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("create password reset: %w", err)
	}
	return nil
}

// PasswordResetUser returns the user a valid (known, unexpired) reset
// token belongs to, without using it up; else not found.
func (s *Store) PasswordResetUser(ctx context.Context, tokenHash string) (domain.ID, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT user_id FROM password_resets WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash, s.nowMs()).Scan(&id)
	if err != nil {
		return 0, notFound(err, "load password reset")
	}
	return domain.ID(id), nil
}

// ResetPassword uses up a valid reset token: in one transaction it sets
// the user's password hash, deletes every reset token of the user, and
// revokes all the user's web sessions and OAuth tokens (whoever knew the
// old password is signed out everywhere). An unknown, used or expired
// token is not found, so that two concurrent uses cannot both succeed.
func (s *Store) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (domain.ID, error) {
	var userID int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM password_resets WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id`,
			tokenHash, s.nowMs()).Scan(&userID)
		if err != nil {
			return notFound(err, "use password reset")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, passwordHash); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		for _, q := range []string{
			`DELETE FROM password_resets WHERE user_id = $1`,
			`DELETE FROM web_sessions WHERE user_id = $1`,
			`DELETE FROM oauth_tokens WHERE user_id = $1`,
			`DELETE FROM oauth_codes WHERE user_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("revoke credentials: %w", err)
			}
		}
		return nil
	})
	return domain.ID(userID), err
}

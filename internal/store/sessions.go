package store

import (
	"context"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// WebSession is a browser's login session. The session id itself is never
// stored, only its hash (see auth.HashSecret).
type WebSession struct {
	UserID    domain.ID
	CSRF      string // the form token of this session
	UserAgent string
	IP        string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession stores a web session under the hash of its id.
func (s *Store) CreateSession(ctx context.Context, idHash string, ws *WebSession) error {
	ws.CreatedAt = s.Now()
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO web_sessions (id_hash, user_id, csrf, user_agent, ip, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, idHash, int64(ws.UserID), ws.CSRF, ws.UserAgent, ws.IP,
		ms(ws.CreatedAt), ms(ws.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session loads a web session that has not expired; an expired or unknown
// session is not found.
func (s *Store) Session(ctx context.Context, idHash string) (*WebSession, error) {
	var (
		ws               WebSession
		created, expires int64
	)
	err := s.DB.R.QueryRowContext(ctx, `SELECT user_id, csrf, user_agent, ip, created_at, expires_at
		FROM web_sessions WHERE id_hash = $1 AND expires_at > $2`, idHash, s.nowMs()).
		Scan(&ws.UserID, &ws.CSRF, &ws.UserAgent, &ws.IP, &created, &expires)
	if err != nil {
		return nil, notFound(err, "load session")
	}
	ws.CreatedAt, ws.ExpiresAt = fromMs(created), fromMs(expires)
	return &ws, nil
}

// DeleteSession ends a web session; deleting an unknown session is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM web_sessions WHERE id_hash = $1`, idHash)
	return err
}

// DeleteUserSessions ends every web session of a user (password change,
// suspension).
func (s *Store) DeleteUserSessions(ctx context.Context, userID domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM web_sessions WHERE user_id = $1`, int64(userID))
	return err
}

// DeleteSettingIf removes a setting only when it still has value, and
// reports whether it did: the first-admin setup uses it to claim its
// one-time token, so that two concurrent requests cannot both use it.
func (s *Store) DeleteSettingIf(ctx context.Context, key, value string) (bool, error) {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM settings WHERE key = $1 AND value = $2`, key, value)
	if err != nil {
		return false, fmt.Errorf("delete setting %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

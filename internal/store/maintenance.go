package store

import (
	"context"
	"fmt"
	"time"
)

// CleanupResult counts what Cleanup removed.
type CleanupResult struct {
	Codes, Sessions, IdempotencyKeys, Mutes int64
}

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = time.Hour

// Cleanup removes expired authorization codes, web sessions, idempotency
// keys and mutes.
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
	}
	for _, st := range steps {
		res, err := s.DB.W.ExecContext(ctx, st.sql, st.arg)
		if err != nil {
			return r, fmt.Errorf("cleanup: %w", err)
		}
		*st.n, _ = res.RowsAffected()
	}
	return r, nil
}

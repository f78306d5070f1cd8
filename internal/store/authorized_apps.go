package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// AuthorizedApp is an OAuth application holding access tokens for a user:
// what the settings page lists so that its access can be revoked.
type AuthorizedApp struct {
	App          domain.App
	Scopes       domain.Scopes // the union of its tokens' scopes
	Tokens       int
	AuthorizedAt time.Time  // when its first token still held was issued
	LastUsedAt   *time.Time // the last use of any of its tokens, when known
}

// MaxAuthorizedApps bounds the list (the most recently authorized first).
const MaxAuthorizedApps = 200

// AuthorizedApps lists the applications holding tokens for userID, the
// most recently authorized first. Tokens without an application (made by
// `agora admin token`) are not listed.
func (s *Store) AuthorizedApps(ctx context.Context, userID domain.ID) ([]AuthorizedApp, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.id, a.name, a.website, a.redirect_uris, a.scopes, a.client_id, a.client_secret,
		a.created_at, t.scopes, t.created_at, t.last_used_at
		FROM oauth_tokens t JOIN oauth_apps a ON a.id = t.app_id
		WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC`, int64(userID))
	if err != nil {
		return nil, fmt.Errorf("list authorized apps: %w", err)
	}
	defer rows.Close()
	var out []AuthorizedApp
	index := map[domain.ID]int{}
	for rows.Next() {
		var (
			scopes  string
			created int64
			used    sql.NullInt64
		)
		dest := []any{&scopes, &created, &used}
		a, err := scanApp(appRowScanner{rows, dest})
		if err != nil {
			return nil, fmt.Errorf("list authorized apps: %w", err)
		}
		i, ok := index[a.ID]
		if !ok {
			if len(out) == MaxAuthorizedApps {
				continue
			}
			i = len(out)
			index[a.ID] = i
			out = append(out, AuthorizedApp{App: *a})
		}
		x := &out[i]
		x.Tokens++
		for _, sc := range strings.Fields(scopes) {
			if !slices.Contains(x.Scopes, sc) {
				x.Scopes = append(x.Scopes, sc)
			}
		}
		// Rows come newest first: the last one seen is the oldest token.
		x.AuthorizedAt = fromMs(created)
		if u := optTime(used); u != nil && (x.LastUsedAt == nil || u.After(*x.LastUsedAt)) {
			x.LastUsedAt = u
		}
	}
	return out, rows.Err()
}

// appRowScanner scans an application's columns followed by extra ones.
type appRowScanner struct {
	rows  *sql.Rows
	extra []any
}

func (r appRowScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra...)...) }

// RevokeAppAuthorization deletes every token and pending authorization
// code that appID holds for userID. It reports whether there was any.
func (s *Store) RevokeAppAuthorization(ctx context.Context, userID, appID domain.ID) (bool, error) {
	var n int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE user_id = $1 AND app_id = $2`, int64(userID), int64(appID))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM oauth_codes WHERE user_id = $1 AND app_id = $2`, int64(userID), int64(appID))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("revoke app: %w", err)
	}
	return n > 0, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// CreateApp registers an OAuth application.
func (s *Store) CreateApp(ctx context.Context, a *domain.App) error {
	a.ID = s.IDs.Next()
	a.CreatedAt = s.Now()
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO oauth_apps (id, name, website, redirect_uris, scopes, client_id, client_secret, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, int64(a.ID), a.Name, a.Website, strings.Join(a.RedirectURIs, "\n"),
		a.Scopes.String(), a.ClientID, a.ClientSecret, ms(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("create app: %w", err)
	}
	return nil
}

func scanApp(r scanner) (*domain.App, error) {
	var (
		a            domain.App
		uris, scopes string
		created      int64
	)
	if err := r.Scan(&a.ID, &a.Name, &a.Website, &uris, &scopes, &a.ClientID, &a.ClientSecret, &created); err != nil {
		return nil, err
	}
	a.RedirectURIs = strings.Split(uris, "\n")
	a.Scopes = strings.Fields(scopes)
	a.CreatedAt = fromMs(created)
	return &a, nil
}

const appColumns = `id, name, website, redirect_uris, scopes, client_id, client_secret, created_at`

// AppByClientID loads an application by its client id.
func (s *Store) AppByClientID(ctx context.Context, clientID string) (*domain.App, error) {
	a, err := scanApp(s.DB.R.QueryRowContext(ctx, `SELECT `+appColumns+` FROM oauth_apps WHERE client_id = $1`, clientID))
	return a, notFound(err, "load app")
}

// App loads an application by id.
func (s *Store) App(ctx context.Context, id domain.ID) (*domain.App, error) {
	a, err := scanApp(s.DB.R.QueryRowContext(ctx, `SELECT `+appColumns+` FROM oauth_apps WHERE id = $1`, int64(id)))
	return a, notFound(err, "load app")
}

// AuthCode is a pending authorization code.
type AuthCode struct {
	AppID               domain.ID
	UserID              domain.ID
	RedirectURI         string
	Scopes              domain.Scopes
	CodeChallenge       string
	CodeChallengeMethod string
	ExpiresAt           time.Time
}

// CreateAuthCode stores an authorization code under the hash of the code.
func (s *Store) CreateAuthCode(ctx context.Context, codeHash string, c AuthCode) error {
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO oauth_codes (code_hash, app_id, user_id, redirect_uri, scopes,
		code_challenge, code_challenge_method, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		codeHash, int64(c.AppID), int64(c.UserID), c.RedirectURI, c.Scopes.String(), c.CodeChallenge,
		c.CodeChallengeMethod, ms(c.ExpiresAt))
	return err
}

// ConsumeAuthCode loads a code and marks it used: a code is good for one
// exchange. A code presented again is not found, and the tokens issued
// from it are revoked, as RFC 6749 (4.1.2) asks: a replayed code may mean
// it was stolen.
func (s *Store) ConsumeAuthCode(ctx context.Context, codeHash string) (*AuthCode, error) {
	var (
		c       AuthCode
		scopes  string
		expires int64
		found   bool
	)
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE oauth_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL
			RETURNING app_id, user_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at`, codeHash, s.nowMs()).
			Scan(&c.AppID, &c.UserID, &c.RedirectURI, &scopes, &c.CodeChallenge, &c.CodeChallengeMethod, &expires)
		if err == nil {
			found = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("consume code: %w", err)
		}
		// Unknown, or used before: revoke what the first use issued.
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE code_hash = $1`, codeHash); err != nil {
			return fmt.Errorf("revoke tokens of a reused code: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, domain.NotFound()
	}
	c.Scopes = strings.Fields(scopes)
	c.ExpiresAt = fromMs(expires)
	return &c, nil
}

// CreateToken stores an access token under the hash of the token.
func (s *Store) CreateToken(ctx context.Context, tokenHash string, t *domain.Token) error {
	return s.CreateTokenFromCode(ctx, tokenHash, "", t)
}

// CreateTokenFromCode stores an access token issued for an authorization
// code (its hash), so that a replay of the code revokes the token.
func (s *Store) CreateTokenFromCode(ctx context.Context, tokenHash, codeHash string, t *domain.Token) error {
	t.ID = s.IDs.Next()
	t.CreatedAt = s.Now()
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO oauth_tokens (id, token_hash, app_id, user_id, scopes, code_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, int64(t.ID), tokenHash, nullID(t.AppID), nullID(t.UserID), t.Scopes.String(), codeHash, ms(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// TokenByHash loads a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (*domain.Token, error) {
	var (
		t         domain.Token
		app, user sql.NullInt64
		scopes    string
		created   int64
	)
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, app_id, user_id, scopes, created_at FROM oauth_tokens WHERE token_hash = $1`, tokenHash).
		Scan(&t.ID, &app, &user, &scopes, &created)
	if err != nil {
		return nil, notFound(err, "load token")
	}
	t.AppID, t.UserID = domain.ID(app.Int64), domain.ID(user.Int64)
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt = fromMs(created)
	return &t, nil
}

// RevokeToken deletes a token; revoking an unknown token is not an error,
// as RFC 7009 asks. When clientID is set the token must belong to that app.
func (s *Store) RevokeToken(ctx context.Context, tokenHash string, appID domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE token_hash = $1 AND (app_id = $2 OR $2 = 0)`, tokenHash, int64(appID))
	return err
}

// Authenticate loads a token with its user and account in one query; user
// and account are nil for client-credential tokens.
func (s *Store) Authenticate(ctx context.Context, tokenHash string) (*domain.Token, *domain.User, *domain.Account, error) {
	t, err := s.TokenByHash(ctx, tokenHash)
	if err != nil {
		return nil, nil, nil, err
	}
	if t.UserID == 0 {
		return t, nil, nil, nil
	}
	row := s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+`, `+accountColumns+`
		FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = $1`, int64(t.UserID))
	u, a, err := scanUserAccount(row)
	if err != nil {
		return nil, nil, nil, notFound(err, "load token user")
	}
	return t, u, a, nil
}

// scanUserAccount scans userColumns followed by accountColumns.
func scanUserAccount(r scanner) (*domain.User, *domain.Account, error) {
	var u userScan
	var a accountScan
	if err := r.Scan(append(u.dest(), a.dest()...)...); err != nil {
		return nil, nil, err
	}
	return u.finish(), a.finish(), nil
}

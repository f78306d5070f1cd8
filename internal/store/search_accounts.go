package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// AccountSearch is an account search by name or handle.
type AccountSearch struct {
	Q         string    // "name", "@name", "name@domain" or "@name@domain"
	LocalHost string    // this server's host: "name@LocalHost" means a local account
	Viewer    domain.ID // for Following
	Following bool      // only accounts viewer follows
	Limit     int
	Offset    int
}

// SearchAccountsRanked finds accounts whose username or display name starts
// with the query (case-insensitive), or whose handle starts with
// user@domain. Exact handle and username matches come first, then exact
// display names, then local accounts, then the most followed.
func (s *Store) SearchAccountsRanked(ctx context.Context, q AccountSearch) ([]*domain.Account, error) {
	text := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(q.Q), "@"))
	user, host, withHost := strings.Cut(text, "@")
	if withHost && host == strings.ToLower(q.LocalHost) {
		host = ""
	}
	args := []any{escapeLike(user) + "%", user, q.Limit, q.Offset}
	var cond, exact string
	if withHost {
		// A handle: the username and the domain, each by prefix; this
		// server's own domain names local accounts.
		cond = `lower(a.username) LIKE $1 ESCAPE '\'`
		if host == "" {
			cond += ` AND a.domain = ''`
			exact = `lower(a.username) = $2`
		} else {
			args = append(args, escapeLike(host)+"%", host)
			cond += ` AND a.domain LIKE $5 ESCAPE '\'`
			exact = `lower(a.username) = $2 AND a.domain = $6`
		}
	} else {
		cond = `(lower(a.username) LIKE $1 ESCAPE '\' OR lower(a.display_name) LIKE $1 ESCAPE '\')`
		exact = `lower(a.username) = $2`
	}
	if q.Following {
		args = append(args, int64(q.Viewer))
		cond += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $%d AND f.target_account_id = a.id)`, len(args))
	}
	return s.queryAccounts(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE `+cond+` AND a.suspended_at IS NULL
		ORDER BY (CASE WHEN `+exact+` THEN 0 WHEN lower(a.display_name) = $2 THEN 1 ELSE 2 END),
		         (CASE WHEN a.domain = '' THEN 0 ELSE 1 END), a.followers_count DESC, a.id
		LIMIT $3 OFFSET $4`, args...)
}

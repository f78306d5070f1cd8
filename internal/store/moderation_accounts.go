package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// AdminAccount is an account with its login, when local (the admin view).
type AdminAccount struct {
	Account *domain.Account
	User    *domain.User // nil for remote accounts
}

// AdminAccountFilter holds the v1 admin accounts filters.
type AdminAccountFilter struct {
	Local, Remote                                         bool
	Active, Pending, Disabled, Silenced, Suspended, Staff bool
	Username, Domain, Email                               string
}

// AdminAccounts lists accounts for moderators, newest first.
func (s *Store) AdminAccounts(ctx context.Context, f AdminAccountFilter, p domain.Page) ([]*AdminAccount, error) {
	where, order, args := PageClause("a.id", p, 1)
	conds := []string{where}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	switch {
	case f.Local:
		conds = append(conds, "a.domain = ''")
	case f.Remote:
		conds = append(conds, "a.domain <> ''")
	}
	switch {
	case f.Pending:
		conds = append(conds, "u.approved = FALSE")
	case f.Disabled:
		conds = append(conds, "u.disabled = TRUE")
	case f.Silenced:
		conds = append(conds, "a.silenced_at IS NOT NULL")
	case f.Suspended:
		conds = append(conds, "a.suspended_at IS NOT NULL")
	case f.Active:
		conds = append(conds, "a.suspended_at IS NULL")
	}
	if f.Staff {
		conds = append(conds, "u.role IN ('moderator', 'admin')")
	}
	if f.Username != "" {
		add("lower(a.username) LIKE ? ESCAPE '\\'", strings.ToLower(escapeLike(f.Username))+"%")
	}
	if f.Domain != "" {
		add("lower(a.domain) = ?", strings.ToLower(f.Domain))
	}
	if f.Email != "" {
		add("u.email LIKE ? ESCAPE '\\'", "%"+strings.ToLower(escapeLike(f.Email))+"%")
	}
	args = append(args, p.Limit)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+accountColumns+`, u.id FROM accounts a LEFT JOIN users u ON u.account_id = a.id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY `+order+fmt.Sprintf(" LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("admin accounts: %w", err)
	}
	var out []*AdminAccount
	var userIDs []domain.ID
	for rows.Next() {
		var x accountScan
		var uid *int64
		if err := rows.Scan(append(x.dest(), &uid)...); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &AdminAccount{Account: x.finish()})
		if uid != nil {
			userIDs = append(userIDs, domain.ID(*uid))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	for _, a := range out {
		if a.Account.Local() {
			u, err := s.UserByAccount(ctx, a.Account.ID)
			if err == nil {
				a.User = u
			} else if domain.KindOf(err) != domain.KindNotFound {
				return nil, err
			}
		}
	}
	if out == nil {
		out = []*AdminAccount{}
	}
	return out, nil
}

// AdminAccount loads one account with its login.
func (s *Store) AdminAccount(ctx context.Context, id domain.ID) (*AdminAccount, error) {
	a, err := s.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &AdminAccount{Account: a}
	if a.Local() {
		u, err := s.UserByAccount(ctx, id)
		if err != nil && domain.KindOf(err) != domain.KindNotFound {
			return nil, err
		}
		out.User = u
	}
	return out, nil
}

// UpdateRule changes a rule's text and hint.
func (s *Store) UpdateRule(ctx context.Context, id domain.ID, text, hint string) error {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE rules SET text = $2, hint = $3 WHERE id = $1`, int64(id), text, hint)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// DeleteRule removes a rule. Reports and decisions keep its id.
func (s *Store) DeleteRule(ctx context.Context, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM rules WHERE id = $1`, int64(id))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// ServiceAccount is a local account without a login that speaks for the
// server (the statements of reasons sent to other servers), found by its
// username or created, in q's transaction. A username already taken by a
// person is a conflict: the service never speaks through a member.
func (s *Store) ServiceAccount(ctx context.Context, q db.Querier, baseURL, username, displayName, note string) (*domain.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE lower(a.username) = $1 AND a.domain = ''`, strings.ToLower(username)))
	switch {
	case err == nil:
		var person bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE account_id = $1)`, int64(a.ID)).Scan(&person); err != nil {
			return nil, err
		}
		if person {
			return nil, domain.E(domain.KindConflict, "the username %s belongs to a member, not to the service", username)
		}
		return a, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("load service account: %w", err)
	}
	now := s.Now()
	a = &domain.Account{
		ID: s.IDs.Next(), Username: username, DisplayName: displayName, Note: note, NoteSource: note,
		Fields: []domain.Field{}, Bot: true, Locked: true,
		URI: baseURL + "/users/" + username, URL: baseURL + "/@" + username,
		InboxURL: baseURL + "/users/" + username + "/inbox", SharedInboxURL: baseURL + "/inbox",
		FollowersURL: baseURL + "/users/" + username + "/followers", CreatedAt: now, UpdatedAt: now,
	}
	if err := insertAccount(ctx, q, a); err != nil {
		return nil, fmt.Errorf("create service account: %w", err)
	}
	return a, nil
}

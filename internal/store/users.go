package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// NewLocalUser is what creating a local account needs.
type NewLocalUser struct {
	Username     string
	Email        string
	PasswordHash string
	Role         domain.Role
	Locale       string
	Approved     bool
	Confirmed    bool
	Reason       string
	SignUpIP     string
	BaseURL      string // the server's public URL, for the account's uri and url
	// InviteCode, when set, must name a valid invite: its use is counted in
	// the same transaction and, if it says so, the new account follows the
	// inviter.
	InviteCode string
}

// CreateLocalUser creates a local account and its user in one transaction.
// A taken username or email is a conflict.
func (s *Store) CreateLocalUser(ctx context.Context, n NewLocalUser) (*domain.User, *domain.Account, error) {
	now := s.Now()
	acct := &domain.Account{
		ID:           s.IDs.Next(),
		Username:     n.Username,
		Discoverable: true,
		Indexable:    true,
		Fields:       []domain.Field{},
		URI:          n.BaseURL + "/users/" + n.Username,
		URL:          n.BaseURL + "/@" + n.Username,
		InboxURL:     n.BaseURL + "/users/" + n.Username + "/inbox",
		FollowersURL: n.BaseURL + "/users/" + n.Username + "/followers",
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	acct.SharedInboxURL = n.BaseURL + "/inbox"
	u := &domain.User{
		ID:           s.IDs.Next(),
		AccountID:    acct.ID,
		Email:        strings.ToLower(n.Email),
		PasswordHash: n.PasswordHash,
		Role:         n.Role,
		Locale:       n.Locale,
		Approved:     n.Approved,
		Reason:       n.Reason,
		SignUpIP:     n.SignUpIP,
		CreatedAt:    now,
	}
	if u.Role == "" {
		u.Role = domain.RoleUser
	}
	if n.Confirmed {
		u.ConfirmedAt = &now
	}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var exists int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE email = $1`, u.Email).Scan(&exists)
		if err == nil {
			return domain.E(domain.KindConflict, "Email is already taken")
		} else if err != sql.ErrNoRows {
			return err
		}
		var invite *Invite
		if n.InviteCode != "" {
			if invite, err = s.useInvite(ctx, tx, n.InviteCode); err != nil {
				return err
			}
		}
		if err := insertAccount(ctx, tx, acct); err != nil {
			return err
		}
		var inviteID any
		if invite != nil {
			inviteID = int64(invite.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, account_id, email, password_hash, role, locale, approved,
			confirmed_at, reason, sign_up_ip, invite_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			int64(u.ID), int64(u.AccountID), u.Email, u.PasswordHash, string(u.Role), u.Locale, u.Approved,
			optMs(u.ConfirmedAt), u.Reason, u.SignUpIP, inviteID, ms(u.CreatedAt))
		if err != nil || invite == nil || !invite.Autofollow {
			return err
		}
		_, err = s.follow(ctx, tx, acct.ID, invite.AccountID, FollowOptions{}, true)
		return err
	})
	if err != nil {
		if domain.KindOf(err) != domain.KindInternal {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("create user: %w", err)
	}
	return u, acct, nil
}

const userColumns = `u.id, u.account_id, u.email, u.password_hash, u.role, u.locale, u.approved, u.disabled,
	u.confirmed_at, u.reason, u.sign_up_ip, u.preferences, u.created_at`

type userScan struct {
	u         domain.User
	role      string
	confirmed sql.NullInt64
	prefs     string
	created   int64
}

func (x *userScan) dest() []any {
	u := &x.u
	return []any{&u.ID, &u.AccountID, &u.Email, &u.PasswordHash, &x.role, &u.Locale, &u.Approved, &u.Disabled,
		&x.confirmed, &u.Reason, &u.SignUpIP, &x.prefs, &x.created}
}

func (x *userScan) finish() *domain.User {
	u := x.u
	u.Role = domain.Role(x.role)
	u.ConfirmedAt = optTime(x.confirmed)
	_ = json.Unmarshal([]byte(x.prefs), &u.Preferences)
	u.CreatedAt = fromMs(x.created)
	return &u
}

func scanUser(r scanner) (*domain.User, error) {
	var x userScan
	if err := r.Scan(x.dest()...); err != nil {
		return nil, err
	}
	return x.finish(), nil
}

// UserByEmail loads a user by email address (case-insensitive).
func (s *Store) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	u, err := scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`, strings.ToLower(email)))
	return u, notFound(err, "load user by email")
}

// UserByUsername loads the user of a local account.
func (s *Store) UserByUsername(ctx context.Context, username string) (*domain.User, error) {
	u, err := scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u JOIN accounts a ON a.id = u.account_id
		WHERE lower(a.username) = $1 AND a.domain = ''`, strings.ToLower(username)))
	return u, notFound(err, "load user by username")
}

// User loads a user by id.
func (s *Store) User(ctx context.Context, id domain.ID) (*domain.User, error) {
	u, err := scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, int64(id)))
	return u, notFound(err, "load user")
}

// UserByAccount loads the user of a local account.
func (s *Store) UserByAccount(ctx context.Context, accountID domain.ID) (*domain.User, error) {
	u, err := scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.account_id = $1`, int64(accountID)))
	return u, notFound(err, "load user by account")
}

// SetPreferences saves a user's preferences and locale.
func (s *Store) SetPreferences(ctx context.Context, userID domain.ID, p domain.Preferences, locale string) error {
	b, _ := json.Marshal(p)
	_, err := s.DB.W.ExecContext(ctx, `UPDATE users SET preferences = $2, locale = $3 WHERE id = $1`, int64(userID), string(b), locale)
	return err
}

// CountAdmins counts users with the admin role.
func (s *Store) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin'`).Scan(&n)
	return n, err
}

// Setting reads a server setting; ok is false when unset.
func (s *Store) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.DB.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&value)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting writes a server setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// DeleteSetting removes a server setting.
func (s *Store) DeleteSetting(ctx context.Context, key string) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM settings WHERE key = $1`, key)
	return err
}

// ApproveUser lets a user who signed up under approval log in.
func (s *Store) ApproveUser(ctx context.Context, userID domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE users SET approved = TRUE WHERE id = $1`, int64(userID))
	return err
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

const accountColumns = `a.id, a.username, a.domain, a.display_name, a.note, a.note_source, a.fields,
	a.locked, a.bot, a.discoverable, a.indexable, a.hide_collections, a.avatar_url, a.header_url,
	a.uri, a.url, a.inbox_url, a.shared_inbox_url, a.followers_url, a.public_key, a.private_key,
	a.followers_count, a.following_count, a.statuses_count, a.last_status_at, a.moved_to_account_id,
	a.suspended_at, a.silenced_at, a.created_at, a.updated_at`

type scanner interface{ Scan(dest ...any) error }

// accountScan holds the destinations of accountColumns, so that a query can
// scan an account beside other columns.
type accountScan struct {
	a                               domain.Account
	fields                          string
	lastStatus, suspended, silenced sql.NullInt64
	moved                           sql.NullInt64
	created, updated                int64
}

func (x *accountScan) dest() []any {
	a := &x.a
	return []any{&a.ID, &a.Username, &a.Domain, &a.DisplayName, &a.Note, &a.NoteSource, &x.fields,
		&a.Locked, &a.Bot, &a.Discoverable, &a.Indexable, &a.HideCollections, &a.AvatarURL, &a.HeaderURL,
		&a.URI, &a.URL, &a.InboxURL, &a.SharedInboxURL, &a.FollowersURL, &a.PublicKey, &a.PrivateKey,
		&a.FollowersCount, &a.FollowingCount, &a.StatusesCount, &x.lastStatus, &x.moved,
		&x.suspended, &x.silenced, &x.created, &x.updated}
}

func (x *accountScan) finish() *domain.Account {
	a := x.a
	if err := json.Unmarshal([]byte(x.fields), &a.Fields); err != nil || a.Fields == nil {
		a.Fields = []domain.Field{}
	}
	a.LastStatusAt = optTime(x.lastStatus)
	a.SuspendedAt = optTime(x.suspended)
	a.SilencedAt = optTime(x.silenced)
	a.MovedToAccountID = domain.ID(x.moved.Int64)
	a.CreatedAt = fromMs(x.created)
	a.UpdatedAt = fromMs(x.updated)
	return &a
}

func scanAccount(r scanner) (*domain.Account, error) {
	var x accountScan
	if err := r.Scan(x.dest()...); err != nil {
		return nil, err
	}
	return x.finish(), nil
}

// Account loads one account by id.
func (s *Store) Account(ctx context.Context, id domain.ID) (*domain.Account, error) {
	a, err := scanAccount(s.DB.R.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE a.id = $1`, int64(id)))
	return a, notFound(err, "load account")
}

// AccountByHandle loads an account by username and domain ("" for local),
// ignoring the case of the username.
func (s *Store) AccountByHandle(ctx context.Context, username, domainName string) (*domain.Account, error) {
	a, err := scanAccount(s.DB.R.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE lower(a.username) = $1 AND a.domain = $2`, strings.ToLower(username), strings.ToLower(domainName)))
	return a, notFound(err, "load account by handle")
}

// Accounts loads accounts by id, in no particular order; missing ids are skipped.
func (s *Store) Accounts(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Account, error) {
	out := make(map[domain.ID]*domain.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE a.id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out[a.ID] = a
	}
	return out, rows.Err()
}

// AccountsOrdered loads accounts in the order of ids, skipping missing ones.
func (s *Store) AccountsOrdered(ctx context.Context, ids []domain.ID) ([]*domain.Account, error) {
	m, err := s.Accounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Account, 0, len(ids))
	for _, id := range ids {
		if a := m[id]; a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// insertAccount inserts a new account row.
func insertAccount(ctx context.Context, q db.Querier, a *domain.Account) error {
	fields, _ := json.Marshal(a.Fields)
	if a.Fields == nil {
		fields = []byte("[]")
	}
	_, err := q.ExecContext(ctx, `INSERT INTO accounts (id, username, domain, display_name, note, note_source, fields,
		locked, bot, discoverable, indexable, hide_collections, avatar_url, header_url, uri, url, inbox_url,
		shared_inbox_url, followers_url, public_key, private_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		int64(a.ID), a.Username, a.Domain, a.DisplayName, a.Note, a.NoteSource, string(fields),
		a.Locked, a.Bot, a.Discoverable, a.Indexable, a.HideCollections, a.AvatarURL, a.HeaderURL, a.URI, a.URL,
		a.InboxURL, a.SharedInboxURL, a.FollowersURL, a.PublicKey, a.PrivateKey, ms(a.CreatedAt), ms(a.UpdatedAt))
	if db.IsUniqueViolation(err) {
		return domain.E(domain.KindConflict, "Username is already taken")
	}
	return err
}

// UpdateProfile saves the editable profile fields of an account.
func (s *Store) UpdateProfile(ctx context.Context, a *domain.Account) error {
	fields, _ := json.Marshal(a.Fields)
	if a.Fields == nil {
		fields = []byte("[]")
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name = $2, note = $3, note_source = $4, fields = $5,
			locked = $6, bot = $7, discoverable = $8, indexable = $9, hide_collections = $10, avatar_url = $11,
			header_url = $12, updated_at = $13 WHERE id = $1`,
			int64(a.ID), a.DisplayName, a.Note, a.NoteSource, string(fields), a.Locked, a.Bot, a.Discoverable,
			a.Indexable, a.HideCollections, a.AvatarURL, a.HeaderURL, s.nowMs())
		if err != nil {
			return fmt.Errorf("update profile: %w", err)
		}
		// Followers' servers keep a copy of the profile: send it again.
		return s.federate(ctx, tx, Outgoing{Type: "Update", Object: "Person", ActorID: a.ID, Followers: true})
	})
}

// SearchAccounts finds accounts whose username or display name starts with q
// (case-insensitive), local ones first; when following is set, only accounts
// viewer follows.
func (s *Store) SearchAccounts(ctx context.Context, q string, viewer domain.ID, following bool, limit, offset int) ([]*domain.Account, error) {
	q = strings.ToLower(strings.TrimPrefix(q, "@"))
	user, host, _ := strings.Cut(q, "@")
	pattern := escapeLike(user) + "%"
	args := []any{pattern, limit, offset}
	cond := `(lower(a.username) LIKE $1 ESCAPE '\' OR lower(a.display_name) LIKE $1 ESCAPE '\')`
	if host != "" {
		cond += ` AND a.domain LIKE $4 ESCAPE '\'`
		args = append(args, escapeLike(host)+"%")
	}
	if following {
		cond += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $%d AND f.target_account_id = a.id)`, len(args)+1)
		args = append(args, int64(viewer))
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE `+cond+` AND a.suspended_at IS NULL
		ORDER BY (CASE WHEN a.domain = '' THEN 0 ELSE 1 END), a.followers_count DESC, a.id
		LIMIT $2 OFFSET $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("search accounts: %w", err)
	}
	defer rows.Close()
	var out []*domain.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// CountLocalAccounts counts local, not suspended accounts.
func (s *Store) CountLocalAccounts(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE domain = '' AND suspended_at IS NULL`).Scan(&n)
	return n, err
}

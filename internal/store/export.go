package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// The account export (internal/export) reads an account's data here in
// batches, each batch read and closed before the caller sees it, so that a
// slow writer (a download) never holds a database connection or a SQLite
// read transaction open.

// exportBatch is how many rows one export query reads.
const exportBatch = 500

// Handle is an account as an export names it: username and domain ("" for
// a local account), its ActivityPub id ("" for a local account) and its
// row id.
type Handle struct {
	ID                    domain.ID
	Username, Domain, URI string
}

// FollowingRow is one account the exporting account follows.
type FollowingRow struct {
	Handle
	ShowReblogs, Notify bool
	Languages           string // comma separated, "" for all
}

// MuteRow is one muted account.
type MuteRow struct {
	Handle
	HideNotifications bool
}

// StatusRef names a status by what its ActivityPub id is made of: the
// stored URI, or for a local status (empty URI) its author and id.
type StatusRef struct {
	ID             domain.ID
	URI            string
	AuthorUsername string
}

// ListRow is one member of one of the exporting account's lists.
type ListRow struct {
	Title string
	Handle
}

// eachBatch runs query with ($1 owner, $2 cursor, $3 batch size) until a
// batch comes back short; scan reads one row and returns the next cursor.
func eachBatch[T any, C any](ctx context.Context, s *Store, query string, owner domain.ID, start C,
	scan func(*sql.Rows) (C, T, error), fn func(T) error) error {
	cursor := start
	for {
		rows, err := s.DB.R.QueryContext(ctx, query, int64(owner), cursor, exportBatch)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		batch := make([]T, 0, exportBatch)
		for rows.Next() {
			next, v, err := scan(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("export: %w", err)
			}
			cursor = next
			batch = append(batch, v)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		for _, v := range batch {
			if err := fn(v); err != nil {
				return err
			}
		}
		if len(batch) < exportBatch {
			return nil
		}
	}
}

// EachFollowing calls fn for each account that account follows, in the
// order of their ids.
func (s *Store) EachFollowing(ctx context.Context, account domain.ID, fn func(FollowingRow) error) error {
	return eachBatch(ctx, s, `SELECT a.id, a.username, a.domain, a.uri, x.show_reblogs, x.notify, x.languages
		FROM follows x JOIN accounts a ON a.id = x.target_account_id
		WHERE x.account_id = $1 AND x.target_account_id > $2 ORDER BY x.target_account_id LIMIT $3`,
		account, int64(0), func(r *sql.Rows) (int64, FollowingRow, error) {
			var (
				id int64
				f  FollowingRow
			)
			err := r.Scan(&id, &f.Username, &f.Domain, &f.URI, &f.ShowReblogs, &f.Notify, &f.Languages)
			f.ID = domain.ID(id)
			return id, f, err
		}, fn)
}

// EachBlocked calls fn for each account that account blocks.
func (s *Store) EachBlocked(ctx context.Context, account domain.ID, fn func(Handle) error) error {
	return eachBatch(ctx, s, `SELECT x.id, a.id, a.username, a.domain, a.uri
		FROM blocks x JOIN accounts a ON a.id = x.target_account_id
		WHERE x.account_id = $1 AND x.id > $2 ORDER BY x.id LIMIT $3`,
		account, int64(0), scanHandle, fn)
}

func scanHandle(r *sql.Rows) (int64, Handle, error) {
	var (
		id, account int64
		h           Handle
	)
	err := r.Scan(&id, &account, &h.Username, &h.Domain, &h.URI)
	h.ID = domain.ID(account)
	return id, h, err
}

// EachMuted calls fn for each account that account mutes (expired mutes
// left out).
func (s *Store) EachMuted(ctx context.Context, account domain.ID, fn func(MuteRow) error) error {
	now := ms(s.Now())
	return eachBatch(ctx, s, `SELECT a.id, a.username, a.domain, a.uri, x.hide_notifications
		FROM mutes x JOIN accounts a ON a.id = x.target_account_id
		WHERE x.account_id = $1 AND x.target_account_id > $2
		AND (x.expires_at IS NULL OR x.expires_at > `+fmt.Sprint(now)+`)
		ORDER BY x.target_account_id LIMIT $3`,
		account, int64(0), func(r *sql.Rows) (int64, MuteRow, error) {
			var (
				id int64
				m  MuteRow
			)
			err := r.Scan(&id, &m.Username, &m.Domain, &m.URI, &m.HideNotifications)
			m.ID = domain.ID(id)
			return id, m, err
		}, fn)
}

// EachBlockedDomain calls fn for each domain that account blocks.
func (s *Store) EachBlockedDomain(ctx context.Context, account domain.ID, fn func(string) error) error {
	return eachBatch(ctx, s, `SELECT domain FROM user_domain_blocks
		WHERE account_id = $1 AND domain > $2 ORDER BY domain LIMIT $3`,
		account, "", func(r *sql.Rows) (string, string, error) {
			var d string
			err := r.Scan(&d)
			return d, d, err
		}, fn)
}

// statusRefs reads StatusRefs from a relation table x (bookmarks,
// favourites) with an (account_id, id) index.
func (s *Store) statusRefs(ctx context.Context, table string, account domain.ID, fn func(StatusRef) error) error {
	return eachBatch(ctx, s, `SELECT x.id, st.id, st.uri, a.username
		FROM `+table+` x JOIN statuses st ON st.id = x.status_id JOIN accounts a ON a.id = st.account_id
		WHERE x.account_id = $1 AND x.id > $2 ORDER BY x.id LIMIT $3`,
		account, int64(0), func(r *sql.Rows) (int64, StatusRef, error) {
			var (
				id, sid int64
				ref     StatusRef
			)
			err := r.Scan(&id, &sid, &ref.URI, &ref.AuthorUsername)
			ref.ID = domain.ID(sid)
			return id, ref, err
		}, fn)
}

// EachBookmark calls fn for each status account bookmarked, oldest bookmark
// first.
func (s *Store) EachBookmark(ctx context.Context, account domain.ID, fn func(StatusRef) error) error {
	return s.statusRefs(ctx, "bookmarks", account, fn)
}

// EachFavourite calls fn for each status account favourited, oldest first.
func (s *Store) EachFavourite(ctx context.Context, account domain.ID, fn func(StatusRef) error) error {
	return s.statusRefs(ctx, "favourites", account, fn)
}

// EachListMember calls fn for each member of each of account's lists, list
// by list.
func (s *Store) EachListMember(ctx context.Context, account domain.ID, fn func(ListRow) error) error {
	return eachBatch(ctx, s, `SELECT m.id, l.title, a.id, a.username, a.domain, a.uri
		FROM list_accounts m JOIN lists l ON l.id = m.list_id JOIN accounts a ON a.id = m.account_id
		WHERE l.account_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3`,
		account, int64(0), func(r *sql.Rows) (int64, ListRow, error) {
			var (
				id, account int64
				row         ListRow
			)
			err := r.Scan(&id, &row.Title, &account, &row.Username, &row.Domain, &row.URI)
			row.ID = domain.ID(account)
			return id, row, err
		}, fn)
}

// EachOwnStatus calls fn for each of account's statuses and boosts, oldest
// first, with their attachments; statuses removed by a moderation decision
// are left out (they are kept only for the appeal, not handed out again).
func (s *Store) EachOwnStatus(ctx context.Context, account domain.ID, fn func(*domain.Status, []*Media) error) error {
	type item struct {
		st    *domain.Status
		media []*Media
	}
	query := `SELECT ` + statusColumns + ` FROM statuses s
		WHERE s.account_id = $1 AND s.id > $2 AND s.visibility <> '` + RemovedVisibility + `'
		ORDER BY s.id LIMIT $3`
	cursor := int64(0)
	for {
		rows, err := s.DB.R.QueryContext(ctx, query, int64(account), cursor, exportBatch)
		if err != nil {
			return fmt.Errorf("export statuses: %w", err)
		}
		var batch []item
		var ids []domain.ID
		for rows.Next() {
			st, err := scanStatus(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("export statuses: %w", err)
			}
			cursor = int64(st.ID)
			batch = append(batch, item{st: st})
			ids = append(ids, st.ID)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("export statuses: %w", err)
		}
		media, err := s.MediaOf(ctx, ids)
		if err != nil {
			return err
		}
		for _, it := range batch {
			if err := fn(it.st, media[it.st.ID]); err != nil {
				return err
			}
		}
		if len(batch) < exportBatch {
			return nil
		}
	}
}

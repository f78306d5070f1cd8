package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// PageItem is one row of a paginated list: Cursor is the id pagination
// runs on (a status id, or a favourite's or bookmark's row id), ID the item.
type PageItem struct {
	Cursor, ID domain.ID
}

// IDsOf returns the items' ids.
func IDsOf(items []PageItem) []domain.ID {
	out := make([]domain.ID, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// page runs q, a query selecting (cursor, id) with the markers {where} and
// {order} where PageClause's conditions and ordering go, over column col.
// Rows come newest first.
func (s *Store) page(ctx context.Context, q, col string, args []any, p domain.Page) ([]PageItem, error) {
	where, order, pargs := PageClause(col, p, len(args)+1)
	args = append(args, pargs...)
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	q = strings.NewReplacer("{where}", where, "{order}", order).Replace(q) + fmt.Sprintf(" LIMIT %d", limit)
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	defer rows.Close()
	var out []PageItem
	for rows.Next() {
		var c, id int64
		if err := rows.Scan(&c, &id); err != nil {
			return nil, err
		}
		out = append(out, PageItem{domain.ID(c), domain.ID(id)})
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// HomeTimelineSQL selects a page of a home feed, dropping authors and
// boosters the reader blocks, is blocked by, or mutes. Exported so tests
// can check its query plan.
var HomeTimelineSQL = `SELECT h.status_id, h.status_id FROM home_feed h
	WHERE h.account_id = $1 AND {where}
	  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1 AND b.target_account_id IN (h.author_id, h.origin_author_id))
	  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.target_account_id = $1 AND b.account_id IN (h.author_id, h.origin_author_id))
	  AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_account_id IN (h.author_id, h.origin_author_id)
	                  AND (m.expires_at IS NULL OR m.expires_at > $2))
	  AND ` + exclusiveListFilter + `
	ORDER BY {order}`

// exclusiveListFilter leaves out of the home timeline the authors that the
// reader put in an exclusive list: they are read in that list only.
var exclusiveListFilter = ExclusiveListAuthorFilter("h.author_id", 1)

// HomeTimeline returns a page of the reader's home feed.
func (s *Store) HomeTimeline(ctx context.Context, reader domain.ID, p domain.Page) ([]PageItem, error) {
	return s.page(ctx, HomeTimelineSQL, "h.status_id", []any{int64(reader), s.nowMs()}, p)
}

// viewerFilter excludes authors (column col) the viewer blocks, is blocked
// by or mutes; arg is the placeholder number of the viewer, now the one of
// the current time.
func viewerFilter(col string, viewer, now int) string {
	return fmt.Sprintf(` AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $%[2]d AND b.target_account_id = %[1]s)
	  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.target_account_id = $%[2]d AND b.account_id = %[1]s)
	  AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $%[2]d AND m.target_account_id = %[1]s
	                  AND (m.expires_at IS NULL OR m.expires_at > $%[3]d))
	  AND NOT %[4]s`, col, viewer, now, domainBlockedBy(col, viewer))
}

// PublicFilter selects the public timeline's scope.
type PublicFilter struct {
	Local, Remote bool
	OnlyMedia     bool // only statuses with media attachments
}

// withMedia keeps statuses (alias s) that have media attachments.
const withMedia = ` AND EXISTS (SELECT 1 FROM media_attachments ma WHERE ma.status_id = s.id)`

// PublicTimelineSQL returns the public timeline's query for the engine
// (exported for the query-plan test). The partial indexes statuses_public
// and statuses_public_local serve it; SQLite's planner prefers walking the
// rowid, which reads every non-public status on the way, so it is told
// which index to use.
func PublicTimelineSQL(d db.Dialect, f PublicFilter) string {
	from := `statuses s`
	if d == db.SQLite {
		from += ` INDEXED BY statuses_public`
		if f.Local {
			from += `_local`
		}
	}
	q := `SELECT s.id, s.id FROM ` + from + ` WHERE s.visibility = 'public' AND s.reblog_of_id IS NULL AND {where}
		AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)`
	switch {
	case f.Local:
		q += ` AND s.local = TRUE`
	case f.Remote:
		q += ` AND s.local = FALSE`
	}
	if f.OnlyMedia {
		q += withMedia
	}
	return q
}

// PublicTimeline returns public, original statuses (replies only to
// oneself, as Mastodon), without those of accounts the viewer blocks or mutes.
func (s *Store) PublicTimeline(ctx context.Context, viewer domain.ID, f PublicFilter, p domain.Page) ([]PageItem, error) {
	q := PublicTimelineSQL(s.DB.Dialect, f)
	args := []any{}
	if viewer != 0 {
		q += viewerFilter("s.account_id", 1, 2)
		args = append(args, int64(viewer), s.nowMs())
	}
	return s.page(ctx, q+` ORDER BY {order}`, "s.id", args, p)
}

// TagFilter selects a hashtag timeline: statuses with the tag or any of
// Any, with all of All and none of None (names lowercased).
type TagFilter struct {
	Tag            string
	Any, All, None []string
	Local          bool
	OnlyMedia      bool
}

// TagTimeline returns public statuses with the filter's tags.
func (s *Store) TagTimeline(ctx context.Context, viewer domain.ID, f TagFilter, p domain.Page) ([]PageItem, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	anyTags := append([]string{f.Tag}, f.Any...)
	names := make([]string, len(anyTags))
	for i, t := range anyTags {
		names[i] = arg(strings.ToLower(t))
	}
	q := `SELECT s.id, s.id FROM statuses s WHERE s.id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id
		WHERE t.name IN (` + strings.Join(names, ", ") + `))
		AND s.visibility = 'public' AND s.reblog_of_id IS NULL AND {where}`
	for _, t := range f.All {
		q += ` AND EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = s.id AND t.name = ` + arg(strings.ToLower(t)) + `)`
	}
	for _, t := range f.None {
		q += ` AND NOT EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = s.id AND t.name = ` + arg(strings.ToLower(t)) + `)`
	}
	if f.Local {
		q += ` AND s.local = TRUE`
	}
	if f.OnlyMedia {
		q += withMedia
	}
	if viewer != 0 {
		args = append(args, int64(viewer), s.nowMs())
		q += viewerFilter("s.account_id", len(args)-1, len(args))
	}
	return s.page(ctx, q+` ORDER BY {order}`, "s.id", args, p)
}

// AccountFilter holds the options of an account's statuses list.
type AccountFilter struct {
	Pinned, ExcludeReplies, ExcludeReblogs bool
	OnlyMedia                              bool
	Tagged                                 string
	// SeesPrivate: the viewer follows the author; Self: the viewer is the author.
	SeesPrivate, Self bool
	Viewer            domain.ID
}

// AccountStatusesSQL is the base of an account's statuses list (exported for
// the query-plan test).
const AccountStatusesSQL = `SELECT s.id, s.id FROM statuses s WHERE s.account_id = $1 AND {where}`

// AccountStatuses returns a page of an account's statuses that the viewer
// may see: all for the author; public, unlisted, private for followers and
// those mentioning the viewer; public and unlisted for others. The caller
// has checked blocks.
func (s *Store) AccountStatuses(ctx context.Context, account domain.ID, f AccountFilter, p domain.Page) ([]PageItem, error) {
	q := AccountStatusesSQL
	args := []any{int64(account)}
	if f.ExcludeReblogs {
		q += ` AND s.reblog_of_id IS NULL`
	}
	if f.ExcludeReplies {
		q += ` AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)`
	}
	if f.Pinned {
		q += ` AND s.id IN (SELECT status_id FROM pins WHERE account_id = $1)`
	}
	if f.OnlyMedia {
		q += withMedia
	}
	if f.Tagged != "" {
		args = append(args, strings.ToLower(f.Tagged))
		q += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = s.id AND t.name = $%d)`, len(args))
	}
	if !f.Self {
		vis := `'public', 'unlisted'`
		if f.SeesPrivate {
			vis += `, 'private'`
		}
		cond := `s.visibility IN (` + vis + `)`
		if f.Viewer != 0 {
			args = append(args, int64(f.Viewer))
			cond += fmt.Sprintf(` OR EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = $%d)`, len(args))
		}
		q += ` AND (` + cond + `)`
	}
	return s.page(ctx, q+` ORDER BY {order}`, "s.id", args, p)
}

// Favourites returns the account's favourites, paged by the favourite's id.
func (s *Store) Favourites(ctx context.Context, account domain.ID, p domain.Page) ([]PageItem, error) {
	return s.page(ctx, `SELECT f.id, f.status_id FROM favourites f WHERE f.account_id = $1 AND {where} ORDER BY {order}`, "f.id", []any{int64(account)}, p)
}

// Bookmarks returns the account's bookmarks, paged by the bookmark's id.
func (s *Store) Bookmarks(ctx context.Context, account domain.ID, p domain.Page) ([]PageItem, error) {
	return s.page(ctx, `SELECT b.id, b.status_id FROM bookmarks b WHERE b.account_id = $1 AND {where} ORDER BY {order}`, "b.id", []any{int64(account)}, p)
}

// FavouritedBy returns the accounts that favourited a status, paged by the
// favourite's id.
func (s *Store) FavouritedBy(ctx context.Context, status domain.ID, p domain.Page) ([]PageItem, error) {
	return s.page(ctx, `SELECT f.id, f.account_id FROM favourites f WHERE f.status_id = $1 AND {where} ORDER BY {order}`, "f.id", []any{int64(status)}, p)
}

// RebloggedBy returns the accounts that boosted a status, paged by the boost's id.
func (s *Store) RebloggedBy(ctx context.Context, status domain.ID, p domain.Page) ([]PageItem, error) {
	return s.page(ctx, `SELECT s.id, s.account_id FROM statuses s WHERE s.reblog_of_id = $1 AND {where} ORDER BY {order}`, "s.id", []any{int64(status)}, p)
}

// MaxThreadDepth bounds how far /context walks up and down a thread.
const MaxThreadDepth = 64

// MaxDescendants bounds how many replies /context loads.
const MaxDescendants = 1000

// Ancestors returns the ids of the statuses a status replies to, oldest first.
func (s *Store) Ancestors(ctx context.Context, id domain.ID) ([]domain.ID, error) {
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `WITH RECURSIVE anc(id, parent, depth) AS (
			SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = $1
			UNION ALL SELECT s.id, s.in_reply_to_id, a.depth + 1 FROM statuses s JOIN anc a ON s.id = a.parent WHERE a.depth < $2)
		SELECT id FROM anc WHERE id <> $1 ORDER BY id`, int64(id), MaxThreadDepth))
	if err != nil {
		return nil, fmt.Errorf("load ancestors: %w", err)
	}
	return ids, nil
}

// Descendants returns the ids of the replies to a status, recursively, in
// chronological order.
func (s *Store) Descendants(ctx context.Context, id domain.ID) ([]domain.ID, error) {
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `WITH RECURSIVE d(id, depth) AS (
			SELECT CAST($1 AS BIGINT), 0
			UNION ALL SELECT s.id, d.depth + 1 FROM statuses s JOIN d ON s.in_reply_to_id = d.id WHERE d.depth < $2)
		SELECT id FROM d WHERE id <> $1 ORDER BY id LIMIT $3`, int64(id), MaxThreadDepth, MaxDescendants))
	if err != nil {
		return nil, fmt.Errorf("load descendants: %w", err)
	}
	return ids, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// createRemoteStatusesTx is createRemoteStatusTx for a batch, with set-based
// SQL where the work is the same for every status: one query finds the
// known uris, one the taken ids, one statement inserts the mentions, one
// the tags of the statuses, one fans the batch out to the home feeds, one
// finds the authors whose followers asked for notifications, and on
// PostgreSQL one sends the events; the status rows go in one multi-row
// INSERT and the authors' counters in one UPDATE (ingest_insert.go). Only
// polls, media and reply counts are written per status. created[i] tells
// whether ws[i] was stored.
func (s *Store) createRemoteStatusesTx(ctx context.Context, tx *sql.Tx, q db.Querier, ws []*RemoteStatusWrite, created []bool) error {
	// A uri known, or earlier in the batch, is not stored again.
	known, err := s.knownURIs(ctx, q, ws)
	if err != nil {
		return err
	}
	var fresh []*RemoteStatusWrite
	for i, w := range ws {
		if w.Status.URI != "" && known[w.Status.URI] {
			continue
		}
		known[w.Status.URI] = true
		created[i] = true
		fresh = append(fresh, w)
	}
	if len(fresh) == 0 {
		return nil
	}
	if err := s.freeRemoteIDs(ctx, q, fresh); err != nil {
		return err
	}
	if err := s.insertRemoteStatuses(ctx, q, fresh); err != nil {
		return err
	}
	var parents []domain.ID
	for _, w := range fresh {
		st := w.Status
		if w.Poll != nil {
			w.Poll.StatusID = st.ID
			if err := s.insertPoll(ctx, q, w.Poll); err != nil {
				return err
			}
		}
		for i, m := range w.Media {
			now := s.nowMs()
			_, err := q.ExecContext(ctx, `INSERT INTO media_attachments (id, account_id, status_id, position, type, content_type,
				file_key, remote_url, description, blurhash, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $10)`,
				int64(s.IDs.Next()), int64(st.AccountID), int64(st.ID), i, m.Type, m.ContentType, m.RemoteURL, m.Description, m.Blurhash, now)
			if err != nil {
				return fmt.Errorf("insert remote media: %w", err)
			}
		}
		if st.InReplyToID != 0 {
			parents = append(parents, st.InReplyToID)
		}
	}
	// Rows that batches stored at once on PostgreSQL may share are locked
	// in one order: authors by id (insertRemoteStatuses), replied-to
	// statuses by id, tags by name.
	slices.Sort(parents)
	for _, id := range parents {
		if _, err := q.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count + 1 WHERE id = $1`, int64(id)); err != nil {
			return fmt.Errorf("count reply: %w", err)
		}
	}
	if err := s.insertMentionsAndTags(ctx, q, fresh); err != nil {
		return err
	}
	if err := fanOutRemoteBatch(ctx, q, fresh); err != nil {
		return err
	}
	if err := s.emitUpdates(ctx, tx, fresh); err != nil {
		return err
	}
	notified, err := authorsWithNotifiedFollowers(ctx, q, fresh)
	if err != nil {
		return err
	}
	for _, w := range fresh {
		st := w.Status
		if err := s.notifyMentions(ctx, tx, st, st.MentionedAccountIDs); err != nil {
			return err
		}
		if w.NotifyFollowers && notified[st.AccountID] {
			if err := s.notifyFollowers(ctx, tx, st); err != nil {
				return err
			}
		}
	}
	return nil
}

// knownURIs returns the uris of ws already stored.
func (s *Store) knownURIs(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) (map[string]bool, error) {
	known := map[string]bool{}
	args := make([]any, 0, len(ws))
	for _, w := range ws {
		if w.Status.URI != "" {
			args = append(args, w.Status.URI)
		}
	}
	if len(args) == 0 {
		return known, nil
	}
	// uri <> '' lets the lookup use the partial unique index statuses_uri.
	rows, err := q.QueryContext(ctx, `SELECT uri FROM statuses WHERE uri IN (`+placeholders(1, len(args))+`) AND uri <> ''`, args...)
	if err != nil {
		return nil, fmt.Errorf("check status uris: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		known[u] = true
	}
	return known, rows.Err()
}

// freeRemoteIDs is freeRemoteID for a batch: ids taken (stored, or drawn
// twice in the batch) are drawn again in their millisecond.
func (s *Store) freeRemoteIDs(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) error {
	for range 8 {
		ids := make([]domain.ID, len(ws))
		for i, w := range ws {
			ids[i] = w.Status.ID
		}
		taken, err := scanIDs(q.QueryContext(ctx, `SELECT id FROM statuses WHERE id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...))
		if err != nil {
			return fmt.Errorf("check status ids: %w", err)
		}
		busy := map[domain.ID]bool{}
		for _, id := range taken {
			busy[id] = true
		}
		redrawn := false
		seen := map[domain.ID]bool{}
		for _, w := range ws {
			st := w.Status
			if !busy[st.ID] && !seen[st.ID] {
				seen[st.ID] = true
				continue
			}
			old := st.ID
			st.ID = s.IDs.At(fromMs(int64(old) >> 16))
			if st.ConversationID == old {
				st.ConversationID = st.ID
			}
			redrawn = true
		}
		if !redrawn {
			return nil
		}
	}
	return fmt.Errorf("insert remote statuses: no free ids")
}

// insertMentionsAndTags is setMentionsAndTags for new statuses (nothing to
// clear): the mentions in one statement; each tag of the batch upserted
// once, and the statuses' tags in one statement.
func (s *Store) insertMentionsAndTags(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) error {
	var margs []any
	var values []string
	for _, w := range ws {
		for _, a := range w.Status.MentionedAccountIDs {
			values = append(values, fmt.Sprintf("($%d, $%d)", len(margs)+1, len(margs)+2))
			margs = append(margs, int64(w.Status.ID), int64(a))
		}
	}
	if len(values) > 0 {
		if _, err := q.ExecContext(ctx, `INSERT INTO mentions (status_id, account_id) VALUES `+strings.Join(values, ", ")+` ON CONFLICT DO NOTHING`, margs...); err != nil {
			return fmt.Errorf("insert mentions: %w", err)
		}
	}
	// Each tag once, in name order (the lock order of concurrent batches),
	// displayed as first written.
	display := map[string]string{}
	var names []string
	for _, w := range ws {
		for _, t := range w.Status.Tags {
			name := strings.ToLower(t)
			if _, ok := display[name]; !ok {
				display[name] = t
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	tagIDs := map[string]int64{}
	now := s.nowMs()
	for _, name := range names {
		var id int64
		err := q.QueryRowContext(ctx, `INSERT INTO tags (id, name, display_name, created_at, last_status_at) VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (name) DO UPDATE SET last_status_at = excluded.last_status_at RETURNING id`, int64(s.IDs.Next()), name, display[name], now).Scan(&id)
		if err != nil {
			return fmt.Errorf("upsert tag: %w", err)
		}
		tagIDs[name] = id
	}
	var targs []any
	values = values[:0]
	for _, w := range ws {
		for _, t := range w.Status.Tags {
			values = append(values, fmt.Sprintf("($%d, $%d)", len(targs)+1, len(targs)+2))
			targs = append(targs, tagIDs[strings.ToLower(t)], int64(w.Status.ID))
		}
	}
	if len(values) > 0 {
		if _, err := q.ExecContext(ctx, `INSERT INTO status_tags (tag_id, status_id) VALUES `+strings.Join(values, ", ")+` ON CONFLICT DO NOTHING`, targs...); err != nil {
			return fmt.Errorf("tag statuses: %w", err)
		}
	}
	return nil
}

// fanOutRemoteBatch is fanOutRemote for a batch: the statuses that are not
// direct enter their authors' local followers' feeds in one statement
// (direct ones, rare, go to their mentioned readers one by one).
func fanOutRemoteBatch(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) error {
	var ids []domain.ID
	for _, w := range ws {
		if w.Status.Visibility == domain.Direct {
			if err := fanOutRemote(ctx, q, w.Status); err != nil {
				return err
			}
			continue
		}
		ids = append(ids, w.Status.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	// Readers who block the author's domain get nothing (see fanOutRemote).
	_, err := q.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
		SELECT f.account_id, s.id, s.account_id, s.account_id
		FROM statuses s JOIN follows f ON f.target_account_id = s.account_id JOIN users u ON u.account_id = f.account_id
		WHERE s.id IN (`+placeholders(1, len(ids))+`)
		  AND NOT EXISTS (SELECT 1 FROM user_domain_blocks ub WHERE ub.account_id = f.account_id
			AND ub.domain = (SELECT da.domain FROM accounts da WHERE da.id = s.account_id))
		ON CONFLICT DO NOTHING`, idArgs(ids)...)
	if err != nil {
		return fmt.Errorf("fan out remote statuses: %w", err)
	}
	return nil
}

// emitUpdates announces the new statuses: emit's events, on PostgreSQL in
// one statement rather than a pg_notify round trip each.
func (s *Store) emitUpdates(ctx context.Context, tx *sql.Tx, ws []*RemoteStatusWrite) error {
	if s.DB.Dialect != db.Postgres {
		for _, w := range ws {
			if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: w.Status.ID, Account: w.Status.AccountID}); err != nil {
				return err
			}
		}
		return nil
	}
	ch, err := s.EventChannel(ctx)
	if err != nil {
		return err
	}
	args := []any{ch}
	values := make([]string, len(ws))
	for i, w := range ws {
		b, err := json.Marshal(Event{Kind: EventUpdate, ID: w.Status.ID, Account: w.Status.AccountID})
		if err != nil {
			return fmt.Errorf("encode event: %w", err)
		}
		values[i] = fmt.Sprintf("pg_notify($1, $%d)", len(args)+1)
		args = append(args, string(b))
	}
	if _, err := tx.ExecContext(ctx, `SELECT `+strings.Join(values, ", "), args...); err != nil {
		return fmt.Errorf("notify events: %w", err)
	}
	return nil
}

// authorsWithNotifiedFollowers returns the authors of ws with a local
// follower who asked to be notified of their posts (most have none: then
// notifyFollowers is not run).
func authorsWithNotifiedFollowers(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) (map[domain.ID]bool, error) {
	out := map[domain.ID]bool{}
	var authors []domain.ID
	for _, w := range ws {
		if w.NotifyFollowers && !out[w.Status.AccountID] {
			out[w.Status.AccountID] = true
			authors = append(authors, w.Status.AccountID)
		}
	}
	clear(out)
	if len(authors) == 0 {
		return out, nil
	}
	ids, err := scanIDs(q.QueryContext(ctx, `SELECT DISTINCT f.target_account_id FROM follows f JOIN users u ON u.account_id = f.account_id
		WHERE f.target_account_id IN (`+placeholders(2, len(authors))+`) AND f.notify = $1`, append([]any{true}, idArgs(authors)...)...))
	if err != nil {
		return nil, fmt.Errorf("find notified followers: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// insertStatusesChunk bounds the rows of one multi-row INSERT (19
// parameters each, far below SQLite's 32,766 and PostgreSQL's 65,535;
// SQLite's driver looks each "$N" up in a list, which costs the square of
// the parameters of one statement).
const insertStatusesChunk = 20

// insertStatusColumns are insertStatus's columns; insertRemoteStatuses
// writes the same row for each status.
const insertStatusColumns = `id, account_id, uri, url, local, content, text, spoiler_text,
	sensitive, visibility, language, in_reply_to_id, in_reply_to_account_id, reblog_of_id, conversation_id,
	application_id, imported, created_at, quote_policy`

const insertStatusParams = 19

func statusRowArgs(st *domain.Status) []any {
	return []any{int64(st.ID), int64(st.AccountID), st.URI, st.URL, st.Local, st.Content, st.Text, st.SpoilerText,
		st.Sensitive, string(st.Visibility), st.Language, nullID(st.InReplyToID), nullID(st.InReplyToAccountID),
		nullID(st.ReblogOfID), int64(st.ConversationID), nullID(st.ApplicationID), st.Imported, ms(st.CreatedAt), st.QuotePolicy}
}

// insertRemoteStatuses is insertStatus for a batch: the rows in one
// INSERT per insertStatusesChunk statuses (the search triggers still run
// for each row), and each author's counter once, in one UPDATE, however
// many of the batch's statuses are theirs. On PostgreSQL that is a few
// round trips for 50 notes instead of 100.
//
// The rows go in id order: SQLite's full-text index (FTS5) keeps the rows
// of a transaction in memory while their ids ascend, and writes them out
// as a new segment, to be merged later, each time an id is lower than the
// one before (remote ids follow the notes' published times, in no order):
// in received order that was most of the index's cost.
//
// An id another transaction took meanwhile (PostgreSQL stores several
// batches at once; freeRemoteIDs sees only committed ids) is skipped by
// ON CONFLICT and drawn again in its millisecond.
func (s *Store) insertRemoteStatuses(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) error {
	// freeRemoteIDs made the batch's ids distinct; ids drawn again stay so.
	used := make(map[domain.ID]bool, len(ws))
	for _, w := range ws {
		used[w.Status.ID] = true
	}
	todo := slices.Clone(ws)
	for range 8 {
		slices.SortFunc(todo, func(a, b *RemoteStatusWrite) int { return cmp.Compare(a.Status.ID, b.Status.ID) })
		var again []*RemoteStatusWrite
		for chunk := range slices.Chunk(todo, insertStatusesChunk) {
			skipped, err := insertStatusRows(ctx, q, chunk)
			if err != nil {
				return err
			}
			again = append(again, skipped...)
		}
		if len(again) == 0 {
			return s.countAuthorsStatuses(ctx, q, ws)
		}
		for _, w := range again {
			st := w.Status
			old := st.ID
			for used[st.ID] {
				st.ID = s.IDs.At(fromMs(int64(old) >> 16))
			}
			used[st.ID] = true
			if st.ConversationID == old {
				st.ConversationID = st.ID
			}
		}
		todo = again
	}
	return fmt.Errorf("insert remote statuses: no free ids")
}

// insertStatusRows inserts the statuses of ws in one statement and returns
// those whose id was taken.
func insertStatusRows(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) (skipped []*RemoteStatusWrite, err error) {
	args := make([]any, 0, len(ws)*insertStatusParams)
	var b strings.Builder
	b.WriteString(`INSERT INTO statuses (` + insertStatusColumns + `) VALUES `)
	for i, w := range ws {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders(len(args)+1, insertStatusParams) + ")")
		args = append(args, statusRowArgs(w.Status)...)
	}
	b.WriteString(` ON CONFLICT (id) DO NOTHING RETURNING id`)
	ids, err := scanIDs(q.QueryContext(ctx, b.String(), args...))
	if err != nil {
		return nil, fmt.Errorf("insert statuses: %w", err)
	}
	if len(ids) == len(ws) {
		return nil, nil
	}
	stored := make(map[domain.ID]bool, len(ids))
	for _, id := range ids {
		stored[id] = true
	}
	for _, w := range ws {
		if !stored[w.Status.ID] {
			skipped = append(skipped, w)
		}
	}
	return skipped, nil
}

// countAuthorsStatuses adds the statuses to their authors' counters and
// last status times, in one statement; on PostgreSQL their rows are
// locked in id order first.
func (s *Store) countAuthorsStatuses(ctx context.Context, q db.Querier, ws []*RemoteStatusWrite) error {
	type count struct {
		id   domain.ID
		n    int64
		last int64
	}
	by := map[domain.ID]*count{}
	var counts []*count
	for _, w := range ws {
		st := w.Status
		c := by[st.AccountID]
		if c == nil {
			c = &count{id: st.AccountID}
			by[st.AccountID] = c
			counts = append(counts, c)
		}
		c.n++
		c.last = max(c.last, ms(st.CreatedAt))
	}
	slices.SortFunc(counts, func(a, b *count) int { return cmp.Compare(a.id, b.id) })
	if s.DB.Dialect == db.Postgres {
		// Batches stored at once lock their authors' rows in one order
		// (by id), so that they wait for one another but never deadlock
		// (an UPDATE ... FROM locks rows in the order of its plan).
		ids := make([]any, len(counts))
		for i, c := range counts {
			ids[i] = int64(c.id)
		}
		if _, err := scanIDs(q.QueryContext(ctx, `SELECT id FROM accounts WHERE id IN (`+placeholders(1, len(ids))+`)
			ORDER BY id FOR NO KEY UPDATE`, ids...)); err != nil {
			return fmt.Errorf("lock authors: %w", err)
		}
	}
	args := make([]any, 0, 3*len(counts))
	values := make([]string, len(counts))
	for i, c := range counts {
		n := len(args)
		values[i] = fmt.Sprintf("(CAST($%d AS BIGINT), CAST($%d AS BIGINT), CAST($%d AS BIGINT))", n+1, n+2, n+3)
		args = append(args, int64(c.id), c.n, c.last)
	}
	// VALUES names its columns column1, column2, ... on both engines.
	_, err := q.ExecContext(ctx, `UPDATE accounts SET statuses_count = statuses_count + v.column2,
		last_status_at = CASE WHEN last_status_at IS NULL OR last_status_at < v.column3 THEN v.column3 ELSE last_status_at END
		FROM (VALUES `+strings.Join(values, ", ")+`) AS v WHERE accounts.id = v.column1`, args...)
	if err != nil {
		return fmt.Errorf("count statuses: %w", err)
	}
	return nil
}

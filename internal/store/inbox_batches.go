package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// The inbox's durable queue is the inbox_activities table itself: a
// pending row (processed_at NULL) is claimed in batches by the inbox
// worker, which then marks it processed or sets its next try. This costs
// one write transaction per batch instead of a job row inserted, fetched
// and completed per activity (docs/performance.md, "Federation ingest").

// InsertInboxActivities stores received activities in one transaction
// (the inbox's group commit). An activity whose id was already received,
// earlier or earlier in the same batch, is dropped: its inserted entry is
// false. Each row is pending from now on.
//
// Up to inboxInsertChunk activities are ONE statement, its own
// transaction: on PostgreSQL one round trip and one WAL flush for the
// group instead of BEGIN, a round trip per row and COMMIT (the inbox's
// groups are small there, as its commits are quick).
func (s *Store) InsertInboxActivities(ctx context.Context, acts []*InboxActivity) (inserted []bool, err error) {
	inserted = make([]bool, len(acts))
	now := s.nowMs()
	index := make(map[domain.ID]int, len(acts))
	for i, a := range acts {
		a.ID = s.IDs.Next()
		a.ReceivedAt = now
		index[a.ID] = i
	}
	insert := func(q db.Querier, chunk []*InboxActivity) error {
		args := make([]any, 0, len(chunk)*inboxInsertParams)
		for _, a := range chunk {
			args = append(args, int64(a.ID), a.ActivityID, a.Type, a.ActorURI, a.KeyID,
				nullID(a.RecipientAccountID), a.Body, a.ReceivedAt)
		}
		ids, err := scanIDs(q.QueryContext(ctx, insertInboxActivities(len(chunk)), args...))
		if err != nil {
			return err
		}
		for _, id := range ids {
			if i, ok := index[id]; ok {
				inserted[i] = true
			}
		}
		return nil
	}
	if len(acts) <= inboxInsertChunk {
		err = insert(s.DB.W, acts)
	} else {
		var unprepared []string
		err = s.Tx(ctx, func(tx *sql.Tx) error {
			q := db.Querier(tx) // pgx caches statements per connection
			if s.DB.Dialect == db.SQLite {
				// The writer pool's statements, parsed once.
				c := newTxStmts(tx, s.DB.W)
				defer func() { unprepared = c.close() }()
				q = c
			}
			for chunk := range slices.Chunk(acts, inboxInsertChunk) {
				if err := insert(q, chunk); err != nil {
					return err
				}
			}
			return nil
		})
		s.DB.W.Warm(ctx, unprepared)
	}
	if err != nil {
		clear(inserted)
		return nil, fmt.Errorf("store inbox activities: %w", err)
	}
	return inserted, nil
}

// inboxInsertChunk bounds the rows of one INSERT of inbox activities.
const (
	inboxInsertChunk  = 32
	inboxInsertParams = 8
)

// insertInboxActivities is the INSERT of n inbox activities, returning
// the ids of those stored (not the duplicates).
func insertInboxActivities(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO inbox_activities (id, activity_id, type, actor_uri, key_id,
	recipient_account_id, body, received_at, run_at) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		k := i * inboxInsertParams
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+8)
	}
	b.WriteString(` ON CONFLICT (activity_id) DO NOTHING RETURNING id`)
	return b.String()
}

// ClaimInboxActivities takes up to limit pending activities due now,
// oldest first, for lease: they are not claimed again before the lease
// ends (then they are, so that a crashed worker loses nothing). Each
// claim counts as an attempt. The conditions are repeated outside the
// subquery so that a row claimed meanwhile is re-checked and skipped.
func (s *Store) ClaimInboxActivities(ctx context.Context, limit int, lease time.Duration) ([]*InboxActivity, error) {
	now := s.nowMs()
	// On PostgreSQL, concurrent claimers skip each other's rows: without
	// SKIP LOCKED the second would wait for the first's rows, find them
	// claimed, and return nothing while other rows are pending. The
	// candidates are read once (an ARRAY, not IN, which PostgreSQL may
	// evaluate again and go past the limit). SQLite has one writer.
	pick := `SELECT id FROM inbox_activities WHERE processed_at IS NULL AND run_at <= $2 ORDER BY run_at, id LIMIT $3`
	match := `id IN (` + pick + `)`
	if s.DB.Dialect == db.Postgres {
		match = `id = ANY(ARRAY(` + pick + ` FOR UPDATE SKIP LOCKED))`
	}
	rows, err := s.DB.W.QueryContext(ctx, `UPDATE inbox_activities SET run_at = $1, attempts = attempts + 1
		WHERE `+match+` AND processed_at IS NULL AND run_at <= $2
		RETURNING id, activity_id, type, actor_uri, key_id, recipient_account_id, body, received_at, attempts`,
		now+lease.Milliseconds(), now, limit)
	if err != nil {
		return nil, fmt.Errorf("claim inbox activities: %w", err)
	}
	defer rows.Close()
	var out []*InboxActivity
	for rows.Next() {
		a := &InboxActivity{}
		var recipient sql.NullInt64
		if err := rows.Scan(&a.ID, &a.ActivityID, &a.Type, &a.ActorURI, &a.KeyID, &recipient, &a.Body,
			&a.ReceivedAt, &a.Attempts); err != nil {
			return nil, fmt.Errorf("claim inbox activities: %w", err)
		}
		a.RecipientAccountID = domain.ID(recipient.Int64)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim inbox activities: %w", err)
	}
	// RETURNING has no order; activities are applied in the order received.
	slices.SortFunc(out, func(a, b *InboxActivity) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// MarkInboxActivitiesProcessed records that the worker handled these
// activities, in one statement.
func (s *Store) MarkInboxActivitiesProcessed(ctx context.Context, ids []domain.ID) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, s.nowMs())
	for _, id := range ids {
		args = append(args, int64(id))
	}
	_, err := s.DB.W.ExecContext(ctx, `UPDATE inbox_activities SET processed_at = $1, last_error = ''
		WHERE id IN (`+placeholders(2, len(ids))+`)`, args...)
	if err != nil {
		return fmt.Errorf("mark inbox activities processed: %w", err)
	}
	return nil
}

// RetryInboxActivity records a failed attempt: the activity is claimed
// again after delay. giveUp marks it processed instead (the error stays
// in last_error for operators).
func (s *Store) RetryInboxActivity(ctx context.Context, id domain.ID, delay time.Duration, cause string, giveUp bool) error {
	now := s.nowMs()
	var processed any
	if giveUp {
		processed = now
	}
	_, err := s.DB.W.ExecContext(ctx, `UPDATE inbox_activities SET run_at = $2, last_error = $3, processed_at = $4 WHERE id = $1`,
		int64(id), now+delay.Milliseconds(), cause, processed)
	if err != nil {
		return fmt.Errorf("retry inbox activity: %w", err)
	}
	return nil
}

// ReleaseInboxActivities hands claimed activities that were not tried back
// to the queue at once (the attempt their claim counted is given back).
func (s *Store) ReleaseInboxActivities(ctx context.Context, ids []domain.ID) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, s.nowMs())
	for _, id := range ids {
		args = append(args, int64(id))
	}
	_, err := s.DB.W.ExecContext(ctx, `UPDATE inbox_activities SET run_at = $1, attempts = attempts - 1
		WHERE processed_at IS NULL AND id IN (`+placeholders(2, len(ids))+`)`, args...)
	if err != nil {
		return fmt.Errorf("release inbox activities: %w", err)
	}
	return nil
}

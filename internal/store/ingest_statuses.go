package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// RemoteStatusWrite is one remote status to store with
// CreateRemoteStatuses: CreateRemoteStatus's arguments, and whether it was
// stored (false when its uri was already known).
type RemoteStatusWrite struct {
	Status          *domain.Status
	Poll            *Poll
	Media           []*Media
	NotifyFollowers bool
	Created         bool // set once committed
}

// CreateRemoteStatuses stores remote statuses as CreateRemoteStatus does,
// all in ONE transaction: the inbox's batches of Creates paid one commit
// per note, a fifth of their CPU on SQLite and a disk flush each on
// PostgreSQL (docs/performance.md, "Federation ingest"). A uri repeated in
// the batch is stored once (the later write has Created false).
//
// All or nothing: on an error nothing is stored and the caller stores the
// statuses one at a time, so that one bad status fails only itself.
func (s *Store) CreateRemoteStatuses(ctx context.Context, ws []*RemoteStatusWrite) error {
	if len(ws) == 0 {
		return nil
	}
	created := make([]bool, len(ws))
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		q := db.Querier(tx)
		if s.DB.Dialect == db.Postgres {
			// Batches stored at once (by the workers of every node) would
			// lock the same rows (authors' counters, popular tags) in
			// different orders, deadlock, and fall back to one
			// transaction per status; and a batch may draw an id another
			// one holds uncommitted. One batch at a time avoids both; the
			// preparation of the next batches goes on meanwhile.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, ingestStatusesLock); err != nil {
				return fmt.Errorf("lock remote statuses: %w", err)
			}
		}
		if s.DB.Dialect == db.SQLite {
			// pgx caches statements per connection already; SQLite
			// parses and plans each text again (40% of each insert).
			c := newTxStmts(tx)
			defer c.close()
			q = c
		}
		return s.createRemoteStatusesTx(ctx, tx, q, ws, created)
	})
	if err != nil {
		return err
	}
	for i, w := range ws {
		w.Created = created[i]
	}
	return nil
}

// ingestStatusesLock is the PostgreSQL advisory lock held by the
// transaction of a batch of remote statuses.
const ingestStatusesLock int64 = 7256037

// txStmts runs the statements of one transaction through statements
// prepared once per text: a batch of 50 notes runs each of its dozen texts
// 50 times.
type txStmts struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newTxStmts(tx *sql.Tx) *txStmts { return &txStmts{tx: tx, stmts: map[string]*sql.Stmt{}} }

// maxTxStmts bounds the texts kept (IN lists make texts without end).
const maxTxStmts = 64

func (c *txStmts) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= maxTxStmts {
		return nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared: it reports the same error
	}
	c.stmts[query] = st
	return st
}

func (c *txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, query, args...)
}

func (c *txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.tx.QueryContext(ctx, query, args...)
}

func (c *txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, query, args...)
}

func (c *txStmts) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

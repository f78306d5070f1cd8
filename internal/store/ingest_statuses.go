package store

import (
	"context"
	"database/sql"

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
//
// On PostgreSQL batches may be stored at once (by the workers of every
// node): the rows they may share are locked in one order (authors by id,
// replied-to statuses by id, tags by name), so that they wait for one
// another rather than deadlock, and an id another batch took meanwhile is
// drawn again (insertRemoteStatuses). They used to be serialized by an
// advisory lock, which bounded the rate at one batch's round trips.
func (s *Store) CreateRemoteStatuses(ctx context.Context, ws []*RemoteStatusWrite) error {
	if len(ws) == 0 {
		return nil
	}
	created := make([]bool, len(ws))
	// The full-text triggers' stems, computed before taking the writer.
	s.precomputeStems(ws)
	var unprepared []string
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		q := db.Querier(tx)
		if s.DB.Dialect == db.SQLite {
			// pgx caches statements per connection already; SQLite
			// parses and plans each text again (40% of each insert).
			c := newTxStmts(tx, s.DB.W)
			defer func() { unprepared = c.close() }()
			q = c
		}
		return s.createRemoteStatusesTx(ctx, tx, q, ws, created)
	})
	// Texts first run in this transaction are prepared on the writer's
	// connection now that it is free: the next batches reuse them.
	s.DB.W.Warm(ctx, unprepared)
	if err != nil {
		return err
	}
	for i, w := range ws {
		w.Created = created[i]
	}
	return nil
}

// txStmts runs the statements of one transaction through prepared
// statements: those the writer's pool has cached (prepared once on its
// connection, run here unparsed), else prepared once per transaction (a
// batch of 50 notes runs each of its dozen texts 50 times).
type txStmts struct {
	tx         *sql.Tx
	pool       *db.Pool
	stmts      map[string]*sql.Stmt
	unprepared []string // texts the pool did not have
}

func newTxStmts(tx *sql.Tx, pool *db.Pool) *txStmts {
	return &txStmts{tx: tx, pool: pool, stmts: map[string]*sql.Stmt{}}
}

// maxTxStmts bounds the texts kept (IN lists make texts without end).
const maxTxStmts = 64

func (c *txStmts) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= maxTxStmts {
		return nil
	}
	var st *sql.Stmt
	if cached := c.pool.Cached(query); cached != nil {
		st = c.tx.StmtContext(ctx, cached)
	} else {
		var err error
		if st, err = c.tx.PrepareContext(ctx, query); err != nil {
			return nil // run unprepared: it reports the same error
		}
		c.unprepared = append(c.unprepared, query)
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

// close closes the transaction's statements and returns the texts the
// pool did not have.
func (c *txStmts) close() []string {
	for _, st := range c.stmts {
		st.Close()
	}
	return c.unprepared
}

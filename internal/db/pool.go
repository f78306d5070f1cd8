package db

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// Pool is a database/sql pool that, when caching is on, keeps a prepared
// statement for each query text it runs. SQLite otherwise parses and plans
// the same SQL on every call: profiling the home timeline showed about half
// of the server's CPU in SQLite's parser and planner (docs/performance.md).
// PostgreSQL's driver (pgx) already caches statements per connection, so
// caching is only turned on for SQLite.
type Pool struct {
	*sql.DB
	cache bool
	stmts sync.Map // query text -> *sql.Stmt
	n     atomic.Int64
}

// maxCachedStatements bounds the cache: queries built with a variable
// number of placeholders (IN lists) have many texts; past the bound, new
// texts run unprepared.
const maxCachedStatements = 2000

func newPool(d *sql.DB, cache bool) *Pool { return &Pool{DB: d, cache: cache} }

// stmt returns the cached statement for query, preparing it the first
// time; nil when caching is off or full.
func (p *Pool) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if !p.cache {
		return nil, nil
	}
	if v, ok := p.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	if p.n.Load() >= maxCachedStatements {
		return nil, nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := p.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	p.n.Add(1)
	return st, nil
}

// QueryContext runs a query through the statement cache.
func (p *Pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.DB.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a single-row query through the statement cache.
func (p *Pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		// On a preparation error, the unprepared query reports the same error.
		return p.DB.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// ExecContext runs a statement through the statement cache.
func (p *Pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.DB.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// Close closes the cached statements and the pool.
func (p *Pool) Close() error {
	p.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	return p.DB.Close()
}

// Analyze refreshes the planner's statistics. On SQLite it keeps the
// per-index row counts (sqlite_stat1) but drops the STAT4 samples: with
// samples, SQLite re-prepares a statement whenever a bound value could
// change its plan (ranges such as "id < $1", IN lists), which measured as a
// fifth of the home timeline's CPU, and the partial indexes and query-plan
// tests already fix the plans that matter.
func (d *DB) Analyze(ctx context.Context, optimizeOnly bool) error {
	if d.Dialect != SQLite {
		if optimizeOnly {
			return nil // autovacuum keeps PostgreSQL's statistics
		}
		_, err := d.W.ExecContext(ctx, `ANALYZE`)
		return err
	}
	stmt := `ANALYZE`
	if optimizeOnly {
		stmt = `PRAGMA optimize`
	}
	if _, err := d.W.DB.ExecContext(ctx, stmt); err != nil {
		return err
	}
	var n int
	if err := d.W.DB.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := d.W.DB.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil {
		return err
	}
	_, err := d.W.DB.ExecContext(ctx, `ANALYZE sqlite_schema`) // reload the statistics
	return err
}

// Cached returns the statement the cache holds for query, without
// preparing it; nil when there is none. Inside a transaction on SQLite's
// single writer connection, Prepare would wait for the connection the
// transaction holds; Tx.StmtContext with a cached statement runs the
// driver statement already prepared on that connection, unparsed.
func (p *Pool) Cached(query string) *sql.Stmt {
	if !p.cache {
		return nil
	}
	if v, ok := p.stmts.Load(query); ok {
		return v.(*sql.Stmt)
	}
	return nil
}

// Warm prepares the queries into the cache (the texts a transaction ran
// unprepared, so that the next one finds them); errors leave a text out.
// It must not run inside a transaction of the same pool.
func (p *Pool) Warm(ctx context.Context, queries []string) {
	for _, q := range queries {
		_, _ = p.stmt(ctx, q)
	}
}

// Package store holds agora's SQL: one file per entity, one transaction per
// exported use case, the same SQL text for SQLite and PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Store is the data layer over one database.
type Store struct {
	DB  *db.DB
	IDs *domain.IDGen
	Now func() time.Time
	// Events receives streaming events after commit (SQLite, one node);
	// nil publishes nothing. On PostgreSQL events go through NOTIFY.
	Events EventSink
	// Federator enqueues deliveries of local changes to remote servers in
	// the changes' transactions; nil federates nothing.
	Federator Federator

	pending pendingEvents
	// rulesVersion counts the changes of the server's domain rules made
	// through this Store (domain_rules.go).
	rulesVersion atomic.Int64
}

// New returns a Store; now is the clock (time.Now when nil).
func New(d *db.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{DB: d, IDs: domain.NewIDGen(now), Now: now}
}

// Tx runs fn in one write transaction; the events it emits are published
// only once it committed.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.Events == nil || s.DB.Dialect == db.Postgres {
		return s.DB.Tx(ctx, fn)
	}
	return s.txWithEvents(ctx, fn)
}

func (s *Store) nowMs() int64 { return s.Now().UnixMilli() }

// ms converts a time to the stored form, milliseconds since the epoch.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMs converts a stored time back.
func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }

// optTime converts a nullable stored time.
func optTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}

// optMs converts a nullable time to its stored form.
func optMs(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// nullID stores 0 as NULL.
func nullID(id domain.ID) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

// notFound maps sql.ErrNoRows to the domain's not-found error.
func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound()
	}
	return fmt.Errorf("%s: %w", what, err)
}

// placeholders returns "$start, $start+1, ..." for n values.
func placeholders(start, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}

// idArgs converts ids to query arguments.
func idArgs(ids []domain.ID) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

// PageClause returns the SQL conditions and ORDER BY for a Mastodon-style
// page over column col, with arguments numbered from next. With MinID the
// rows come oldest first; callers reverse them (see Reverse).
func PageClause(col string, p domain.Page, next int) (where string, order string, args []any) {
	var conds []string
	if p.MaxID != 0 {
		conds = append(conds, fmt.Sprintf("%s < $%d", col, next+len(args)))
		args = append(args, int64(p.MaxID))
	}
	if p.MinID != 0 {
		conds = append(conds, fmt.Sprintf("%s > $%d", col, next+len(args)))
		args = append(args, int64(p.MinID))
	} else if p.SinceID != 0 {
		conds = append(conds, fmt.Sprintf("%s > $%d", col, next+len(args)))
		args = append(args, int64(p.SinceID))
	}
	where = "TRUE"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	order = col + " DESC"
	if p.MinID != 0 {
		order = col + " ASC"
	}
	return where, order, args
}

// Reverse reverses s in place (for MinID pages, fetched oldest first).
func Reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// scanIDs reads a single-column result of ids.
func scanIDs(rows *sql.Rows, err error) ([]domain.ID, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.ID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, domain.ID(id))
	}
	return out, rows.Err()
}

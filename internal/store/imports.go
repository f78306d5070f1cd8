package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Import is a CSV import being processed (internal/imports).
type Import struct {
	ID         domain.ID
	AccountID  domain.ID
	Kind       string
	Overwrite  bool
	Filename   string
	Total      int
	Processed  int
	Imported   int
	State      string // scheduled | running | finished
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// ImportRow is one row of an import: its fields as JSON, and its outcome.
type ImportRow struct {
	ID    domain.ID
	Data  string
	State string // pending | done | failed
	Error string
}

const importColumns = `i.id, i.account_id, i.kind, i.overwrite, i.filename, i.total, i.processed, i.imported, i.state, i.created_at, i.finished_at`

func scanImport(r scanner) (*Import, error) {
	var (
		i        Import
		created  int64
		finished sql.NullInt64
	)
	if err := r.Scan(&i.ID, &i.AccountID, &i.Kind, &i.Overwrite, &i.Filename, &i.Total, &i.Processed, &i.Imported,
		&i.State, &created, &finished); err != nil {
		return nil, err
	}
	i.CreatedAt, i.FinishedAt = fromMs(created), optTime(finished)
	return &i, nil
}

// CreateImport stores an import and its rows (data, in file order) and
// runs enqueue in the same transaction, so the job exists only with them.
func (s *Store) CreateImport(ctx context.Context, imp *Import, rows []string, enqueue func(tx *sql.Tx) error) error {
	imp.ID, imp.Total, imp.State, imp.CreatedAt = s.IDs.Next(), len(rows), "scheduled", s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO imports (id, account_id, kind, overwrite, filename, total, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, int64(imp.ID), int64(imp.AccountID), imp.Kind, imp.Overwrite, imp.Filename,
			imp.Total, imp.State, ms(imp.CreatedAt)); err != nil {
			return fmt.Errorf("create import: %w", err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO import_rows (id, import_id, data) VALUES ($1, $2, $3)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, data := range rows {
			if _, err := stmt.ExecContext(ctx, int64(s.IDs.Next()), int64(imp.ID), data); err != nil {
				return fmt.Errorf("create import row: %w", err)
			}
		}
		return enqueue(tx)
	})
}

// Import loads one import.
func (s *Store) Import(ctx context.Context, id domain.ID) (*Import, error) {
	i, err := scanImport(s.DB.R.QueryRowContext(ctx, `SELECT `+importColumns+` FROM imports i WHERE i.id = $1`, int64(id)))
	return i, notFound(err, "load import")
}

// Imports lists an account's imports, newest first.
func (s *Store) Imports(ctx context.Context, account domain.ID, limit int) ([]*Import, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+importColumns+` FROM imports i WHERE i.account_id = $1
		ORDER BY i.id DESC LIMIT $2`, int64(account), limit)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	defer rows.Close()
	var out []*Import
	for rows.Next() {
		i, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// UnfinishedImports counts an account's imports not finished yet.
func (s *Store) UnfinishedImports(ctx context.Context, account domain.ID) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM imports WHERE account_id = $1 AND state <> 'finished'`,
		int64(account)).Scan(&n)
	return n, err
}

// ImportRows returns up to limit rows of an import in the given state,
// in file order.
func (s *Store) ImportRows(ctx context.Context, imp domain.ID, state string, limit int) ([]ImportRow, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, data, state, error FROM import_rows
		WHERE import_id = $1 AND state = $2 ORDER BY id LIMIT $3`, int64(imp), state, limit)
	if err != nil {
		return nil, fmt.Errorf("load import rows: %w", err)
	}
	defer rows.Close()
	var out []ImportRow
	for rows.Next() {
		var r ImportRow
		if err := rows.Scan(&r.ID, &r.Data, &r.State, &r.Error); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ImportRowsData returns the data of every row of an import (for an
// overwrite, which compares the file with what exists).
func (s *Store) ImportRowsData(ctx context.Context, imp domain.ID) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT data FROM import_rows WHERE import_id = $1 ORDER BY id`, int64(imp))
	if err != nil {
		return nil, fmt.Errorf("load import rows: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetImportState moves an import to running or finished.
func (s *Store) SetImportState(ctx context.Context, imp domain.ID, state string) error {
	var finished any
	if state == "finished" {
		finished = s.nowMs()
	}
	_, err := s.DB.W.ExecContext(ctx, `UPDATE imports SET state = $2, finished_at = $3 WHERE id = $1`, int64(imp), state, finished)
	return err
}

// FinishImportRows records the outcome of processed rows (Error "" is
// done) and counts them on the import.
func (s *Store) FinishImportRows(ctx context.Context, imp domain.ID, done []ImportRow) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		imported := 0
		for _, r := range done {
			state := "done"
			if r.Error != "" {
				state = "failed"
			} else {
				imported++
			}
			if _, err := tx.ExecContext(ctx, `UPDATE import_rows SET state = $2, error = $3 WHERE id = $1`,
				int64(r.ID), state, r.Error); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE imports SET processed = processed + $2, imported = imported + $3 WHERE id = $1`,
			int64(imp), len(done), imported)
		return err
	})
}

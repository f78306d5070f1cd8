package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/search/stem"
)

// The SQLite full-text index (statuses_fts, migration 0026) calls these Go
// functions from its triggers, so every write of a status's text (local
// posts, edits, remote posts, deletions) keeps the stems in step without a
// Go code path having to remember it. They are registered with the driver
// before any connection opens; a process that writes statuses without this
// package (the sqlite3 shell, say) gets "no such function: agora_stems".
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("agora_stems", 4, sqlStems)
	sqlite.MustRegisterDeterministicScalarFunction("agora_plain_text", 1, sqlPlainText)
}

// sqlStems is agora_stems(language, spoiler_text, text, content): the
// Snowball stems of the post's words (content's, as plain text, when it
// has no source text).
func sqlStems(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	lang, spoiler, text, content := sqlText(args[0]), sqlText(args[1]), sqlText(args[2]), sqlText(args[3])
	if v, ok := takeStems(stemsKey{lang, spoiler, text, content}); ok {
		return v, nil // computed before the write (ingest_stems.go)
	}
	if text == "" {
		text = stem.PlainText(content)
	}
	return stem.Document(lang, spoiler, text), nil
}

func sqlPlainText(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	content := sqlText(args[0])
	if v, ok := takePlainText(content); ok {
		return v, nil
	}
	return stem.PlainText(content), nil
}

func sqlText(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

// ReindexSearchBatch is the size of one ReindexSearch transaction: small
// enough that the single SQLite writer is not held for long (about 0.1 s
// on an idle machine, up to 1 s on a busy one; docs/search.md).
const ReindexSearchBatch = 500

// ReindexSearch indexes, on SQLite, the next batch of statuses that
// migration 0026 left out of the rebuilt full-text index, newest first,
// in one transaction. It returns how many statuses it looked at and
// whether the index is complete (always on PostgreSQL, whose index the
// migration did not touch). Running a batch again is harmless: its rows
// are deleted from the index before they are inserted.
func (s *Store) ReindexSearch(ctx context.Context, batch int) (n int, done bool, err error) {
	if s.DB.Dialect != db.SQLite {
		return 0, true, nil
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT next_id FROM search_reindex WHERE id = 1`).Scan(&next); errors.Is(err, sql.ErrNoRows) {
			done = true
			return nil
		} else if err != nil {
			return err
		}
		// The lowest id of the batch, by the primary key.
		var low sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(id) FROM (SELECT id FROM statuses WHERE id < $1 ORDER BY id DESC LIMIT $2)`,
			next, batch).Scan(&low); err != nil {
			return err
		}
		if !low.Valid {
			done = true
			_, err := tx.ExecContext(ctx, `DELETE FROM search_reindex`)
			return err
		}
		// An edit since the migration may have indexed some of these already.
		if _, err := tx.ExecContext(ctx, `DELETE FROM statuses_fts WHERE rowid IN
			(SELECT id FROM statuses WHERE id >= $1 AND id < $2 AND reblog_of_id IS NULL)`, low.Int64, next); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO statuses_fts (rowid, spoiler_text, body, author, stems)
			SELECT id, spoiler_text, CASE WHEN text <> '' THEN text ELSE agora_plain_text(content) END,
			       'a' || account_id, agora_stems(language, spoiler_text, text, content)
			FROM statuses WHERE id >= $1 AND id < $2 AND reblog_of_id IS NULL`, low.Int64, next)
		if err != nil {
			return err
		}
		m, _ := res.RowsAffected()
		n = int(m)
		_, err = tx.ExecContext(ctx, `UPDATE search_reindex SET next_id = $1 WHERE id = 1`, low.Int64)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("reindex search: %w", err)
	}
	return n, done, nil
}

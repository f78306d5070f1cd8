package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies the embedded migrations not yet applied, in file-name
// order, each in its own transaction. On PostgreSQL an advisory lock keeps
// several nodes starting at once from racing.
func (d *DB) Migrate(ctx context.Context) error {
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if d.Dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7256001)`); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7256001)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()

	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
		if applied[version] {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		text := d.dialectSQL(string(body))
		if err := applyMigration(ctx, conn, d.Dialect, version, text); err != nil {
			return fmt.Errorf("migration %s: %w", version, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, conn *sql.Conn, dialect Dialect, version, text string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range splitStatements(text, dialect) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, time.Now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// dialectSQL adapts the shared schema text to the engine: on SQLite an
// "INTEGER PRIMARY KEY" is the rowid itself, which is faster.
func (d *DB) dialectSQL(s string) string {
	if d.Dialect == SQLite {
		s = strings.ReplaceAll(s, "BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY")
	}
	return s
}

// splitStatements splits a migration on semicolons at line ends, dropping
// comments; migrations keep one statement per semicolon-terminated block.
// Three markers, each alone on a comment line, handle what one shared text
// cannot:
//
//	-- sqlite-only    the next statement runs on SQLite only
//	-- postgres-only  the next statement runs on PostgreSQL only
//	-- statement-begin / -- statement-end
//	                  everything between is one statement, semicolons and
//	                  all (trigger and function bodies)
//
// Text without markers splits exactly as before.
func splitStatements(text string, dialect Dialect) []string {
	var out []string
	var cur strings.Builder
	var only Dialect // engine the statement being read is for; "" for both
	block := false
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" && (only == "" || only == dialect) {
			out = append(out, s)
		}
		cur.Reset()
		only = ""
	}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			switch strings.TrimSpace(line[i+2:]) {
			case "sqlite-only":
				only = SQLite
			case "postgres-only":
				only = Postgres
			case "statement-begin":
				block = true
			case "statement-end":
				block = false
				flush()
			}
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if !block && strings.HasSuffix(strings.TrimSpace(line), ";") {
			flush()
		}
	}
	flush()
	return out
}

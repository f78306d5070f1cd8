// Package storetest opens real databases for tests: a fresh SQLite file and a
// fresh PostgreSQL schema, so that every store test runs on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// DefaultPostgresURL is the database `make test` starts; override it with
// AGORA_TEST_DATABASE_URL.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL is the base URL of the test PostgreSQL server.
func PostgresURL() string {
	if u := os.Getenv("AGORA_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Dialects lists the engines every store test runs on.
var Dialects = []db.Dialect{db.SQLite, db.Postgres}

// Each runs fn as a subtest on a fresh, migrated database of each engine.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// Open returns a fresh, migrated database of the given engine, removed when
// the test ends.
func Open(tb testing.TB, dialect db.Dialect) *db.DB {
	tb.Helper()
	ctx := context.Background()
	var (
		d   *db.DB
		err error
	)
	switch dialect {
	case db.SQLite:
		d, err = db.Open(ctx, tb.TempDir(), "")
	case db.Postgres:
		var u string
		u, err = NewSchemaURL(tb)
		if err == nil {
			d, err = db.Open(ctx, "", u)
		}
	}
	if err != nil {
		tb.Fatalf("open %s: %v", dialect, err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// NewSchemaURL creates an empty PostgreSQL schema, dropped when the test
// ends, and returns a URL whose search_path points at it. Tests that start a
// whole server use it as DATABASE_URL.
func NewSchemaURL(tb testing.TB) (string, error) {
	tb.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		return "", err
	}
	tb.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

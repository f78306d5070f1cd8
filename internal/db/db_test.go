package db_test

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatalf("got %d applied migrations, want at least 1", n)
		}
		// The same SQL text with $N placeholders works on both engines.
		if _, err := d.W.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, "k", "v"); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := d.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, "k").Scan(&v); err != nil || v != "v" {
			t.Fatalf("got %q, %v; want v", v, err)
		}
	})
}

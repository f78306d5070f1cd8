package db_test

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/storetest"
)

// Cached statements give the same results as plain queries, errors
// included, and Analyze leaves no STAT4 samples on SQLite.
func TestStatementCacheAndAnalyze(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for i := range 50 {
			if _, err := d.W.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, "k"+string(rune('a'+i%26))+string(rune('a'+i/26)), "v"); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 { // the second and third runs use the cached statement
			var n int
			if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key > $1`, "kaa").Scan(&n); err != nil || n != 49 {
				t.Fatalf("got %d, %v; want 49", n, err)
			}
		}
		if _, err := d.R.QueryContext(ctx, `SELECT nope FROM settings`); err == nil {
			t.Fatal("a bad query succeeded")
		}
		if err := d.Analyze(ctx, false); err != nil {
			t.Fatal(err)
		}
		if err := d.Analyze(ctx, true); err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.SQLite {
			var n int
			if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_stat4`).Scan(&n); err != nil || n != 0 {
					t.Fatalf("sqlite_stat4 has %d rows (%v), want 0", n, err)
				}
			}
		}
	})
}

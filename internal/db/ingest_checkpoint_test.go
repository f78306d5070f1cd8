package db

import (
	"context"
	"testing"
)

// The checkpointer's PASSIVE checkpoint runs from a query_only reader
// connection and copies the writer's log into the database file.
func TestCheckpointFromReader(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.stopCheckpoints() // checkpoint by hand below
	var auto int
	if err := d.W.DB.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != walAutocheckpoint {
		t.Fatalf("writer's wal_autocheckpoint = %d, %v; want %d", auto, err, walAutocheckpoint)
	}
	if _, err := d.W.ExecContext(ctx, `CREATE TABLE ckpt (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := d.W.ExecContext(ctx, `INSERT INTO ckpt (id, v) VALUES ($1, $2)`, i, "row"); err != nil {
			t.Fatal(err)
		}
	}
	log, copied, err := d.checkpoint(ctx)
	if err != nil {
		t.Fatalf("checkpoint from a reader: %v", err)
	}
	if log == 0 || copied != log {
		t.Fatalf("checkpoint copied %d of %d pages", copied, log)
	}
	var n int
	if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM ckpt`).Scan(&n); err != nil || n != 200 {
		t.Fatalf("rows after the checkpoint: %d, %v", n, err)
	}
	// Stopping twice (Close after the stop above) is harmless.
	d.stopCheckpoints()
}

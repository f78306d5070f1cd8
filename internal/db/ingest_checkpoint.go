package db

import (
	"context"
	"sync"
	"time"
)

// SQLite checkpoints (docs/performance.md, "Federation ingest"). In WAL
// mode the connection whose commit takes the log past wal_autocheckpoint
// pages (1,000 by default) copies the log back into the database file and
// syncs it, inside that commit. On agora's single writer that was 6% of
// the CPU of ingesting federated posts, all of it holding the one
// connection every write waits for. The checkpointer instead runs a
// PASSIVE checkpoint from a reader connection every checkpointEvery (a
// query_only connection may checkpoint; PASSIVE never waits for, nor
// blocks, the writer or the readers), so the writer appends to the log
// and goes on. The writer still checkpoints by itself past
// walAutocheckpoint pages, should the checkpointer fall behind.
const (
	checkpointEvery   = 200 * time.Millisecond
	walAutocheckpoint = 10000 // pages (4 KiB): 40 MB of log
)

// startCheckpointer starts the checkpointer and returns what stops it
// (and waits until it has).
func (d *DB) startCheckpointer() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			_, _, _ = d.checkpoint(ctx)
		}
	})
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}
}

// checkpoint copies what it can of the log into the database file, and
// reports how many pages the log holds and how many of them are copied.
func (d *DB) checkpoint(ctx context.Context) (log, copied int, err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var busy int
	err = d.R.DB.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &copied)
	return log, copied, err
}

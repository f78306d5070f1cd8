package main

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/app"
)

// noopArgs is a job that does nothing: it measures the queue itself.
type noopArgs struct {
	Sent int64 `json:"sent"` // UnixNano at enqueue
}

// Kind names the job for River.
func (noopArgs) Kind() string { return "bench_noop" }

// noopWorker records how long each job waited between enqueue and work.
type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	mu   sync.Mutex
	lat  []time.Duration
	done chan struct{}
	want int
}

// Work records the job's latency and signals when all have run.
func (w *noopWorker) Work(ctx context.Context, j *river.Job[noopArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lat = append(w.lat, time.Since(time.Unix(0, j.Args.Sent)))
	if len(w.lat) == w.want && w.done != nil {
		close(w.done)
	}
	return nil
}

// queueProbe enqueues n no-op jobs, 100 per transaction as a busy server
// would, and waits for all to be worked (at most a minute).
func queueProbe(a *app.App, w *noopWorker) func(ctx context.Context, n int) ([]time.Duration, time.Duration, error) {
	return func(ctx context.Context, n int) ([]time.Duration, time.Duration, error) {
		w.mu.Lock()
		w.lat, w.want, w.done = nil, n, make(chan struct{})
		done := w.done
		w.mu.Unlock()
		start := time.Now()
		for lo := 0; lo < n; lo += 100 {
			params := make([]river.InsertManyParams, 0, 100)
			for range min(100, n-lo) {
				params = append(params, river.InsertManyParams{Args: noopArgs{Sent: time.Now().UnixNano()}})
			}
			err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
				_, err := a.Jobs.Client().InsertManyTx(ctx, tx, params)
				return err
			})
			if err != nil {
				return nil, 0, fmt.Errorf("enqueue: %w", err)
			}
		}
		var err error
		select {
		case <-done:
		case <-time.After(time.Minute):
			err = fmt.Errorf("only part of %d jobs ran within a minute", n)
		case <-ctx.Done():
			err = ctx.Err()
		}
		took := time.Since(start)
		w.mu.Lock()
		defer w.mu.Unlock()
		return append([]time.Duration(nil), w.lat...), took, err
	}
}

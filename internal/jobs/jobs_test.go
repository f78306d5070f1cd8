package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/storetest"
)

type echoArgs struct {
	N int `json:"n"`
}

func (echoArgs) Kind() string { return "test.echo" }

type echoWorker struct {
	river.WorkerDefaults[echoArgs]
	done chan int
}

func (w *echoWorker) Work(ctx context.Context, j *river.Job[echoArgs]) error {
	w.done <- j.Args.N
	return nil
}

// A job enqueued in a transaction exists only if the transaction commits.
func TestInsertTxIsTransactional(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		q, err := jobs.New(ctx, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		w := &echoWorker{done: make(chan int, 10)}
		river.AddWorker(q.Workers(), w)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(context.Background())

		rollback := errors.New("rollback")
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if err := q.InsertTx(ctx, tx, echoArgs{N: 1}, nil); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("got %v, want the rollback", err)
		}
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return q.InsertTx(ctx, tx, echoArgs{N: 2}, nil) }); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-w.done:
			if n != 2 {
				t.Fatalf("worked job %d, want 2 (job 1 was rolled back)", n)
			}
		case <-ctx.Done():
			t.Fatal("committed job never ran")
		}
		select {
		case n := <-w.done:
			t.Fatalf("unexpected job %d ran", n)
		case <-time.After(300 * time.Millisecond):
		}
	})
}

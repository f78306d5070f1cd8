// Package jobs is agora's durable job queue: River, on the same database as
// everything else, so that a job is enqueued in the transaction of the
// change that caused it (a post and its side effects commit together).
//
// SQLite uses River's riversqlite driver on the single writer connection
// (SQLite has one writer; sharing it avoids SQLITE_BUSY). PostgreSQL uses
// riverdatabasesql in poll mode, so that the store keeps one database/sql
// pool. Fetch settings follow the measurements in DESIGN.md.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/agora-social/agora/internal/db"
)

// Queue enqueues and works jobs.
type Queue struct {
	client     *river.Client[*sql.Tx]
	workers    *river.Workers
	driver     riverdriver.Driver[*sql.Tx]
	log        *slog.Logger
	periodic   []*river.PeriodicJob
	MaxWorkers int
}

// New prepares a queue on d and migrates River's tables. Register workers
// with Workers() and periodic jobs with AddPeriodic before Start.
func New(ctx context.Context, d *db.DB, log *slog.Logger) (*Queue, error) {
	var driver riverdriver.Driver[*sql.Tx]
	if d.Dialect == db.SQLite {
		driver = riversqlite.New(d.W.DB)
	} else {
		driver = riverdatabasesql.New(d.W.DB)
	}
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quiet(log)})
	if err != nil {
		return nil, fmt.Errorf("job queue migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	return &Queue{workers: river.NewWorkers(), driver: driver, log: log, MaxWorkers: 50}, nil
}

// quiet keeps River's informational chatter out of the server log.
func quiet(log *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{log.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

// Workers is where services register their workers (river.AddWorker).
func (q *Queue) Workers() *river.Workers { return q.workers }

// AddPeriodic schedules a job every interval (run once at start too).
func (q *Queue) AddPeriodic(every time.Duration, args river.JobArgs) {
	q.periodic = append(q.periodic, river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return args, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
}

// Start builds the River client and starts working jobs. Without workers
// the client only inserts.
func (q *Queue) Start(ctx context.Context) error {
	cfg := &river.Config{
		Logger:            quiet(q.log),
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		PollOnly:          true,
		Workers:           q.workers,
		PeriodicJobs:      q.periodic,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: q.MaxWorkers}},
		JobTimeout:        5 * time.Minute,
		// Keep finished jobs a day for operators to inspect, not forever.
		CompletedJobRetentionPeriod: 24 * time.Hour,
	}
	c, err := river.NewClient(q.driver, cfg)
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	q.client = c
	return c.Start(ctx)
}

// Stop waits for running jobs to finish (up to ctx's deadline).
func (q *Queue) Stop(ctx context.Context) error {
	if q.client == nil {
		return nil
	}
	return q.client.Stop(ctx)
}

// InsertTx enqueues a job inside tx: it exists only if tx commits.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if q.client == nil {
		return fmt.Errorf("job queue not started")
	}
	_, err := q.client.InsertTx(ctx, tx, args, opts)
	return err
}

// Client exposes the River client (tests and the bench subscribe to events).
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// Insert enqueues a job on its own, outside any transaction (for work
// whose durable record is elsewhere, such as the inbox's pending rows).
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if q.client == nil {
		return fmt.Errorf("job queue not started")
	}
	_, err := q.client.Insert(ctx, args, opts)
	return err
}

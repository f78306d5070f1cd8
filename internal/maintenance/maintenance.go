// Package maintenance holds the periodic housekeeping jobs: removing
// expired codes, sessions, idempotency keys and mutes, trimming home feeds
// to their newest entries, and refreshing
// SQLite's planner statistics.
package maintenance

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/store"
)

// CleanupArgs is the periodic cleanup job.
type CleanupArgs struct{}

// Kind names the job in the queue.
func (CleanupArgs) Kind() string { return "maintenance.cleanup" }

// InsertOpts makes the job unique per period so several nodes do not pile up.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	store *store.Store
	log   *slog.Logger
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	r, err := w.store.Cleanup(ctx)
	if err != nil {
		return err
	}
	w.log.Debug("cleanup", "codes", r.Codes, "sessions", r.Sessions, "idempotency_keys", r.IdempotencyKeys, "mutes", r.Mutes, "feed_entries", r.FeedEntries, "inbox_activities", r.InboxActivities)
	// Keep SQLite's planner statistics fresh (PRAGMA optimize analyzes only
	// what changed enough); a no-op on PostgreSQL, where autovacuum does it.
	return w.store.DB.Analyze(ctx, true)
}

// Register adds the maintenance workers and schedules cleanup every 10 minutes.
func Register(q *jobs.Queue, st *store.Store, log *slog.Logger) {
	river.AddWorker(q.Workers(), &cleanupWorker{store: st, log: log})
	q.AddPeriodic(10*time.Minute, CleanupArgs{})
	registerSearchReindex(q, st, log)
}

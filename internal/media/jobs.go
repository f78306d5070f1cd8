package media

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/jobs"
)

// CleanupArgs is the periodic job removing orphaned uploads.
type CleanupArgs struct{}

// Kind names the job in the queue.
func (CleanupArgs) Kind() string { return "media.cleanup" }

// InsertOpts makes the job unique per period so several nodes do not pile up.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	svc *Service
	log *slog.Logger
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	n, err := w.svc.CleanupOrphans(ctx)
	if n > 0 {
		w.log.Info("removed orphaned media uploads", "count", n)
	}
	return err
}

// Register adds the media workers and schedules the orphan cleanup hourly.
func Register(q *jobs.Queue, svc *Service, log *slog.Logger) {
	river.AddWorker(q.Workers(), &cleanupWorker{svc: svc, log: log})
	q.AddPeriodic(time.Hour, CleanupArgs{})
}

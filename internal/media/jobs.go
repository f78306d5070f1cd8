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
	if err != nil {
		return err
	}
	n, err = w.svc.ExpireRemoteCache(ctx)
	if n > 0 {
		w.log.Info("removed expired copies of remote media", "count", n)
	}
	return err
}

// RemoteArgs is the periodic job copying remote images.
type RemoteArgs struct{}

// Kind names the job in the queue.
func (RemoteArgs) Kind() string { return "media.remote" }

// InsertOpts keeps one run per period across nodes.
func (RemoteArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

type remoteWorker struct {
	river.WorkerDefaults[RemoteArgs]
	svc *Service
}

// Work copies batches until the backlog is done.
func (w *remoteWorker) Work(ctx context.Context, _ *river.Job[RemoteArgs]) error {
	for {
		n, err := w.svc.CacheRemote(ctx)
		if err != nil || n < RemoteBatch {
			return err
		}
	}
}

// Timeout lets a run copy a backlog.
func (w *remoteWorker) Timeout(*river.Job[RemoteArgs]) time.Duration { return 10 * time.Minute }

// Register adds the media workers: the orphan cleanup and the expiry of
// remote copies hourly, the copying of remote images every minute.
func Register(q *jobs.Queue, svc *Service, log *slog.Logger) {
	river.AddWorker(q.Workers(), &cleanupWorker{svc: svc, log: log})
	q.AddPeriodic(time.Hour, CleanupArgs{})
	river.AddWorker(q.Workers(), &remoteWorker{svc: svc})
	q.AddPeriodic(time.Minute, RemoteArgs{})
}

package media

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/domain"
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

// Register adds the media workers: the processing of uploads, the orphan
// cleanup and the expiry of remote copies hourly, the copying of remote
// images every minute. svc enqueues its processing jobs on q from then on.
func Register(q *jobs.Queue, svc *Service, log *slog.Logger) {
	svc.jobs = q
	river.AddWorker(q.Workers(), &processWorker{svc: svc})
	river.AddWorker(q.Workers(), &cleanupWorker{svc: svc, log: log})
	q.AddPeriodic(time.Hour, CleanupArgs{})
	river.AddWorker(q.Workers(), &remoteWorker{svc: svc})
	q.AddPeriodic(time.Minute, RemoteArgs{})
}

// ProcessArgs is the job converting one video, audio or animated GIF upload.
type ProcessArgs struct {
	// MediaID is encoded as a string: on PostgreSQL the job's JSON args
	// lose int64 precision through a float64.
	MediaID int64 `json:"media_id,string"`
}

// Kind names the job in the queue.
func (ProcessArgs) Kind() string { return "media.process" }

// InsertOpts retries a few times only: a file ffmpeg refuses is marked
// failed at once; retries are for storage and database errors.
func (ProcessArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

type processWorker struct {
	river.WorkerDefaults[ProcessArgs]
	svc *Service
}

// Work processes the upload; after the last attempt it is marked failed
// so that its owner is not left waiting.
func (w *processWorker) Work(ctx context.Context, j *river.Job[ProcessArgs]) error {
	err := w.svc.Process(ctx, domain.ID(j.Args.MediaID))
	if err != nil && j.Attempt >= j.MaxAttempts {
		m, lerr := w.svc.Store.Media(ctx, domain.ID(j.Args.MediaID))
		if lerr == nil {
			r := &refusal{"the file could not be processed", err}
			errors.As(err, &r) // a node without ffmpeg says so
			return w.svc.fail(ctx, m, r)
		}
	}
	return err
}

// Timeout leaves room for the probes, the conversion and the poster frame,
// each bounded by its own timeout, and a wait for a free ffmpeg slot.
func (w *processWorker) Timeout(*river.Job[ProcessArgs]) time.Duration {
	return 4*w.svc.Cfg.Media.FFmpegTimeout + 2*probeTimeout
}

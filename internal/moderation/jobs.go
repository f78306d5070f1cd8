package moderation

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/jobs"
)

// ExpireArgs is the periodic job that ends temporary restrictions.
type ExpireArgs struct{}

// Kind names the job in the queue.
func (ExpireArgs) Kind() string { return "moderation.expire" }

// InsertOpts keeps one run per period across nodes.
func (ExpireArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

type expireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	svc *Service
	log *slog.Logger
}

func (w *expireWorker) Work(ctx context.Context, _ *river.Job[ExpireArgs]) error {
	n, err := w.svc.ExpireRestrictions(ctx)
	if n > 0 {
		w.log.Info("temporary restrictions ended", "count", n)
	}
	return err
}

// PurgeArgs is the periodic job that purges the content of suspended
// domains.
type PurgeArgs struct{}

// Kind names the job in the queue.
func (PurgeArgs) Kind() string { return "moderation.domain_purge" }

// InsertOpts keeps one run per period across nodes.
func (PurgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	svc *Service
}

func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	_, err := w.svc.PurgeSuspendedDomains(ctx)
	return err
}

// SubmitArgs is the periodic job that sends statements of reasons to the
// DSA Transparency Database.
type SubmitArgs struct{}

// Kind names the job in the queue.
func (SubmitArgs) Kind() string { return "moderation.tdb_submit" }

// InsertOpts keeps one run per period across nodes.
func (SubmitArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

type submitWorker struct {
	river.WorkerDefaults[SubmitArgs]
	svc *Service
	sub *Submitter
	log *slog.Logger
}

func (w *submitWorker) Work(ctx context.Context, _ *river.Job[SubmitArgs]) error {
	n, err := w.svc.SubmitPending(ctx, w.sub)
	if err != nil {
		w.log.Warn("transparency database submission", "err", err)
		return err
	}
	w.log.Debug("transparency database submission", "accepted", n)
	return nil
}

// Register schedules the expiry of temporary restrictions and the purge of
// suspended domains every minute and,
// when sub is not nil (AGORA_DSA_TDB_URL and AGORA_DSA_TDB_TOKEN are set),
// the Transparency Database submission every 10 minutes.
func Register(q *jobs.Queue, svc *Service, sub *Submitter, log *slog.Logger) {
	river.AddWorker(q.Workers(), &expireWorker{svc: svc, log: log})
	q.AddPeriodic(time.Minute, ExpireArgs{})
	river.AddWorker(q.Workers(), &purgeWorker{svc: svc})
	q.AddPeriodic(time.Minute, PurgeArgs{})
	if sub != nil {
		river.AddWorker(q.Workers(), &submitWorker{svc: svc, sub: sub, log: log})
		q.AddPeriodic(10*time.Minute, SubmitArgs{})
	}
}

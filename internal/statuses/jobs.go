package statuses

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/jobs"
)

// TickArgs is the periodic job that publishes due scheduled statuses and
// notifies voters and authors of ended polls. Both steps are idempotent, so
// a retried or doubled tick does no harm.
type TickArgs struct{}

// Kind names the job in the queue.
func (TickArgs) Kind() string { return "statuses.tick" }

// InsertOpts keeps one tick per period even with several nodes.
func (TickArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: TickEvery}}
}

// TickEvery is how often scheduled statuses and poll ends are checked: a
// scheduled post appears at most this late.
const TickEvery = 15 * time.Second

type tickWorker struct {
	river.WorkerDefaults[TickArgs]
	svc *Service
	log *slog.Logger
}

func (w *tickWorker) Work(ctx context.Context, _ *river.Job[TickArgs]) error {
	published, err := w.svc.PublishDue(ctx)
	if err != nil {
		return err
	}
	polls, err := w.svc.NotifyExpiredPolls(ctx)
	if err != nil {
		return err
	}
	if published > 0 || polls > 0 {
		w.log.Info("statuses tick", "published", published, "polls_ended", polls)
	}
	return nil
}

// Register adds the statuses worker and its periodic tick to q.
func Register(q *jobs.Queue, svc *Service, log *slog.Logger) {
	river.AddWorker(q.Workers(), &tickWorker{svc: svc, log: log})
	q.AddPeriodic(TickEvery, TickArgs{})
}

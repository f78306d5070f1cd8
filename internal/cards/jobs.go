package cards

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/jobs"
)

// Interval is how often new posts are looked at for links.
const Interval = time.Minute

// RunArgs is the periodic link-preview job.
type RunArgs struct{}

// Kind names the job in the queue.
func (RunArgs) Kind() string { return "cards.run" }

// InsertOpts keeps one run per period across nodes.
func (RunArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: Interval}}
}

type runWorker struct {
	river.WorkerDefaults[RunArgs]
	svc *Service
}

// Work runs batches until the backlog is done (a busy minute may need
// several).
func (w *runWorker) Work(ctx context.Context, _ *river.Job[RunArgs]) error {
	for {
		n, err := w.svc.Run(ctx)
		if err != nil || n < Batch {
			return err
		}
	}
}

// Timeout lets a run fetch a full backlog.
func (w *runWorker) Timeout(*river.Job[RunArgs]) time.Duration { return 10 * time.Minute }

// Register schedules the link-preview job.
func Register(q *jobs.Queue, svc *Service) {
	river.AddWorker(q.Workers(), &runWorker{svc: svc})
	q.AddPeriodic(Interval, RunArgs{})
}

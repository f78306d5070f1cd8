package imports

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/jobs"
)

// RunArgs applies a batch of an import's rows; while rows remain, the job
// enqueues the next batch (so one large import never holds a worker long,
// and deliveries go on between its batches).
type RunArgs struct {
	// ImportID as a string: on PostgreSQL the job's JSON args lose int64
	// precision through a float64.
	ImportID int64 `json:"import_id,string"`
}

// Kind names the job in the queue.
func (RunArgs) Kind() string { return "imports.run" }

type runWorker struct {
	river.WorkerDefaults[RunArgs]
	svc *Service
}

func (w *runWorker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	more, err := w.svc.Run(ctx, domain.ID(job.Args.ImportID))
	if err != nil || !more {
		return err
	}
	_, err = w.svc.Jobs.Client().Insert(ctx, job.Args, nil)
	return err
}

// Timeout covers a batch whose accounts are all resolved over federation.
func (w *runWorker) Timeout(*river.Job[RunArgs]) time.Duration { return 10 * time.Minute }

// Register adds the import worker.
func Register(q *jobs.Queue, svc *Service) {
	river.AddWorker(q.Workers(), &runWorker{svc: svc})
}

package notes

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/jobs"
)

// ScoreInterval is how often notes are scored.
const ScoreInterval = 10 * time.Minute

// ScoreArgs is the periodic scoring job.
type ScoreArgs struct{}

// Kind names the job in the queue.
func (ScoreArgs) Kind() string { return "notes.score" }

// InsertOpts keeps one run per period across nodes.
func (ScoreArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: ScoreInterval}}
}

type scoreWorker struct {
	river.WorkerDefaults[ScoreArgs]
	svc *Service
}

func (w *scoreWorker) Work(ctx context.Context, _ *river.Job[ScoreArgs]) error {
	_, err := w.svc.Score(ctx)
	return err
}

// Register schedules the scoring of notes every ScoreInterval.
func Register(q *jobs.Queue, svc *Service) {
	river.AddWorker(q.Workers(), &scoreWorker{svc: svc})
	q.AddPeriodic(ScoreInterval, ScoreArgs{})
}

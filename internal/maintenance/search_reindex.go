package maintenance

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/store"
)

// SearchReindexArgs is the job that refills SQLite's full-text index after
// migration 0026 rebuilt it with Snowball stems (docs/search.md). It is
// scheduled like the cleanup, runs at start, and is a single cheap query
// once the index is complete.
type SearchReindexArgs struct{}

// Kind names the job in the queue.
func (SearchReindexArgs) Kind() string { return "maintenance.search_reindex" }

// InsertOpts keeps one job per period across nodes.
func (SearchReindexArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

// searchReindexRun bounds one run, below River's default job timeout of a
// minute; a run that did not finish snoozes and goes on where it stopped.
const searchReindexRun = 30 * time.Second

type searchReindexWorker struct {
	river.WorkerDefaults[SearchReindexArgs]
	store *store.Store
	log   *slog.Logger
}

func (w *searchReindexWorker) Work(ctx context.Context, _ *river.Job[SearchReindexArgs]) error {
	start := time.Now()
	total := 0
	for time.Since(start) < searchReindexRun {
		n, done, err := w.store.ReindexSearch(ctx, store.ReindexSearchBatch)
		if err != nil {
			return err
		}
		total += n
		if done {
			if total > 0 {
				w.log.Info("search index rebuilt", "statuses", total)
			}
			return nil
		}
	}
	w.log.Info("search index rebuild in progress", "statuses", total)
	// Not an attempt: the job comes back in a second and resumes from the
	// position the store keeps.
	return river.JobSnooze(time.Second)
}

func registerSearchReindex(q *jobs.Queue, st *store.Store, log *slog.Logger) {
	river.AddWorker(q.Workers(), &searchReindexWorker{store: st, log: log})
	q.AddPeriodic(10*time.Minute, SearchReindexArgs{})
}

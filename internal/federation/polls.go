package federation

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/domain"
)

// PollTallyDelay is how long after a vote on a local poll its new tallies
// are sent (an Update of the Question): votes within it share one Update,
// so a busy poll costs one Update per poll per delay at most.
const PollTallyDelay = time.Minute

// PollTallyArgs is the delayed job that sends a local poll's tallies. The
// store schedules one only when none is due (its polls.tally_due mark).
type PollTallyArgs struct {
	StatusID int64 `json:"status_id,string"`
}

// Kind names the job in the queue.
func (PollTallyArgs) Kind() string { return "federation.poll_tally" }

// enqueuePollTally schedules, in tx, the Update of a poll's tallies.
func (h *Handler) enqueuePollTally(ctx context.Context, tx *sql.Tx, status domain.ID) error {
	delay := h.PollTallyDelay
	if delay == 0 {
		delay = PollTallyDelay
	}
	return h.Jobs.InsertTx(ctx, tx, PollTallyArgs{StatusID: int64(status)}, &river.InsertOpts{ScheduledAt: time.Now().Add(delay)})
}

type pollTallyWorker struct {
	river.WorkerDefaults[PollTallyArgs]
	h *Handler
}

// Work publishes the Update of the Question with the tallies as they are
// now, to the poll's audience as it is now (new remote voters included).
func (w *pollTallyWorker) Work(ctx context.Context, job *river.Job[PollTallyArgs]) error {
	o, err := w.h.Store.StartPollTally(ctx, domain.ID(job.Args.StatusID))
	if errors.Is(err, domain.ErrNotFound) {
		return nil // the poll was deleted meanwhile
	}
	if err != nil {
		return err
	}
	_, err = w.h.Jobs.Client().Insert(ctx, PublishArgs{Outgoing: o, At: w.h.Now().UnixMilli()}, nil)
	return err
}

package federation

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// The inbox pipeline in batches (docs/federation.md, "Inbox pipeline").
// Each activity used to cost five write transactions (stored with its
// job, job fetched, processed, marked processed, job completed); on
// SQLite's single writer that bounded ingest near 40 activities/s. Now:
//
//   - the inbox's concurrent requests are stored together, in one
//     transaction (group commit), each answered 202 after that commit;
//   - inbox_activities is the durable queue: an InboxBatchArgs job claims
//     pending rows, ingestBatch at a time, processes each on its own (one
//     failure never blocks the others: it is retried with backoff) and
//     marks the processed ones in one statement;
//   - a periodic sweep claims what no job is working on: rows left by a
//     crash (once their lease ends) and rows due for a retry.
const (
	ingestBatch       = 50               // activities claimed at once
	ingestMaxRows     = 256              // activities stored in one group commit
	ingestLease       = 10 * time.Minute // a claimed batch is not claimed again before
	ingestDrainFor    = time.Minute      // a job hands over to a new one after (River's job timeout is 5 minutes)
	ingestSweepEvery  = 30 * time.Second
	ingestMaxAttempts = 25 // as River's jobs had
	// ingestConcurrentRuns bounds the runs of Creates a process stores at
	// once on PostgreSQL (store.CreateRemoteStatuses locks what they share
	// in one order).
	ingestConcurrentRuns = 2
)

// InboxBatchArgs is the job that processes pending inbox activities until
// none is left. Sweep jobs (periodic) run beside the kicked ones.
type InboxBatchArgs struct {
	Sweep bool `json:"sweep,omitempty"`
}

// Kind names the job in the queue.
func (InboxBatchArgs) Kind() string { return "federation.inbox_batch" }

// InsertOpts: one attempt; the rows, not the job, are what is retried.
func (InboxBatchArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// ingest is a Handler's batching state.
type ingest struct {
	h       *Handler
	process InboxProcessor
	// creates prepares and stores common Creates in batches
	// (ingest_create.go); nil processes every activity with process.
	creates *Processor
	// storing holds a slot while a run of Creates is stored: one on
	// SQLite (its single writer), ingestConcurrentRuns on PostgreSQL.
	storing chan struct{}
	batched atomic.Int64 // Creates stored by the batch path (tests read it)
	// workers counts the kicked jobs draining the queue, at most max (on
	// SQLite's single writer more would only wait).
	workers atomic.Int32
	max     int32

	mu      sync.Mutex
	pending []*pendingRow
	leading bool // a goroutine is committing pending

	// inboxTurn is held by the inbox's group commit while it writes; on
	// SQLite the batch workers take it (and give it back at once) before
	// each of their writes, so that a group commit waiting for the single
	// writer goes next (ingest_turn.go).
	inboxTurn sync.Mutex
	yields    bool
}

type pendingRow struct {
	a        *store.InboxActivity
	inserted bool
	err      error
	done     chan struct{}
}

// ingestOf is the Handler's batching state, made on first use.
func (h *Handler) ingestOf() *ingest {
	h.ingestOnce.Do(func() {
		max := int32(4)
		if h.Store.DB.Dialect == db.SQLite {
			max = 2
		}
		runs := ingestConcurrentRuns
		if h.Store.DB.Dialect == db.SQLite {
			runs = 1
		}
		h.ingest = &ingest{h: h, max: max, yields: h.Store.DB.Dialect == db.SQLite, storing: make(chan struct{}, runs)}
	})
	return h.ingest
}

// storeActivity stores a verified activity with those of concurrent
// requests, in one transaction, and reports whether it was new.
func (g *ingest) storeActivity(ctx context.Context, a *store.InboxActivity) (bool, error) {
	p := &pendingRow{a: a, done: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, p)
	if !g.leading {
		g.leading = true
		// The commit outlives this request if its client goes away: the
		// other requests wait on it.
		go g.commitPending(context.WithoutCancel(ctx))
	}
	g.mu.Unlock()
	select {
	case <-p.done:
		return p.inserted, p.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// commitPending stores what is pending, in batches, until nothing is.
func (g *ingest) commitPending(ctx context.Context) {
	for {
		g.mu.Lock()
		n := min(len(g.pending), ingestMaxRows)
		batch := g.pending[:n:n]
		g.pending = g.pending[n:]
		if n == 0 {
			g.leading = false
			g.pending = nil
		}
		g.mu.Unlock()
		if n == 0 {
			return
		}
		g.commit(ctx, batch)
	}
}

func (g *ingest) commit(ctx context.Context, batch []*pendingRow) {
	acts := make([]*store.InboxActivity, len(batch))
	for i, p := range batch {
		acts[i] = p.a
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	g.inboxTurn.Lock()
	inserted, err := g.h.Store.InsertInboxActivities(ctx, acts)
	if err != nil && len(batch) > 1 {
		// One row may be what failed (PostgreSQL refuses some text):
		// store each on its own so that only that one is refused.
		for _, p := range batch {
			ins, err := g.h.Store.InsertInboxActivities(ctx, []*store.InboxActivity{p.a})
			p.err = err
			p.inserted = err == nil && ins[0]
		}
	} else {
		for i, p := range batch {
			p.err = err
			p.inserted = err == nil && inserted[i]
		}
	}
	g.inboxTurn.Unlock()
	stored := false
	for _, p := range batch {
		stored = stored || p.inserted
		close(p.done)
	}
	if stored {
		g.kick(ctx)
	}
}

// kick starts a job draining the queue unless enough already run (they
// will claim the new rows).
func (g *ingest) kick(ctx context.Context) {
	if !g.take() {
		return
	}
	if err := g.h.Jobs.Insert(ctx, InboxBatchArgs{}, nil); err != nil {
		g.release()
		// The rows are stored: the sweep processes them.
		g.h.Log.Warn("inbox: start processing job", "err", err)
	}
}

func (g *ingest) take() bool {
	for {
		n := g.workers.Load()
		if n >= g.max {
			return false
		}
		if g.workers.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release gives a slot back; never below zero (a job kicked by a previous
// run of the process holds no slot of this one).
func (g *ingest) release() {
	for {
		n := g.workers.Load()
		if n <= 0 || g.workers.CompareAndSwap(n, n-1) {
			return
		}
	}
}

type inboxBatchWorker struct {
	river.WorkerDefaults[InboxBatchArgs]
	g *ingest
}

func (w *inboxBatchWorker) Work(ctx context.Context, job *river.Job[InboxBatchArgs]) error {
	return w.g.drain(ctx, !job.Args.Sweep)
}

// drain processes pending activities, a batch at a time, until none is
// due. A kicked job holds a slot (holdsSlot) that it gives back when the
// queue is empty; it then claims once more, because a row stored meanwhile
// by a request that found every slot taken would otherwise wait for the
// sweep.
func (g *ingest) drain(ctx context.Context, holdsSlot bool) error {
	defer func() {
		if holdsSlot {
			g.release()
		}
	}()
	start := time.Now()
	for {
		g.yieldToInbox()
		acts, err := g.h.Store.ClaimInboxActivities(ctx, ingestBatch, ingestLease)
		if err != nil {
			return err
		}
		if len(acts) == 0 && holdsSlot {
			g.release()
			holdsSlot = false
			if acts, err = g.h.Store.ClaimInboxActivities(ctx, ingestBatch, ingestLease); err != nil {
				return err
			}
			holdsSlot = len(acts) > 0 && g.take()
		}
		if len(acts) == 0 {
			return nil
		}
		if err := g.processBatch(ctx, acts); err != nil {
			return err
		}
		if time.Since(start) > ingestDrainFor {
			// Hand over to a new job rather than outlive River's timeout.
			if holdsSlot {
				g.release()
				holdsSlot = false
			}
			g.kick(ctx)
			return nil
		}
	}
}

// processBatch applies claimed activities in the order received, each on
// its own: a failure is recorded on that activity (retried after a
// backoff, given up after ingestMaxAttempts) and the others go on. The
// processed ones are marked in one statement. Consecutive common Creates
// are stored together (ingest_create.go) before the next other activity.
func (g *ingest) processBatch(ctx context.Context, acts []*store.InboxActivity) error {
	done := make([]domain.ID, 0, len(acts))
	var run []batchCreate
	prepared := make([]*batchCreate, len(acts))
	next := 0 // acts[:next] were considered for the batch path
	for i, a := range acts {
		if ctx.Err() != nil {
			// Stopping: what was not tried goes back to the queue now.
			rest := make([]domain.ID, 0, len(acts)-i+len(run))
			for _, c := range run {
				rest = append(rest, c.a.ID)
			}
			for _, b := range acts[i:] {
				rest = append(rest, b.ID)
			}
			bg := context.WithoutCancel(ctx)
			if err := g.h.Store.MarkInboxActivitiesProcessed(bg, done); err != nil {
				return err
			}
			return g.h.Store.ReleaseInboxActivities(bg, rest)
		}
		if i >= next {
			next = g.prepareRun(ctx, acts, i, prepared)
		}
		if c := prepared[i]; c != nil {
			run = append(run, *c)
			continue
		}
		var err error
		if done, err = g.storeRun(ctx, run, done); err != nil {
			return err
		}
		run = run[:0]
		if done, err = g.apply(ctx, a, done); err != nil {
			return err
		}
	}
	done, err := g.storeRun(ctx, run, done)
	if err != nil {
		return err
	}
	g.yieldToInbox()
	return g.h.Store.MarkInboxActivitiesProcessed(context.WithoutCancel(ctx), done)
}

// apply processes one activity with the processor, appending it to done,
// or records its failure.
func (g *ingest) apply(ctx context.Context, a *store.InboxActivity, done []domain.ID) ([]domain.ID, error) {
	if err := g.processOne(ctx, a); err != nil {
		giveUp := a.Attempts >= ingestMaxAttempts
		g.h.Log.Warn("inbox activity failed", "id", a.ActivityID, "type", a.Type, "attempt", a.Attempts,
			"given_up", giveUp, "err", err)
		return done, g.h.Store.RetryInboxActivity(context.WithoutCancel(ctx), a.ID, ingestBackoff(a.Attempts),
			truncate(err.Error(), 1000), giveUp)
	}
	return append(done, a.ID), nil
}

// storeRun stores a run of prepared Creates together; those that fail
// there (or all of them, on a panic) are applied one by one.
func (g *ingest) storeRun(ctx context.Context, run []batchCreate, done []domain.ID) ([]domain.ID, error) {
	if len(run) == 0 {
		return done, nil
	}
	stored, failed := func() (stored, failed []*store.InboxActivity) {
		// Runs stored at once are bounded here, where a waiting worker
		// holds no database connection: SQLite's single writer takes one
		// at a time anyway.
		g.storing <- struct{}{}
		defer func() { <-g.storing }()
		g.yieldToInbox()
		defer func() {
			if r := recover(); r != nil {
				stored, failed = nil, nil
				for _, c := range run {
					failed = append(failed, c.a)
				}
			}
		}()
		return g.creates.storeCreates(ctx, run)
	}()
	for _, a := range stored {
		done = append(done, a.ID)
	}
	g.batched.Add(int64(len(stored)))
	var err error
	for _, a := range failed {
		if done, err = g.apply(ctx, a, done); err != nil {
			return done, err
		}
	}
	return done, nil
}

// processOne applies one activity; a panic is that activity's failure,
// not the batch's.
func (g *ingest) processOne(ctx context.Context, a *store.InboxActivity) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return g.process(ctx, a)
}

// ingestBackoff is River's default: attempts⁴ seconds, plus 10 s (an
// activity is tried for about three weeks).
func ingestBackoff(attempts int) time.Duration {
	return time.Duration(attempts*attempts*attempts*attempts+10) * time.Second
}

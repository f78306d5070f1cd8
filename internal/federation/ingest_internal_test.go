package federation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// ingestHarness is a Handler with a real store and a started queue whose
// only worker is the batch worker, processing with process.
func ingestHarness(t *testing.T, d *db.DB, process InboxProcessor) (*Handler, *ingest) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.DiscardHandler)
	q, err := jobs.New(ctx, d, log)
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{Store: store.New(d, nil), Log: log, Jobs: q}
	g := h.ingestOf()
	g.process = process
	river.AddWorker(q.Workers(), &inboxBatchWorker{g: g})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		q.Stop(context.Background())
	})
	return h, g
}

func ingestRow(n int) *store.InboxActivity {
	return &store.InboxActivity{ActivityID: fmt.Sprintf("https://remote.example/activities/%d", n), Type: "Create",
		ActorURI: "https://remote.example/users/bob", KeyID: "k", Body: fmt.Sprintf(`{"n":%d}`, n)}
}

// waitFor polls cond (a wait for the asynchronous worker, not a timing
// assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A poisoned activity (an error, a panic) in a batch does not block the
// others: they are processed, it is kept for a later try with its error.
// Duplicates sent concurrently are stored once.
func TestIngestBatchIsolatesFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		calls := map[string]int{}
		h, g := ingestHarness(t, d, func(ctx context.Context, a *store.InboxActivity) error {
			mu.Lock()
			calls[a.Body]++
			mu.Unlock()
			switch a.Body {
			case `{"n":3}`:
				return errors.New("remote server down")
			case `{"n":7}`:
				panic("poisoned")
			}
			return nil
		})
		const n = 40
		var wg sync.WaitGroup
		var inserted atomic.Int32
		for i := range 2 * n { // every activity twice, concurrently
			wg.Go(func() {
				ok, err := g.storeActivity(ctx, ingestRow(i%n))
				if err != nil {
					t.Errorf("store %d: %v", i, err)
				}
				if ok {
					inserted.Add(1)
				}
			})
		}
		wg.Wait()
		if got := inserted.Load(); got != n {
			t.Fatalf("%d activities stored as new, want %d (duplicates dropped)", got, n)
		}
		processed := func(i int) bool {
			a, err := h.Store.InboxActivityByActivityID(ctx, ingestRow(i).ActivityID)
			return err == nil && a.ProcessedAt != 0
		}
		waitFor(t, "healthy activities processed", func() bool {
			for i := range n {
				if i != 3 && i != 7 && !processed(i) {
					return false
				}
			}
			return true
		})
		for _, bad := range []int{3, 7} {
			if processed(bad) {
				t.Errorf("failed activity %d marked processed", bad)
			}
			var attempts int
			var lastError string
			var runAt int64
			err := d.R.QueryRowContext(ctx, `SELECT attempts, last_error, run_at FROM inbox_activities WHERE activity_id = $1`,
				ingestRow(bad).ActivityID).Scan(&attempts, &lastError, &runAt)
			if err != nil || attempts != 1 || lastError == "" || runAt <= time.Now().UnixMilli() {
				t.Errorf("activity %d: attempts %d, error %q, run_at %d, %v", bad, attempts, lastError, runAt, err)
			}
		}
		if !strings.Contains(lastErrorOf(t, d, 7), "panic: poisoned") {
			t.Errorf("panic not recorded: %q", lastErrorOf(t, d, 7))
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range n {
			if c := calls[ingestRow(i).Body]; c != 1 {
				t.Errorf("activity %d processed %d times", i, c)
			}
		}
	})
}

func lastErrorOf(t *testing.T, d *db.DB, n int) string {
	var s string
	if err := d.R.QueryRow(`SELECT last_error FROM inbox_activities WHERE activity_id = $1`, ingestRow(n).ActivityID).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// A crash between accepting and processing loses nothing: rows stored but
// never kicked, and rows a dead worker had claimed (once its lease ends),
// are processed by the sweep; a failed row is retried when due.
func TestIngestSweepRecoversAfterCrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fail := atomic.Bool{}
		fail.Store(true)
		var processed atomic.Int32
		h, g := ingestHarness(t, d, func(ctx context.Context, a *store.InboxActivity) error {
			if a.Body == `{"n":2}` && fail.Load() {
				return errors.New("database busy")
			}
			processed.Add(1)
			return nil
		})
		now := time.Now()
		h.Store.Now = func() time.Time { return now }
		// Claimed by a worker that died while processing.
		if _, err := h.Store.InsertInboxActivities(ctx, []*store.InboxActivity{ingestRow(4)}); err != nil {
			t.Fatal(err)
		}
		if claimed, err := h.Store.ClaimInboxActivities(ctx, 10, ingestLease); err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %d, %v", len(claimed), err)
		}
		// Accepted (stored) by a process that died before any job ran.
		if _, err := h.Store.InsertInboxActivities(ctx, []*store.InboxActivity{ingestRow(1), ingestRow(2), ingestRow(3)}); err != nil {
			t.Fatal(err)
		}
		if err := g.drain(ctx, false); err != nil {
			t.Fatal(err)
		}
		if got := processed.Load(); got != 2 {
			t.Fatalf("sweep processed %d, want 2 (one fails, one is leased)", got)
		}
		now = now.Add(ingestLease + time.Second)
		if err := g.drain(ctx, false); err != nil {
			t.Fatal(err)
		}
		if got := processed.Load(); got != 3 {
			t.Fatalf("after the lease: processed %d, want 3 (one fails again)", got)
		}
		fail.Store(false)
		if err := g.drain(ctx, false); err != nil || processed.Load() != 3 {
			t.Fatalf("failed row retried before its backoff: %d, %v", processed.Load(), err)
		}
		now = now.Add(ingestBackoff(2) + time.Second)
		if err := g.drain(ctx, false); err != nil || processed.Load() != 4 {
			t.Fatalf("failed row not retried when due: %d, %v", processed.Load(), err)
		}
		for i := 1; i <= 4; i++ {
			if a, _ := h.Store.InboxActivityByActivityID(ctx, ingestRow(i).ActivityID); a == nil || a.ProcessedAt == 0 {
				t.Errorf("activity %d not processed", i)
			}
		}
	})
}

package federation

import (
	"testing"
	"time"
)

// A batch worker's write waits for a group commit of the inbox under way
// (SQLite), and not on PostgreSQL.
func TestIngestYieldsToInboxCommit(t *testing.T) {
	for _, yields := range []bool{true, false} {
		g := &ingest{yields: yields}
		g.inboxTurn.Lock() // a group commit is writing
		done := make(chan struct{})
		go func() {
			g.yieldToInbox()
			close(done)
		}()
		select {
		case <-done:
			if yields {
				t.Fatal("the worker wrote during the inbox's group commit")
			}
		case <-time.After(50 * time.Millisecond):
			if !yields {
				t.Fatal("the worker waited on PostgreSQL")
			}
		}
		g.inboxTurn.Unlock()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the worker still waits after the group commit")
		}
	}
}

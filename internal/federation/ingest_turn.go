package federation

// The inbox's turn at SQLite's single writer (docs/performance.md,
// "Federation ingest"). Every write waits for the one writer connection,
// and database/sql hands a freed connection to a waiter chosen at random.
// The inbox's group commit holds the requests of every sender waiting for
// their 202 (16 with 16 senders), while a batch worker's claim, run of
// Creates and marking are work already accepted: when the group commit
// lost the draw to a run of 50 notes, every sender waited for that run,
// then for the commit, and the inbox went at the pace of the runs. A
// batch worker now takes the inbox's turn lock, which the group commit
// holds while it waits and writes, before each of its writes: a group
// commit under way goes first, then the worker.

// yieldToInbox lets a group commit of the inbox that is under way finish
// before the caller writes (SQLite only: PostgreSQL's writers do not wait
// for one another).
func (g *ingest) yieldToInbox() {
	if !g.yields {
		return
	}
	g.inboxTurn.Lock()
	//nolint:staticcheck // an empty critical section: waiting is the point
	g.inboxTurn.Unlock()
}

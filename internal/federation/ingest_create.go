package federation

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Creates in batches (docs/performance.md, "Federation ingest"). Stored one
// at a time, each note of a batch paid its own write transaction (a fifth
// of the CPU on SQLite, a disk flush on PostgreSQL) and parsed its SQL
// again. The common Create, a note embedded by its author whose account is
// known, is prepared here with Processor.create's checks, and the run of
// such Creates in a batch is stored by statuses.CreateRemoteBatch in one
// transaction. Everything else, and any Create that fails on this path,
// goes through Processor.Process as before, in the order received.

// batchCreate is a Create prepared for CreateRemoteBatch.
type batchCreate struct {
	a      *store.InboxActivity
	in     statuses.RemoteStatus
	obj    *activitypub.Incoming // the note, for what noteStored does once it is stored
	body   []byte                // its JSON
	author *domain.Account
}

// createCandidate is a Create whose shape fits the batch path: the object
// embedded and on the actor's host, a note of the actor, neither a reply
// nor a poll vote.
type createCandidate struct {
	a    *store.InboxActivity
	obj  *activitypub.Incoming
	body []byte
	host string
}

// parseCreate checks a Create's shape, without reading the database.
func (p *Processor) parseCreate(a *store.InboxActivity) (*createCandidate, bool) {
	if a.Type != "Create" {
		return nil, false
	}
	doc, err := activitypub.Parse([]byte(a.Body))
	if err != nil || doc.Type != "Create" || doc.Actor.ID != a.ActorURI || p.r.isLocal(doc.Actor.ID) {
		return nil, false
	}
	ref := doc.Object
	if ref.Object == nil || hostOf(ref.ID) == "" || hostOf(ref.ID) != hostOf(doc.Actor.ID) {
		return nil, false // fetched from its origin: the slow path does it
	}
	obj, err := activitypub.Parse(ref.Object)
	if err != nil || createdNote(doc.Actor.ID, obj) != nil || obj.InReplyTo.ID != "" || isVote(obj) || p.r.isLocal(obj.ID) {
		return nil, false
	}
	return &createCandidate{a: a, obj: obj, body: ref.Object, host: hostOf(doc.Actor.ID)}, true
}

// createLookups is what preparing a run of Creates reads, in one query
// per kind instead of one per Create (Processor.suspended and
// resolver.account read the domain rule and the account twice each).
type createLookups struct {
	blocks   map[string]*store.DomainBlock // by host; nil: none
	accounts map[string]*store.RemoteAccount
	followed map[domain.ID]bool // authors a local account follows
}

func (p *Processor) lookupCreates(ctx context.Context, cs []*createCandidate) (*createLookups, error) {
	l := &createLookups{blocks: map[string]*store.DomainBlock{}}
	var uris []string
	seen := map[string]bool{}
	for _, c := range cs {
		if _, ok := l.blocks[c.host]; !ok {
			b, err := p.r.h.Store.DomainBlockFor(ctx, c.host)
			if err != nil {
				return nil, err
			}
			l.blocks[c.host] = b
		}
		if u := c.a.ActorURI; !seen[u] {
			seen[u] = true
			uris = append(uris, u)
		}
	}
	var err error
	if l.accounts, err = p.r.h.Store.RemoteAccountsByURI(ctx, uris); err != nil {
		return nil, err
	}
	ids := make([]domain.ID, 0, len(l.accounts))
	for _, ra := range l.accounts {
		ids = append(ids, ra.Account.ID)
	}
	if l.followed, err = p.r.h.Store.WithLocalFollowers(ctx, ids); err != nil {
		return nil, err
	}
	return l, nil
}

// prepareCreate returns the note a Create stores when it is the common
// case: the shape parseCreate checks, its author a known remote account
// refreshed lately, not suspended, of a domain not suspended, and someone
// here has a reason to see it (Processor.create's rules). ok is false
// otherwise, or on any error: the caller then processes the activity with
// Processor.Process, which applies or refuses it (and logs why) exactly as
// it always did.
func (p *Processor) prepareCreate(ctx context.Context, c *createCandidate, l *createLookups) (bc batchCreate, ok bool) {
	b := l.blocks[c.host]
	if b != nil && b.Severity == store.SeveritySuspend {
		return bc, false
	}
	ra := l.accounts[c.a.ActorURI]
	if ra == nil || ra.Account.SuspendedAt != nil || p.r.h.Now().Sub(ra.FetchedAt) >= AccountRefreshAfter {
		return bc, false // unknown or stale: the slow path fetches it
	}
	// Processor.relevant's first test is read for the whole run.
	if p.concerns(ctx, ra.Account, c.obj, l.followed[ra.Account.ID]) != nil {
		return bc, false
	}
	in, err := p.r.remoteStatus(withDomainBlock(ctx, c.host, b), c.obj, ra.Account, 0)
	if err != nil {
		return bc, false
	}
	// Its custom emoji first (emojis.go), so that it is never shown without.
	if err := p.r.keepEmojis(withDomainBlock(ctx, c.host, b), c.obj, ra.Account); err != nil {
		return bc, false
	}
	return batchCreate{a: c.a, in: *in, obj: c.obj, body: c.body, author: ra.Account}, true
}

// storeCreates stores prepared Creates together. It returns the activities
// done; the others failed on this path and are for Processor.Process.
func (p *Processor) storeCreates(ctx context.Context, cs []batchCreate) (done, failed []*store.InboxActivity) {
	ins := make([]statuses.RemoteStatus, len(cs))
	for i, c := range cs {
		ins[i] = c.in
	}
	res := p.r.statuses.CreateRemoteBatch(ctx, ins)
	// What storeNoteBody does after CreateRemote (process_notes.go), with
	// the statuses loaded in one query.
	ids := make([]domain.ID, 0, len(res))
	for _, r := range res {
		if r.Err == nil {
			ids = append(ids, r.ID)
		}
	}
	sts, err := p.r.h.Store.Statuses(ctx, ids)
	for i, r := range res {
		c := cs[i]
		st := sts[r.ID]
		if r.Err != nil || err != nil || st == nil {
			failed = append(failed, c.a)
			continue
		}
		if err := p.r.noteStored(ctx, c.obj, c.body, c.author, st); err != nil {
			failed = append(failed, c.a)
			continue
		}
		done = append(done, c.a)
	}
	return done, failed
}

// ingestPrepareWorkers bounds the Creates prepared at once in a batch:
// what remains to read per note (mentioned accounts) and the conversion
// need not wait for one another.
const ingestPrepareWorkers = 4

// prepareRun prepares the run of Creates that starts at acts[i] (up to the
// next activity of another type), setting prepared[k] for those on the
// batch path, and returns the index after the run. The activities before
// the run were applied already, and Creates of notes do not change what
// preparing another one reads (accounts, follows, domain rules), so the
// outcome is the one of preparing them in order. A panic or an error
// leaves the run to the processor, where each activity fails alone.
func (g *ingest) prepareRun(ctx context.Context, acts []*store.InboxActivity, i int, prepared []*batchCreate) (j int) {
	if g.creates == nil {
		return len(acts)
	}
	j = i
	for j < len(acts) && acts[j].Type == "Create" {
		j++
	}
	if j == i {
		return i + 1
	}
	end := j
	defer func() {
		if r := recover(); r != nil {
			clear(prepared[i:end])
			j = end
		}
	}()
	p := g.creates
	var cs []*createCandidate
	idx := map[*createCandidate]int{}
	for k := i; k < j; k++ {
		if c, ok := p.parseCreate(acts[k]); ok {
			cs = append(cs, c)
			idx[c] = k
		}
	}
	if len(cs) == 0 {
		return j
	}
	l, err := p.lookupCreates(ctx, cs)
	if err != nil {
		return j
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	var panicked atomic.Bool
	for range min(ingestPrepareWorkers, len(cs)) {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					panicked.Store(true)
				}
			}()
			for {
				n := int(next.Add(1) - 1)
				if n >= len(cs) {
					return
				}
				if bc, ok := p.prepareCreate(ctx, cs[n], l); ok {
					prepared[idx[cs[n]]] = &bc
				}
			}
		})
	}
	wg.Wait()
	if panicked.Load() {
		clear(prepared[i:j])
	}
	return j
}

// knownBlockKey carries the domain rule of a host already looked up for
// the note being prepared (resolver.rejectMedia reads it).
type knownBlockKey struct{}

type knownBlock struct {
	host string
	b    *store.DomainBlock
}

func withDomainBlock(ctx context.Context, host string, b *store.DomainBlock) context.Context {
	return context.WithValue(ctx, knownBlockKey{}, knownBlock{host: host, b: b})
}

// domainBlockFor is Store.DomainBlockFor, answered from ctx when the
// caller looked the host up already.
func (r *resolver) domainBlockFor(ctx context.Context, host string) (*store.DomainBlock, error) {
	if k, ok := ctx.Value(knownBlockKey{}).(knownBlock); ok && k.host == host {
		return k.b, nil
	}
	return r.h.Store.DomainBlockFor(ctx, host)
}

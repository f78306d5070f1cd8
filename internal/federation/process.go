package federation

import (
	"context"
	"encoding/json"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
	"github.com/agora-social/agora/internal/ratelimit"
	"github.com/agora-social/agora/internal/store"
)

// BackfillPerHostPerMinute bounds the fetches of missing reply parents
// from one remote host.
const BackfillPerHostPerMinute = 60

// Processor applies received activities: it is the InboxProcessor that
// RegisterWorkers takes (NewProcessor(h).Process).
type Processor struct {
	r     *resolver
	graph *graph.Service
	moves *ratelimit.Limiter // Moves applied per remote host
}

// NewProcessor returns the processor of h's inbox.
func NewProcessor(h *Handler) *Processor {
	r := h.resolver()
	r.backfill = ratelimit.New(BackfillPerHostPerMinute, time.Minute, h.Now)
	return &Processor{r: r, graph: graph.New(h.Store), moves: ratelimit.New(MovesPerHostPerHour, time.Hour, h.Now)}
}

// Process applies one verified activity. Activities that can never apply
// (forged, malformed, unknown types, about unknown objects) are logged and
// return nil, so that they are marked processed; other errors (database,
// network) return, and the job is retried.
func (p *Processor) Process(ctx context.Context, a *store.InboxActivity) error {
	doc, err := activitypub.Parse([]byte(a.Body))
	if err == nil && doc.Actor.ID != a.ActorURI {
		err = drop("actor %q is not the signer %q", doc.Actor.ID, a.ActorURI)
	}
	done := false
	if err == nil {
		// An actor its server had deleted may come back (reinstate.go).
		done, err = p.reinstate(ctx, doc)
	}
	if err == nil && !done {
		err = p.suspended(ctx, a.ActorURI)
	}
	if err == nil && !done {
		err = p.apply(p.relayed(ctx, a), a, doc) // relays.go: forwarded by a relay?
	}
	if err != nil && permanent(err) {
		p.r.h.Log.Info("inbox activity ignored", "type", a.Type, "id", a.ActivityID, "actor", a.ActorURI, "reason", err)
		return nil
	}
	return err
}

// suspended refuses activities of a remote account that was deleted or
// suspended here, or of a suspended domain.
func (p *Processor) suspended(ctx context.Context, actor string) error {
	b, err := p.r.h.Store.DomainBlockFor(ctx, hostOf(actor))
	if err != nil {
		return err
	}
	if b != nil && b.Severity == store.SeveritySuspend {
		return drop("domain %s is suspended", b.Domain)
	}
	a, err := p.r.h.Store.AccountByURI(ctx, actor)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if a.SuspendedAt != nil {
		return drop("actor %s is suspended", actor)
	}
	return nil
}

func (p *Processor) apply(ctx context.Context, a *store.InboxActivity, doc *activitypub.Incoming) error {
	switch doc.Type {
	case "Create":
		return p.create(ctx, doc)
	case "Update":
		return p.update(ctx, doc)
	case "Delete":
		return p.delete(ctx, doc)
	case "Follow":
		return p.follow(ctx, doc)
	case "Accept":
		return p.answer(ctx, doc, true)
	case "Reject":
		return p.answer(ctx, doc, false)
	case "Undo":
		return p.undo(ctx, doc)
	case "Announce":
		return p.announceBody(ctx, doc, []byte(a.Body))
	case "Like":
		return p.like(ctx, doc)
	case "Block":
		return p.block(ctx, doc)
	case "Flag":
		return p.flag(ctx, a, doc)
	case "Move":
		return p.move(ctx, doc)
	case "Add":
		return p.addFeatured(ctx, doc, true)
	case "Remove":
		return p.addFeatured(ctx, doc, false)
	case "QuoteRequest":
		return p.quoteRequest(ctx, doc) // quotes.go
	case "LikeRequest":
		return p.likeRequest(ctx, doc) // interactions_polite.go
	case "AnnounceRequest":
		return p.announceRequest(ctx, doc)
	case "ReplyRequest":
		return p.replyRequest(ctx, doc)
	}
	return drop("activity type %q is not supported", doc.Type)
}

// object returns the activity's object: embedded when it comes from the
// actor's own host (the signed activity vouches for it), else fetched from
// its origin, whose answer must carry the same id.
func (p *Processor) object(ctx context.Context, doc *activitypub.Incoming) (*activitypub.Incoming, error) {
	obj, _, err := p.objectBody(ctx, doc)
	return obj, err
}

// objectBody is object with the object's JSON, for the properties that
// activitypub.Incoming does not read (a Question's votersCount).
func (p *Processor) objectBody(ctx context.Context, doc *activitypub.Incoming) (*activitypub.Incoming, []byte, error) {
	ref := doc.Object
	if hostOf(ref.ID) == "" {
		return nil, nil, drop("object without an http(s) id")
	}
	if ref.Object != nil && hostOf(ref.ID) == hostOf(doc.Actor.ID) {
		obj, err := activitypub.Parse(ref.Object)
		return obj, ref.Object, err
	}
	if p.r.isLocal(ref.ID) {
		return nil, nil, drop("object %s is local: not fetched", ref.ID)
	}
	if err := p.r.fetchable(ctx, ref.ID); err != nil {
		return nil, nil, err
	}
	body, err := p.r.h.SignedGet(ctx, ref.ID, maxObjectDocument)
	if err != nil {
		return nil, nil, err
	}
	obj, err := activitypub.Parse(body)
	if err != nil {
		return nil, nil, err
	}
	if obj.ID != ref.ID {
		return nil, nil, drop("object fetched from %s has id %q", ref.ID, obj.ID)
	}
	return obj, body, nil
}

// create stores a received note. The note must be the actor's, and is
// stored only when someone here has a reason to see it: a local follower
// of the author, a mention of a local account or a reply to a known post
// (as Mastodon drops the rest).
func (p *Processor) create(ctx context.Context, doc *activitypub.Incoming) error {
	if doc.Object.Object == nil && hostOf(doc.Object.ID) != hostOf(doc.Actor.ID) {
		return drop("Create of %q, not an object of the actor's host", doc.Object.ID)
	}
	obj, body, err := p.objectBody(ctx, doc)
	if err != nil {
		return err
	}
	if err := createdNote(doc.Actor.ID, obj); err != nil {
		return err
	}
	actor, err := p.r.account(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	if actor.SuspendedAt != nil {
		return drop("actor %s is suspended", doc.Actor.ID)
	}
	if isVote(obj) {
		return p.vote(ctx, actor, obj)
	}
	if err := p.concerns(ctx, actor, obj, false); err != nil {
		return err
	}
	_, err = p.r.storeNoteBody(ctx, obj, body, 0)
	return err
}

// concerns refuses a note nobody here has a reason to see (relevant);
// followed is true when the caller knows the author has local followers.
// Processor.create and the batch path (prepareCreate) both apply it.
func (p *Processor) concerns(ctx context.Context, author *domain.Account, obj *activitypub.Incoming, followed bool) error {
	if followed {
		return nil
	}
	ok, err := p.relevant(ctx, author, obj)
	if err == nil && !ok {
		err = drop("nobody here follows %s, and the note mentions or answers nobody here", author.URI)
	}
	return err
}

// relevant reports whether a note concerns this server.
func (p *Processor) relevant(ctx context.Context, author *domain.Account, obj *activitypub.Incoming) (bool, error) {
	if p.relayRelevant(ctx, obj) { // relays.go: public, forwarded by a relay the server subscribes to
		return true, nil
	}
	if ok, err := p.r.h.Store.HasLocalFollowers(ctx, author.ID); err != nil || ok {
		return ok, err
	}
	for _, h := range append(append([]string{obj.InReplyTo.ID}, obj.To...), obj.Cc...) {
		if p.r.isLocal(h) {
			return true, nil
		}
	}
	for _, t := range obj.Tag {
		if t.Type == "Mention" && p.r.isLocal(t.Href) {
			return true, nil
		}
	}
	if obj.InReplyTo.ID != "" {
		if _, err := p.r.h.Store.StatusByURI(ctx, obj.InReplyTo.ID); err == nil {
			return true, nil
		}
	}
	return false, nil
}

// update applies an edit of the actor's note, or refreshes the actor.
func (p *Processor) update(ctx context.Context, doc *activitypub.Incoming) error {
	if doc.Object.ID == doc.Actor.ID {
		_, err := p.r.fetchAccount(ctx, doc.Actor.ID)
		return err
	}
	if hostOf(doc.Object.ID) != hostOf(doc.Actor.ID) {
		return drop("Update of %s from another host", doc.Object.ID)
	}
	prev, err := p.r.h.Store.StatusByURI(ctx, doc.Object.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return drop("Update of unknown note %s", doc.Object.ID)
	}
	if err != nil {
		return err
	}
	actor, err := p.r.knownAccount(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	if prev.AccountID != actor.ID {
		return drop("Update of %s by %s, who is not its author", doc.Object.ID, doc.Actor.ID)
	}
	obj, body, err := p.objectBody(ctx, doc)
	if err != nil {
		return err
	}
	if !isNoteType(obj.Type) {
		return drop("Update of a %q", obj.Type)
	}
	if author, err := noteAuthor(obj); err != nil || author != doc.Actor.ID {
		return drop("Update of a note attributed to someone else")
	}
	// canQuote and quotes change without an edit (quotes.go).
	if err := p.r.keepQuote(ctx, obj, actor, prev); err != nil {
		return err
	}
	// Without "updated" it is not an edit: Mastodon sends those for the
	// tallies of polls, applied without a new version (polls.go). An edit
	// comes first: a changed poll starts its tallies again.
	edited := activitypub.ParseTime(obj.Updated)
	if edited.IsZero() && obj.Type != "Question" {
		return drop("Update of %s without updated", obj.ID)
	}
	if !edited.IsZero() {
		in, err := p.r.remoteStatusBody(ctx, obj, body, actor, 0)
		if err != nil {
			return err
		}
		if err := p.r.statuses.EditRemote(ctx, prev, *in, edited); err != nil {
			return err
		}
		if err := p.r.keepEmojis(ctx, obj, actor); err != nil { // emojis.go
			return err
		}
	}
	if obj.Type == "Question" {
		return p.pollTallies(ctx, prev, obj, body)
	}
	return nil
}

// delete removes the actor's note or boost, or, when the object is the
// actor itself, what the account left here.
func (p *Processor) delete(ctx context.Context, doc *activitypub.Incoming) error {
	id := doc.Object.ID
	if id == doc.Actor.ID {
		actor, err := p.r.h.Store.AccountByURI(ctx, id)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil // never heard of: nothing to delete
		}
		if err != nil {
			return err
		}
		if actor.Local() {
			return drop("Delete of a local actor")
		}
		return p.r.h.Store.DeleteRemoteAccountContent(ctx, actor.ID)
	}
	if hostOf(id) != hostOf(doc.Actor.ID) {
		return drop("Delete of %s from another host", id)
	}
	st, err := p.r.h.Store.StatusByURI(ctx, id)
	if domain.KindOf(err) == domain.KindNotFound {
		// A revoked quote authorization (quotes_answer.go); else not stored here.
		return p.deleteQuoteAuthorization(ctx, doc)
	}
	if err != nil {
		return err
	}
	actor, err := p.r.knownAccount(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	return p.r.statuses.DeleteRemote(ctx, actor.ID, st)
}

// follow records a follow (or a follow request, for a locked account) of a
// local account, keeping the Follow's id for the Accept and Undo.
func (p *Processor) follow(ctx context.Context, doc *activitypub.Incoming) error {
	target, err := p.r.localAccount(ctx, doc.Object.ID)
	if err != nil {
		return drop("Follow of %q, not a local account", doc.Object.ID)
	}
	if target.SuspendedAt != nil {
		return drop("Follow of a suspended account")
	}
	actor, err := p.r.account(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	if actor.Local() {
		return drop("Follow by a local actor over federation")
	}
	blocked, err := p.r.h.Store.BlockedEither(ctx, actor.ID, target.ID)
	if err != nil || blocked {
		if err == nil {
			err = drop("Follow between blocked accounts")
		}
		return err
	}
	o := store.FollowOptions{URI: doc.ID}
	if target.Locked {
		following, err := p.r.h.Store.IsFollowing(ctx, actor.ID, target.ID)
		if err != nil {
			return err
		}
		if !following {
			_, err = p.r.h.Store.RequestFollow(ctx, actor.ID, target.ID, o)
			return err
		}
	}
	_, err = p.r.h.Store.Follow(ctx, actor.ID, target.ID, o)
	return err
}

// followRef is a Follow named by id or embedded (actor and object).
type followRef struct {
	ID     string
	Actor  activitypub.Ref `json:"actor"`
	Object activitypub.Ref `json:"object"`
}

// answer applies the Accept or Reject of a Follow a local account sent to
// the actor: matched by the Follow's id, else by its actor and object.
func (p *Processor) answer(ctx context.Context, doc *activitypub.Incoming, accept bool) error {
	// A relay's answer to the server's subscription (relays.go): the
	// relay's actor need not be an account here.
	if handled, err := p.answerRelay(ctx, nil, doc, accept); handled || err != nil {
		return err
	}
	actor, err := p.r.knownAccount(ctx, doc.Actor.ID)
	if err != nil {
		return drop("answer from an unknown actor")
	}
	// Answers to a quote request (quotes_answer.go) or to an interaction
	// that needed approval (interactions.go); else to a Follow.
	if handled, err := p.answerQuote(ctx, actor, doc, accept); handled || err != nil {
		return err
	}
	if handled, err := p.answerInteraction(ctx, actor, doc, accept); handled || err != nil {
		return err
	}
	var local domain.ID
	if from, to, _, err := p.r.h.Store.FollowByURI(ctx, doc.Object.ID); err == nil && to == actor.ID {
		local = from
	} else if doc.Object.Object != nil {
		var f followRef
		if err := json.Unmarshal(doc.Object.Object, &f); err == nil && f.Object.ID == doc.Actor.ID {
			if a, err := p.r.localAccount(ctx, f.Actor.ID); err == nil {
				local = a.ID
			}
		}
	}
	if local == 0 {
		return drop("answer to no known Follow (%s)", doc.Object.ID)
	}
	if accept {
		err := p.r.h.Store.AcceptFollowRequest(ctx, local, actor.ID)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil // already following, or withdrawn
		}
		return err
	}
	pending, err := p.r.h.Store.HasFollowRequest(ctx, local, actor.ID)
	if err != nil {
		return err
	}
	if pending {
		return p.r.h.Store.RejectFollowRequest(ctx, local, actor.ID)
	}
	// A Reject of an accepted follow ends it (Mastodon's "remove follower"),
	// without telling the rejecting server anything back.
	return p.r.h.Store.DropFollow(ctx, local, actor.ID)
}

// isVote reports whether a note is a poll vote: a name (the option), no
// content, in reply to something (the Question), as Mastodon sends them.
func isVote(obj *activitypub.Incoming) bool {
	body, _ := obj.Text()
	return obj.Type == "Note" && obj.Name != "" && body == "" && obj.InReplyTo.ID != ""
}

// vote records a vote in a local poll.
func (p *Processor) vote(ctx context.Context, voter *domain.Account, obj *activitypub.Incoming) error {
	st, err := p.r.h.Store.StatusByURI(ctx, obj.InReplyTo.ID)
	if err != nil {
		if local, ok := p.localStatus(ctx, obj.InReplyTo.ID); ok {
			st, err = local, nil
		}
	}
	if err != nil {
		return drop("vote in unknown poll %s", obj.InReplyTo.ID)
	}
	return p.r.statuses.VoteRemote(ctx, voter, st, obj.Name)
}

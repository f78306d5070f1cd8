package federation

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Featured (pinned) posts: the featured collection of local actors, the
// Add and Remove received from remote actors, and the fetch of a remote
// actor's collection when the actor is stored.

// maxFeaturedDocument bounds a fetched featured collection (Mastodon
// inlines the notes).
const maxFeaturedDocument = 1 << 20

// featured serves the account's pinned public and unlisted posts, the most
// recently pinned first, as the full notes (Mastodon inlines them too).
func (h *Handler) featured(w http.ResponseWriter, r *http.Request) {
	a := h.localAccount(w, r)
	if a == nil || !h.authorizedFetch(w, r, a) {
		return
	}
	sts, err := h.Store.FeaturedStatuses(r.Context(), a.ID, store.MaxRemoteFeatured)
	if err != nil {
		h.Log.Error("featured", "account", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	c := &activitypub.OrderedCollection{Context: activitypub.PolicyNoteContext(), ID: h.actorURI(a) + "/collections/featured",
		Type: "OrderedCollection", TotalItems: int64(len(sts)), OrderedItems: []any{}}
	notes, err := h.policyNotes(r.Context(), a, sts)
	if err != nil {
		h.Log.Error("featured notes", "account", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	for _, n := range notes {
		c.OrderedItems = append(c.OrderedItems, n)
	}
	writeAP(w, http.StatusOK, c)
}

// FeaturedArgs is the job that reads a remote account's featured
// collection into its pins.
type FeaturedArgs struct {
	AccountID int64 `json:"account_id,string"`
}

// Kind names the job in the queue.
func (FeaturedArgs) Kind() string { return "federation.featured" }

type featuredWorker struct {
	river.WorkerDefaults[FeaturedArgs]
	h *Handler
}

// enqueueFeatured asks for a read of a remote account's featured
// collection, at most once an hour per account.
func (h *Handler) enqueueFeatured(ctx context.Context, account domain.ID) {
	if h.Jobs == nil || h.Jobs.Client() == nil {
		return // no queue (tools): the collection is read on a later refresh
	}
	_, err := h.Jobs.Client().Insert(ctx, FeaturedArgs{AccountID: int64(account)},
		&river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Hour}})
	if err != nil {
		h.Log.Warn("enqueue featured fetch", "account", account, "err", err)
	}
}

// Work fetches the collection (its first page when the items are not
// inline) and pins its first store.MaxRemoteFeatured notes of the
// account's own origin, fetching the unknown ones.
func (w *featuredWorker) Work(ctx context.Context, job *river.Job[FeaturedArgs]) error {
	h := w.h
	r := h.resolver()
	a, err := h.Store.Account(ctx, domain.ID(job.Args.AccountID))
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ra, err := h.Store.RemoteAccountByURI(ctx, a.URI)
	if err != nil || a.SuspendedAt != nil {
		return nil
	}
	if err := w.featuredTags(ctx, a); err != nil {
		return err
	}
	if ra.FeaturedURL == "" {
		return nil
	}
	items, err := w.items(ctx, ra.FeaturedURL, hostOf(a.URI))
	if err != nil {
		if permanent(err) {
			h.Log.Debug("featured collection", "account", a.URI, "err", err)
			return nil
		}
		return err
	}
	var ids []domain.ID
	for _, it := range items {
		if len(ids) >= store.MaxRemoteFeatured {
			break
		}
		st, err := r.featuredStatus(ctx, a, it)
		if err != nil {
			h.Log.Debug("featured item", "account", a.URI, "item", it.ID, "err", err)
			continue
		}
		ids = append(ids, st.ID)
	}
	return h.Store.SetRemoteFeatured(ctx, a.ID, ids)
}

// items reads the collection's items: inline, else on its first page (one
// more fetch at most).
func (w *featuredWorker) items(ctx context.Context, url, host string) ([]activitypub.Ref, error) {
	if hostOf(url) != host {
		return nil, drop("featured collection %s is not on the actor's host", url)
	}
	body, err := w.h.SignedGet(ctx, url, maxFeaturedDocument)
	if err != nil {
		return nil, err
	}
	c, err := activitypub.ParseCollection(body)
	if err != nil {
		return nil, err
	}
	if items := c.All(); len(items) > 0 || c.First.ID == "" {
		return items, nil
	}
	if c.First.Object != nil {
		if page, err := activitypub.ParseCollection(c.First.Object); err == nil {
			return page.All(), nil
		}
	}
	if hostOf(c.First.ID) != host {
		return nil, drop("featured page %s is not on the actor's host", c.First.ID)
	}
	body, err = w.h.SignedGet(ctx, c.First.ID, maxFeaturedDocument)
	if err != nil {
		return nil, err
	}
	page, err := activitypub.ParseCollection(body)
	if err != nil {
		return nil, err
	}
	return page.All(), nil
}

// featuredStatus returns the status a featured item names: it must be of
// the actor's origin and by the actor; known, embedded (the collection was
// fetched from that origin) or fetched.
func (r *resolver) featuredStatus(ctx context.Context, a *domain.Account, it activitypub.Ref) (*domain.Status, error) {
	if hostOf(it.ID) != hostOf(a.URI) {
		return nil, drop("featured item %s of another origin", it.ID)
	}
	st, err := r.h.Store.StatusByURI(ctx, it.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		if it.Object != nil {
			var doc *activitypub.Incoming
			if doc, err = activitypub.Parse(it.Object); err == nil {
				if doc.ID != it.ID || !isNoteType(doc.Type) {
					return nil, drop("featured item %s is not a note", it.ID)
				}
				st, err = r.storeNote(ctx, doc, MaxReplyDepth)
			}
		} else {
			st, err = r.status(ctx, it.ID, MaxReplyDepth)
		}
	}
	if err != nil {
		return nil, err
	}
	if st.AccountID != a.ID {
		return nil, drop("featured item %s is not by %s", it.ID, a.URI)
	}
	return st, nil
}

// addFeatured applies an Add (add) or Remove of one of the actor's notes
// to or from its featured collection: the remote status is pinned or
// unpinned here; or of a Hashtag to or from its featuredTags collection
// (featured_tags.go).
func (p *Processor) addFeatured(ctx context.Context, doc *activitypub.Incoming, add bool) error {
	h := p.r.h
	ra, err := h.Store.RemoteAccountByURI(ctx, doc.Actor.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return drop("%s by an unknown actor", doc.Type)
	}
	if err != nil {
		return err
	}
	if handled, err := p.addFeaturedTag(ctx, ra.Account, doc, add); handled || err != nil {
		return err
	}
	if ra.FeaturedURL == "" && doc.Target.ID != "" {
		// Stored before its featured collection was kept: read the actor.
		if _, err := p.r.fetchAccount(ctx, doc.Actor.ID); err == nil {
			if ra, err = h.Store.RemoteAccountByURI(ctx, doc.Actor.ID); err != nil {
				return err
			}
		}
	}
	if doc.Target.ID == "" || doc.Target.ID != ra.FeaturedURL {
		return drop("%s to %q, not the actor's featured collection", doc.Type, doc.Target.ID)
	}
	if hostOf(doc.Object.ID) != hostOf(doc.Actor.ID) {
		return drop("%s of %s, not an object of the actor's origin", doc.Type, doc.Object.ID)
	}
	a := ra.Account
	if !add {
		st, err := h.Store.StatusByURI(ctx, doc.Object.ID)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		return h.Store.UnpinRemote(ctx, a.ID, st.ID)
	}
	st, err := p.r.featuredStatus(ctx, a, doc.Object)
	if err != nil {
		return err
	}
	return h.Store.PinRemote(ctx, a.ID, st.ID)
}

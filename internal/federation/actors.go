package federation

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
)

// Page sizes and bounds of the collections.
const (
	CollectionPageSize = 40   // followers and following pages
	OutboxPageSize     = 20   // outbox pages
	MaxCollectionPage  = 1000 // deeper pages of followers/following are refused
)

// localAccount loads the local account of the path's {name}, writing 404
// for an unknown name and 410 for a suspended account.
func (h *Handler) localAccount(w http.ResponseWriter, r *http.Request) *domain.Account {
	a, err := h.Store.AccountByHandle(r.Context(), r.PathValue("name"), "")
	if errors.Is(err, domain.ErrNotFound) {
		writeError(w, http.StatusNotFound, "Record not found")
		return nil
	}
	if err != nil {
		h.Log.Error("load actor", "name", r.PathValue("name"), "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return nil
	}
	if a.SuspendedAt != nil {
		writeError(w, http.StatusGone, "This account has been suspended")
		return nil
	}
	return a
}

// actorURI is the ActivityPub id of a local account.
func (h *Handler) actorURI(a *domain.Account) string {
	if a.URI != "" {
		return a.URI
	}
	return activitypub.ActorURI(h.Cfg.URL, a.Username)
}

func (h *Handler) followersURI(a *domain.Account) string {
	if a.FollowersURL != "" {
		return a.FollowersURL
	}
	return h.actorURI(a) + "/followers"
}

func (h *Handler) actor(w http.ResponseWriter, r *http.Request) {
	if !wantsActivityJSON(r) {
		// Browsers get the profile page.
		http.Redirect(w, r, "/@"+r.PathValue("name"), http.StatusFound)
		return
	}
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	// In authorized-fetch mode an unsigned request gets only what verifying
	// signatures needs (Mastodon's restricted actor): the key must be
	// fetchable without a signature, or no server could sign its first GET.
	restricted := h.Cfg.Federation.AuthorizedFetch && !signed(r)
	if h.Cfg.Federation.AuthorizedFetch && !restricted {
		if _, ok := h.fetchSigner(w, r, a, true); !ok {
			return
		}
	}
	act, err := h.actorDocument(r.Context(), a)
	if err != nil {
		h.Log.Error("actor document", "account", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	if restricted {
		w.Header().Add("Vary", "Signature")
		writeAP(w, http.StatusOK, map[string]any{
			"@context": act.Context, "id": act.ID, "type": act.Type, "preferredUsername": act.PreferredUsername,
			"inbox": act.Inbox, "outbox": act.Outbox, "publicKey": act.PublicKey, "endpoints": act.Endpoints,
		})
		return
	}
	writeAP(w, http.StatusOK, act)
}

// actorDocument renders a local account's actor document, with its
// aliases (alsoKnownAs) and, once it moved, movedTo: served at the actor's
// id and sent in Updates of the actor.
func (h *Handler) actorDocument(ctx context.Context, a *domain.Account) (*activitypub.Actor, error) {
	keys, err := h.Store.AccountKeys(ctx, a.ID, httpsig.GenerateKey)
	if err != nil {
		return nil, err
	}
	aka, err := h.Store.AccountAliases(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	domains, err := h.Store.AttributionDomains(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	act := activitypub.NewActor(a, activitypub.ActorOptions{
		BaseURL:            h.Cfg.URL,
		PublicKey:          keys.Public,
		AvatarURL:          h.Cfg.URL + domain.AvatarMissing,
		HeaderURL:          h.Cfg.URL + domain.HeaderMissing,
		AlsoKnownAs:        aka,
		AttributionDomains: domains,
	})
	if a.MovedToAccountID != 0 {
		if to, err := h.Store.Account(ctx, a.MovedToAccountID); err == nil && to.URI != "" {
			act.MovedTo = to.URI
		}
	}
	emojis, err := h.ActorEmojis(ctx, a) // emojis.go: the custom emoji of its name, bio and fields
	if err != nil {
		return nil, err
	}
	act.Tag = append(act.Tag, emojis...)
	return act, nil
}

func (h *Handler) instanceActor(w http.ResponseWriter, r *http.Request) {
	keys, err := h.Store.InstanceActorKeys(r.Context(), httpsig.GenerateKey)
	if err != nil {
		h.Log.Error("instance actor keys", "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	writeAP(w, http.StatusOK, activitypub.InstanceActor(h.Cfg.URL, h.Cfg.Domain, keys.Public))
}

func (h *Handler) followers(w http.ResponseWriter, r *http.Request) { h.graphCollection(w, r, true) }
func (h *Handler) following(w http.ResponseWriter, r *http.Request) { h.graphCollection(w, r, false) }

// graphCollection serves followers or following: the count is public, the
// items only when the account does not hide its collections.
func (h *Handler) graphCollection(w http.ResponseWriter, r *http.Request, followers bool) {
	a := h.localAccount(w, r)
	if a == nil || !h.authorizedFetch(w, r, a) {
		return
	}
	id, total := h.actorURI(a)+"/following", a.FollowingCount
	if followers {
		id, total = h.followersURI(a), a.FollowersCount
	}
	pageParam := r.URL.Query().Get("page")
	if pageParam == "" {
		c := &activitypub.OrderedCollection{Context: activitypub.ActorContext[0], ID: id, Type: "OrderedCollection", TotalItems: total}
		if !a.HideCollections {
			c.First = activitypub.PageURL(id, "page", "1")
		}
		writeAP(w, http.StatusOK, c)
		return
	}
	page, err := strconv.Atoi(pageParam)
	if err != nil || page < 1 || page > MaxCollectionPage {
		writeError(w, http.StatusUnprocessableEntity, "page must be a number from 1 to "+strconv.Itoa(MaxCollectionPage))
		return
	}
	if a.HideCollections {
		writeError(w, http.StatusForbidden, "This account hides its network")
		return
	}
	uris, err := h.Store.FollowerURIs(r.Context(), a.ID, followers, CollectionPageSize+1, (page-1)*CollectionPageSize)
	if err != nil {
		h.Log.Error("collection page", "account", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	p := &activitypub.OrderedCollectionPage{
		Context: activitypub.ActorContext[0],
		ID:      activitypub.PageURL(id, "page", strconv.Itoa(page)),
		Type:    "OrderedCollectionPage", TotalItems: &total, PartOf: id, OrderedItems: []any{},
	}
	if len(uris) > CollectionPageSize {
		uris = uris[:CollectionPageSize]
		p.Next = activitypub.PageURL(id, "page", strconv.Itoa(page+1))
	}
	if page > 1 {
		p.Prev = activitypub.PageURL(id, "page", strconv.Itoa(page-1))
	}
	for _, u := range uris {
		p.OrderedItems = append(p.OrderedItems, u)
	}
	writeAP(w, http.StatusOK, p)
}

// outbox serves the account's public and unlisted posts and boosts as
// Create and Announce activities, paged by status id like Mastodon.
func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	// The signer, when there is one (required in authorized-fetch mode):
	// a server where a has followers also gets its followers-only posts.
	f, ok := h.fetchSigner(w, r, a, h.Cfg.Federation.AuthorizedFetch)
	if !ok {
		return
	}
	id := h.actorURI(a) + "/outbox"
	q := r.URL.Query()
	if q.Get("page") == "" {
		n, err := h.Store.CountOutbox(r.Context(), a.ID)
		if err != nil {
			h.Log.Error("count outbox", "account", a.ID, "err", err)
			writeError(w, http.StatusInternalServerError, "An internal error occurred")
			return
		}
		writeAP(w, http.StatusOK, &activitypub.OrderedCollection{
			Context: activitypub.ActorContext[0], ID: id, Type: "OrderedCollection", TotalItems: n,
			First: activitypub.PageURL(id, "page", "true"),
			Last:  activitypub.PageURL(id, "page", "true", "min_id", "0"),
		})
		return
	}
	p := domain.Page{Limit: OutboxPageSize}
	for _, f := range []struct {
		name string
		dst  *domain.ID
	}{{"max_id", &p.MaxID}, {"min_id", &p.MinID}} {
		v := q.Get(f.name)
		if v == "" || (v == "0" && f.name == "max_id") {
			continue
		}
		if v == "0" { // min_id=0 is the last (oldest) page: every id is above 1
			*f.dst = 1
			continue
		}
		n, ok := domain.ParseID(v)
		if !ok {
			writeError(w, http.StatusUnprocessableEntity, f.name+" must be a status id")
			return
		}
		*f.dst = n
	}
	withPrivate := false
	if f != nil {
		var err error
		if withPrivate, err = h.Store.FollowedFromDomain(r.Context(), a.ID, f.host); err != nil {
			h.Log.Error("outbox followers", "account", a.ID, "err", err)
			writeError(w, http.StatusInternalServerError, "An internal error occurred")
			return
		}
	}
	if withPrivate {
		// The answer depends on the signer: shared caches must not keep it.
		w.Header().Set("Cache-Control", "private")
		w.Header().Add("Vary", "Signature")
	}
	items, err := h.Store.OutboxStatuses(r.Context(), a.ID, p, withPrivate)
	if err != nil {
		h.Log.Error("outbox page", "account", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	actorURI, followersURI := h.actorURI(a), h.followersURI(a)
	pageID := activitypub.PageURL(id, "page", "true")
	switch {
	case p.MaxID != 0:
		pageID = activitypub.PageURL(id, "page", "true", "max_id", p.MaxID.String())
	case p.MinID != 0:
		pageID = activitypub.PageURL(id, "page", "true", "min_id", p.MinID.String())
	}
	page := &activitypub.OrderedCollectionPage{Context: activitypub.PolicyNoteContext(), ID: pageID, Type: "OrderedCollectionPage",
		PartOf: id, OrderedItems: []any{}}
	// The outbox rows carry only what paging needs: the notes are rendered
	// from the full statuses, in a few batched queries for the page.
	var ids []domain.ID
	for _, it := range items {
		if it.ReblogOfID == 0 {
			ids = append(ids, it.ID)
		}
	}
	full, err := h.Store.Statuses(r.Context(), ids)
	if err != nil {
		h.Log.Error("outbox statuses", "account", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	var sts []*domain.Status
	for _, id := range ids {
		if st := full[id]; st != nil {
			sts = append(sts, st)
		}
	}
	notes, err := h.policyNotes(r.Context(), a, sts)
	if err != nil {
		h.Log.Error("outbox notes", "account", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	byID := make(map[domain.ID]*activitypub.PolicyNote, len(notes))
	for i, st := range sts {
		byID[st.ID] = notes[i]
	}
	for i := range items {
		it := &items[i]
		if it.ReblogOfID != 0 {
			if it.ReblogOfURI != "" {
				page.OrderedItems = append(page.OrderedItems, activitypub.NewAnnounce(actorURI, followersURI, &it.Status, it.ReblogOfURI))
			}
			continue
		}
		// The same full note as the status's own id serves.
		pn := byID[it.ID]
		if pn == nil {
			continue // deleted since the page was read
		}
		c := activitypub.NewCreate(actorURI, pn.Note)
		c.Object = pn
		page.OrderedItems = append(page.OrderedItems, c)
	}
	if len(items) > 0 {
		page.Next = activitypub.PageURL(id, "page", "true", "max_id", items[len(items)-1].ID.String())
		page.Prev = activitypub.PageURL(id, "page", "true", "min_id", items[0].ID.String())
	}
	writeAP(w, http.StatusOK, page)
}

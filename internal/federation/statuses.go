package federation

import (
	"errors"
	"net/http"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// status serves a local post as a Note (or, at .../activity, the Create or
// Announce that published it), with content negotiation like actors.
// Public and unlisted posts are served to anyone (in authorized-fetch mode,
// to any valid signer whose domain federates and whom the author does not
// block). A followers-only post is served only to a signed request from a
// server where the author has a follower (that server receives the post by
// delivery already); direct posts are never served (404).
func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	id, ok := domain.ParseID(r.PathValue("id"))
	if !wantsActivityJSON(r) {
		http.Redirect(w, r, "/@"+name+"/"+r.PathValue("id"), http.StatusFound)
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	var f *fetcher
	if h.Cfg.Federation.AuthorizedFetch {
		if f, ok = h.fetchSigner(w, r, a, true); !ok {
			return
		}
	}
	it, err := h.Store.OutboxStatus(r.Context(), a.ID, id)
	if errors.Is(err, domain.ErrNotFound) {
		it, ok = h.privateStatus(w, r, a, id, f)
		if !ok {
			return
		}
		err = nil
	}
	if err != nil {
		h.Log.Error("load status", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	actorURI, followersURI := h.actorURI(a), h.followersURI(a)
	activity := r.PathValue("activity") != ""
	if it.ReblogOfID != 0 {
		// A boost has no Note of its own: only its Announce exists.
		if !activity || it.ReblogOfURI == "" {
			writeError(w, http.StatusNotFound, "Record not found")
			return
		}
		ann := activitypub.NewAnnounce(actorURI, followersURI, &it.Status, it.ReblogOfURI)
		ann.Context = activitypub.NoteContext
		writeAP(w, http.StatusOK, ann)
		return
	}
	// The same Note as was delivered (mentions, hashtags, poll, media,
	// interaction policy), from the whole status: it holds only what
	// outbox pages need.
	full, err := h.Store.Status(r.Context(), it.ID)
	if err != nil {
		h.Log.Error("load status", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	pn, err := h.statusPolicyNote(r.Context(), a, full)
	if err != nil {
		h.Log.Error("render status", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	if activity {
		c := activitypub.NewCreate(actorURI, pn.Note)
		c.Context, c.Object = activitypub.PolicyNoteContext(), pn
		writeAP(w, http.StatusOK, c)
		return
	}
	pn.Context = activitypub.PolicyNoteContext()
	writeAP(w, http.StatusOK, pn)
}

// statusActivity serves .../statuses/{id}/activity.
func (h *Handler) statusActivity(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("activity", "1")
	h.status(w, r)
}

// privateStatus loads a post that is not public for a signed request from
// a server that may see it: a followers-only post for a server where a has
// a follower or that the post mentions, a direct post for a server it
// mentions (so that the recipients' servers can fetch what was delivered,
// or a reply's missing parent); anything else is 404 (f is the verified
// signer, or nil when not verified yet). ok false means the answer is
// written.
func (h *Handler) privateStatus(w http.ResponseWriter, r *http.Request, a *domain.Account, id domain.ID, f *fetcher) (*store.OutboxItem, bool) {
	ctx := r.Context()
	st, err := h.Store.Status(ctx, id)
	notFound := errors.Is(err, domain.ErrNotFound)
	if err != nil && !notFound {
		h.Log.Error("load status", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return nil, false
	}
	if notFound || st.AccountID != a.ID || (st.Visibility != domain.Private && st.Visibility != domain.Direct) || st.ReblogOfID != 0 {
		writeError(w, http.StatusNotFound, "Record not found")
		return nil, false
	}
	if f == nil {
		var ok bool
		if f, ok = h.fetchSigner(w, r, a, false); !ok {
			return nil, false
		}
	}
	may := false
	if f != nil {
		may, err = h.Store.MentionedOnDomain(ctx, st.ID, f.host)
		if err == nil && !may && st.Visibility == domain.Private {
			may, err = h.Store.FollowedFromDomain(ctx, a.ID, f.host)
		}
		if err != nil {
			h.Log.Error("check the signer's audience", "id", id, "err", err)
			writeError(w, http.StatusInternalServerError, "An internal error occurred")
			return nil, false
		}
	}
	if !may {
		writeError(w, http.StatusNotFound, "Record not found")
		return nil, false
	}
	// The answer depends on the signer: shared caches must not keep it.
	w.Header().Set("Cache-Control", "private")
	w.Header().Add("Vary", "Signature")
	return &store.OutboxItem{Status: *st}, true
}

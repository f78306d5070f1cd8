package federation

import (
	"errors"
	"net/http"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// status serves a local post as a Note (or, at .../activity, the Create or
// Announce that published it), with content negotiation like actors. Only
// public and unlisted posts are served: followers-only and direct posts
// need authorized fetch, which is not implemented yet, so they are 404.
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
	it, err := h.Store.OutboxStatus(r.Context(), a.ID, id)
	if errors.Is(err, domain.ErrNotFound) {
		writeError(w, http.StatusNotFound, "Record not found")
		return
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
	// The same Note as was delivered: mentions, hashtags, poll, media.
	note, err := h.statusNote(r.Context(), a, &it.Status)
	if err != nil {
		h.Log.Error("render status", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	if activity {
		c := activitypub.NewCreate(actorURI, note)
		c.Context = activitypub.NoteContext
		writeAP(w, http.StatusOK, c)
		return
	}
	note.Context = activitypub.NoteContext
	writeAP(w, http.StatusOK, note)
}

// statusActivity serves .../statuses/{id}/activity.
func (h *Handler) statusActivity(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("activity", "1")
	h.status(w, r)
}

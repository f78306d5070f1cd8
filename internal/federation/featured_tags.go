package federation

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/activitypub"
)

// featuredTags serves the account's featured hashtags as Mastodon does: a
// Collection of Hashtag objects (name "#Tag", href the tag's page), in the
// order they were featured. It is public like the profile (authorized fetch
// applies as to the actor).
func (h *Handler) featuredTags(w http.ResponseWriter, r *http.Request) {
	a := h.localAccount(w, r)
	if a == nil || !h.authorizedFetch(w, r, a) {
		return
	}
	tags, err := h.Store.FeaturedTags(r.Context(), a.ID)
	if err != nil {
		h.Log.Error("featured tags", "err", err)
		writeError(w, http.StatusServiceUnavailable, "Could not load the featured tags; try again later")
		return
	}
	items := make([]any, 0, len(tags))
	for _, f := range tags {
		name := f.Tag.DisplayName
		if name == "" {
			name = f.Tag.Name
		}
		items = append(items, map[string]string{"type": "Hashtag", "href": h.Cfg.URL + "/tags/" + strings.ToLower(f.Tag.Name), "name": "#" + name})
	}
	writeAP(w, http.StatusOK, map[string]any{
		"@context": activitypub.NoteContext, "id": h.actorURI(a) + "/collections/tags", "type": "Collection",
		"totalItems": len(items), "items": items,
	})
}

// instanceOutbox is the instance actor's outbox: it posts nothing.
func (h *Handler) instanceOutbox(w http.ResponseWriter, r *http.Request) {
	writeAP(w, http.StatusOK, &activitypub.OrderedCollection{
		Context: activitypub.NoteContext, ID: h.Cfg.URL + "/actor/outbox", Type: "OrderedCollection", OrderedItems: []any{},
	})
}

package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/search"
	"github.com/agora-social/agora/internal/store"
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

// featuredTags reads a remote account's featuredTags collection into its
// featured hashtags (the first store.MaxRemoteFeaturedTags valid ones).
func (w *featuredWorker) featuredTags(ctx context.Context, a *domain.Account) error {
	h := w.h
	url, err := h.Store.FeaturedTagsURL(ctx, a.ID)
	if err != nil || url == "" {
		return err
	}
	items, err := w.items(ctx, url, hostOf(a.URI))
	if err != nil {
		if permanent(err) {
			h.Log.Debug("featured tags collection", "account", a.URI, "err", err)
			return nil
		}
		return err
	}
	var tags []store.TagName
	for _, it := range items {
		if t, ok := hashtagOf(it.Object); ok && len(tags) < store.MaxRemoteFeaturedTags {
			tags = append(tags, t)
		}
	}
	return h.Store.SetRemoteFeaturedTags(ctx, a.ID, tags)
}

// addFeaturedTag applies the Add or Remove of a Hashtag to or from the
// actor's featuredTags collection; handled is false for other Adds.
func (p *Processor) addFeaturedTag(ctx context.Context, a *domain.Account, doc *activitypub.Incoming, add bool) (handled bool, err error) {
	h := p.r.h
	url, err := h.Store.FeaturedTagsURL(ctx, a.ID)
	if err != nil {
		return true, err
	}
	t, ok := hashtagOf(doc.Object.Object)
	if !ok {
		return false, nil
	}
	if url == "" || doc.Target.ID != url {
		return true, drop("%s of a hashtag to %q, not the actor's featuredTags collection", doc.Type, doc.Target.ID)
	}
	if add {
		return true, h.Store.AddRemoteFeaturedTag(ctx, a.ID, t)
	}
	return true, h.Store.RemoveRemoteFeaturedTag(ctx, a.ID, t.Name)
}

// hashtagOf reads an inline Hashtag object ({"type": "Hashtag", "name":
// "#Tag"}): its name, valid as a hashtag.
func hashtagOf(raw json.RawMessage) (store.TagName, bool) {
	var o struct {
		Type activitypub.Type `json:"type"`
		Name string           `json:"name"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &o) != nil || o.Type != "Hashtag" {
		return store.TagName{}, false
	}
	name, display, ok := search.NormalizeTag(strings.TrimPrefix(o.Name, "#"))
	return store.TagName{Name: name, Display: display}, ok
}

package federation

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

// Limits of received custom emoji (docs/federation.md, "Custom emoji").
const (
	// maxEmojiTags is how many Emoji tags of one note or actor are read.
	maxEmojiTags = 50
	// maxEmojiFetches is how many emoji images one note or actor may make
	// agora copy (new or changed ones); the others are copied when a later
	// object uses them.
	maxEmojiFetches = 10
	// emojiFetchBudget is the time one object may spend copying emoji
	// images; the rest wait for a later object.
	emojiFetchBudget = 15 * time.Second
	// maxEmojiFailures is how often copying an emoji's image may fail
	// before it is left alone (until its icon URL or "updated" changes).
	maxEmojiFailures = 3
)

// EmojiMedia stores and deletes emoji images: the media service.
type EmojiMedia interface {
	FetchEmojiImage(ctx context.Context, rawURL string) (*media.EmojiImage, error)
	ForgetEmojiImage(ctx context.Context, keys ...string)
}

// emojiMedias holds each Handler's media service for emoji images, opened
// on first use from the configuration (the same storage the media service
// uses) unless SetEmojiMedia gave one.
var emojiMedias sync.Map // *Handler -> *emojiMediaState

type emojiMediaState struct {
	once sync.Once
	m    EmojiMedia
	err  error
}

func (h *Handler) emojiState() *emojiMediaState {
	s, _ := emojiMedias.LoadOrStore(h, &emojiMediaState{})
	return s.(*emojiMediaState)
}

// SetEmojiMedia sets the media service that copies remote emoji images
// (app.Open passes its own; without it one is opened from Cfg).
func (h *Handler) SetEmojiMedia(m EmojiMedia) {
	s := h.emojiState()
	s.once.Do(func() {})
	s.m, s.err = m, nil
}

func (h *Handler) emojiMedia(ctx context.Context) (EmojiMedia, error) {
	s := h.emojiState()
	s.once.Do(func() {
		h.init()
		storage, err := media.OpenStorage(ctx, h.Cfg.Media, h.Cfg.Data)
		if err != nil {
			s.err = err
			return
		}
		s.m = &media.Service{Cfg: h.Cfg, Store: h.Store, Storage: storage, Log: h.Log, Client: h.Client}
	})
	return s.m, s.err
}

// keepEmojis stores the custom emoji a received note carries (its Emoji
// tags), on every path that stores a note (noteStored).
func (r *resolver) keepEmojis(ctx context.Context, doc *activitypub.Incoming, author *domain.Account) error {
	return r.keepEmojiTags(ctx, doc.Tag, author)
}

// keepEmojiTags stores the Emoji tags of a note or actor of author as
// emoji of author's domain (whatever the host of their id or icon, as
// Mastodon does), copying their images through the guarded client: a new
// emoji, one whose icon URL or "updated" changed, or one whose copy failed
// fewer than maxEmojiFailures times. Nothing is stored from a domain
// whose media an admin rejects: its posts show the shortcodes as text.
// A failed copy never fails the note.
func (r *resolver) keepEmojiTags(ctx context.Context, tags []activitypub.Tag, author *domain.Account) error {
	if author == nil || author.Domain == "" {
		return nil
	}
	emojis := activitypub.Emojis(tags)
	if len(emojis) == 0 {
		return nil
	}
	if reject, err := r.rejectMedia(ctx, author.Domain); err != nil || reject {
		return err
	}
	if len(emojis) > maxEmojiTags {
		emojis = emojis[:maxEmojiTags]
	}
	fetches, start := 0, time.Now()
	seen := map[string]bool{}
	for _, t := range emojis {
		if !store.ValidShortcode(t.Shortcode) || httpURL(t.IconURL) == "" || seen[t.Shortcode] {
			continue
		}
		seen[t.Shortcode] = true
		old, err := r.h.Store.CustomEmojiByCode(ctx, author.Domain, t.Shortcode)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if old != nil && !emojiChanged(old, t) {
			continue
		}
		if fetches >= maxEmojiFetches || time.Since(start) > emojiFetchBudget {
			continue
		}
		fetches++
		if err := r.copyEmoji(ctx, author.Domain, t, old); err != nil {
			return err
		}
	}
	return nil
}

// emojiChanged reports whether a stored remote emoji needs its image
// copied (again) for tag t.
func emojiChanged(old *store.CustomEmoji, t activitypub.EmojiTag) bool {
	if old.RemoteURL != t.IconURL {
		return true
	}
	if t.Updated != "" && t.Updated != old.RemoteUpdated {
		nt, err1 := time.Parse(time.RFC3339, t.Updated)
		ot, err2 := time.Parse(time.RFC3339, old.RemoteUpdated)
		if err1 == nil && (err2 != nil || nt.After(ot)) {
			return true
		}
	}
	return old.ImageKey == "" && old.FetchFailures < maxEmojiFailures
}

// copyEmoji fetches the icon of t and saves the emoji (with its failure
// counted when the fetch fails: shown as text until a copy succeeds).
func (r *resolver) copyEmoji(ctx context.Context, dom string, t activitypub.EmojiTag, old *store.CustomEmoji) error {
	m, err := r.h.emojiMedia(ctx)
	if err != nil {
		return err
	}
	e := &store.CustomEmoji{Shortcode: t.Shortcode, Domain: dom, URI: httpURL(t.ID), RemoteURL: t.IconURL, RemoteUpdated: t.Updated}
	img, ferr := m.FetchEmojiImage(ctx, t.IconURL)
	if ferr != nil {
		r.h.Log.Debug("remote emoji not copied", "shortcode", t.Shortcode, "domain", dom, "err", ferr)
		e.FetchFailures = 1
		if old != nil && old.RemoteURL == t.IconURL {
			e.FetchFailures = old.FetchFailures + 1
			// Keep the previous copy, if any, while the new one fails.
			e.ImageKey, e.StaticKey, e.ContentType, e.Width, e.Height = old.ImageKey, old.StaticKey, old.ContentType, old.Width, old.Height
			e.RemoteUpdated = old.RemoteUpdated
		}
	} else {
		e.ImageKey, e.StaticKey, e.ContentType, e.Width, e.Height = img.Key, img.StaticKey, img.ContentType, img.Width, img.Height
	}
	prev, err := r.h.Store.SaveRemoteEmoji(ctx, e)
	if err != nil {
		if img != nil {
			m.ForgetEmojiImage(ctx, img.Key, img.StaticKey)
		}
		if errors.Is(err, domain.ErrConflict) {
			return nil // stored by a concurrent note
		}
		return err
	}
	if prev != nil && prev.ImageKey != e.ImageKey {
		m.ForgetEmojiImage(ctx, prev.ImageKey, prev.StaticKey)
	}
	return nil
}

// localEmojis returns, for each text, the enabled local emoji it uses as
// ActivityPub Emoji tags, in one query for all of them.
func (h *Handler) localEmojis(ctx context.Context, texts [][]string) ([][]activitypub.Emoji, error) {
	out := make([][]activitypub.Emoji, len(texts))
	codes := make([][]string, len(texts))
	var all []string
	for i, t := range texts {
		codes[i] = store.Shortcodes(t...)
		all = append(all, codes[i]...)
	}
	if len(all) == 0 {
		return out, nil
	}
	if h.MediaURL == nil {
		return out, nil // no media service (tools): no images to point to
	}
	found, err := h.Store.EmojisFor(ctx, map[string][]string{"": all})
	if err != nil {
		return nil, err
	}
	for i, cs := range codes {
		for _, c := range cs {
			if e := found[store.EmojiKey{Shortcode: c}]; e != nil {
				out[i] = append(out[i], h.emojiObject(e))
			}
		}
	}
	return out, nil
}

// emojiObject renders a local emoji (h.MediaURL is set).
func (h *Handler) emojiObject(e *store.CustomEmoji) activitypub.Emoji {
	return activitypub.NewEmoji(h.Cfg.URL+"/emojis/"+e.ID.String(), e.Shortcode, e.ContentType, h.MediaURL(e.ImageKey), e.UpdatedAt)
}

// ActorEmojis returns the Emoji tags of a local account's profile (display
// name, bio, field names and values), for its actor document.
func (h *Handler) ActorEmojis(ctx context.Context, a *domain.Account) ([]any, error) {
	texts := []string{a.DisplayName, a.Note}
	for _, f := range a.Fields {
		texts = append(texts, f.Name, f.Value)
	}
	list, err := h.localEmojis(ctx, [][]string{texts})
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(list[0]))
	for _, e := range list[0] {
		out = append(out, e)
	}
	return out, nil
}

// ServeEmoji answers GET /emojis/{id}: a local, enabled emoji as its
// Emoji document (others are not found).
func (h *Handler) ServeEmoji(w http.ResponseWriter, r *http.Request) {
	h.init()
	id, ok := domain.ParseID(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	e, err := h.Store.CustomEmoji(r.Context(), id)
	if err != nil || e.Domain != "" || !e.Usable() {
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			h.Log.Error("load emoji", "id", id, "err", err)
			writeError(w, http.StatusInternalServerError, "An internal error occurred")
			return
		}
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	if h.MediaURL == nil {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	doc := h.emojiObject(e)
	doc.Context = activitypub.EmojiContext
	writeAP(w, http.StatusOK, doc)
}

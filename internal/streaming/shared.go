package streaming

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// sharedWork is what one event needs once for all viewers, so that a post
// seen by thousands of connected viewers costs a few queries plus the
// viewers who see it differently, not a rendering per viewer.
type sharedWork struct {
	// excluded: viewers for whom the author is blocked (either way) or
	// muted, the viewer part of the public and hashtag timelines' rule.
	excluded map[domain.ID]bool
	// home: viewers whose home timeline shows the status (the home
	// timeline's query, for all connected viewers at once).
	home map[domain.ID]bool
	// shareable: a new public or unlisted original status, which renders
	// the same for every viewer except its author and the personal ones.
	shareable bool
	personal  map[domain.ID]bool

	mu      sync.Mutex
	pages   map[string]*onceResult[[]store.PageItem]
	renders map[string]*onceResult[*string]
	frames  map[frameKey][]byte
}

// frameKey identifies an encoded message: the same stream, event and
// rendered payload make the same bytes for every client.
type frameKey struct {
	stream, event string
	payload       *string
}

type onceResult[T any] struct {
	once sync.Once
	val  T
	err  error
}

func (h *Hub) prepareShared(ctx context.Context, ev store.Event, e *statusEvent, viewers []domain.ID) (*sharedWork, error) {
	sw := &sharedWork{pages: map[string]*onceResult[[]store.PageItem]{}, renders: map[string]*onceResult[*string]{}, frames: map[frameKey][]byte{}}
	if e == nil || len(viewers) == 0 {
		return sw, nil
	}
	var err error
	if e.public {
		if sw.excluded, err = h.Store.StreamExcluded(ctx, e.st.AccountID, viewers); err != nil {
			return nil, err
		}
	}
	st := e.st
	if sw.home, err = h.Store.HomeFeedHolders(ctx, st.ID, viewers); err != nil {
		return nil, err
	}
	if ev.Kind == store.EventUpdate && st.ReblogOfID == 0 && (st.Visibility == domain.Public || st.Visibility == domain.Unlisted) {
		if sw.personal, err = h.Store.StreamPersonalViewers(ctx, st.ConversationID, viewers); err != nil {
			return nil, err
		}
		sw.shareable = true
	}
	return sw, nil
}

// page runs a viewer-independent timeline check once per key.
func (sw *sharedWork) page(key string, fn func() ([]store.PageItem, error)) ([]store.PageItem, error) {
	sw.mu.Lock()
	r, ok := sw.pages[key]
	if !ok {
		r = &onceResult[[]store.PageItem]{}
		sw.pages[key] = r
	}
	sw.mu.Unlock()
	r.once.Do(func() { r.val, r.err = fn() })
	return r.val, r.err
}

// render runs a shared rendering once per key.
func (sw *sharedWork) render(key string, fn func() *string) *string {
	sw.mu.Lock()
	r, ok := sw.renders[key]
	if !ok {
		r = &onceResult[*string]{}
		sw.renders[key] = r
	}
	sw.mu.Unlock()
	r.once.Do(func() { r.val = fn() })
	return r.val
}

// message builds a client's message with its WebSocket encoding, shared
// by every client that gets the same one.
func (sw *sharedWork) message(sub *Subscription, event string, payload *string) Message {
	m := Message{Stream: sub.Stream(), Event: event, Payload: payload}
	k := frameKey{sub.key(), event, payload}
	sw.mu.Lock()
	defer sw.mu.Unlock()
	b, ok := sw.frames[k]
	if !ok {
		b, _ = json.Marshal(m)
		sw.frames[k] = b
	}
	m.encoded = b
	return m
}

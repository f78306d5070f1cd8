package streaming

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// dispatch turns one event into messages for this node's clients. Work per
// viewer happens only for viewers connected here, grouped by account (one
// account's connections share the checks and the rendering) and spread
// over DispatchWorkers goroutines.
func (h *Hub) dispatch(ctx context.Context, ev store.Event) {
	clients := h.snapshot()
	if len(clients) == 0 {
		return
	}
	var e *statusEvent
	if ev.Kind == store.EventUpdate || ev.Kind == store.EventStatusUpdate {
		var err error
		if e, err = h.loadStatusEvent(ctx, ev); err != nil {
			h.Log.Warn("streaming: load status", "id", ev.ID, "err", err)
			return
		}
		if e == nil {
			return // deleted meanwhile
		}
	}
	groups := map[domain.ID][]*Client{}
	var viewers []domain.ID
	for _, c := range clients {
		id := c.Viewer.AccountID()
		if _, ok := groups[id]; !ok && id != 0 {
			viewers = append(viewers, id)
		}
		groups[id] = append(groups[id], c)
	}
	shared, err := h.prepareShared(ctx, ev, e, viewers)
	if err != nil {
		h.Log.Warn("streaming: prepare event", "kind", ev.Kind, "id", ev.ID, "err", err)
		return
	}
	work := make(chan []*Client)
	var wg sync.WaitGroup
	for range min(DispatchWorkers, len(groups)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				v := &viewerWork{h: h, ev: ev, st: e, shared: shared, viewer: g[0].Viewer, checks: map[string]bool{}, rendered: map[string]*string{}}
				for _, c := range g {
					v.deliver(ctx, c)
				}
			}
		}()
	}
	for _, g := range groups {
		work <- g
	}
	close(work)
	wg.Wait()
}

// statusEvent is a created or edited status, loaded once for all viewers.
type statusEvent struct {
	st       *domain.Status
	public   bool     // public and not a boost: a candidate for public and hashtag streams
	tags     []string // lowercased, when public
	mentions []domain.ID
}

func (h *Hub) loadStatusEvent(ctx context.Context, ev store.Event) (*statusEvent, error) {
	st, err := h.Store.Status(ctx, ev.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e := &statusEvent{st: st, public: st.Visibility == domain.Public && st.ReblogOfID == 0}
	if e.public {
		tags, err := h.Store.TagsOf(ctx, []domain.ID{st.ID})
		if err != nil {
			return nil, err
		}
		for _, t := range tags[st.ID] {
			e.tags = append(e.tags, strings.ToLower(t))
		}
	}
	if st.Visibility == domain.Direct {
		m, err := h.Store.MentionsOf(ctx, []domain.ID{st.ID})
		if err != nil {
			return nil, err
		}
		e.mentions = m[st.ID]
	}
	return e, nil
}

// viewerWork is one event for one viewer (all its connections): the
// results of the timeline checks and renderings, done at most once each.
type viewerWork struct {
	h        *Hub
	ev       store.Event
	st       *statusEvent
	shared   *sharedWork
	viewer   *mastodon.Viewer
	checks   map[string]bool
	rendered map[string]*string // by filter context; nil: hidden
	follows  *bool
}

func (v *viewerWork) deliver(ctx context.Context, c *Client) {
	for _, sub := range c.Subscriptions() {
		event, payload, ok := v.message(ctx, sub)
		if !ok {
			continue
		}
		c.send(v.shared.message(sub, event, payload))
	}
}

// message decides whether the event goes to this subscription and renders
// it; errors are logged and the message skipped.
func (v *viewerWork) message(ctx context.Context, sub *Subscription) (string, *string, bool) {
	acct := v.viewer.AccountID()
	ev := v.ev
	switch ev.Kind {
	case store.EventUpdate, store.EventStatusUpdate:
		return v.statusMessage(ctx, sub)
	case store.EventDelete:
		if !v.mayKnowDeleted(ctx, sub) {
			return "", nil, false
		}
		id := ev.ID.String()
		return store.EventDelete, &id, true
	case store.EventNotification:
		if acct == 0 || acct != ev.Account {
			return "", nil, false
		}
		if sub.Name != "user:notification" && (sub.Name != "user" || !v.viewer.Token.Scopes.Has("read:notifications")) {
			return "", nil, false
		}
		p := v.render(ctx, "notification", func() (any, error) {
			n, err := v.h.Store.NotificationByID(ctx, acct, ev.ID)
			if domain.KindOf(err) == domain.KindNotFound {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return v.h.API.StreamNotification(ctx, v.viewer, n)
		})
		return store.EventNotification, p, p != nil
	case store.EventFiltersChanged:
		return store.EventFiltersChanged, nil, acct != 0 && acct == ev.Account && sub.Name == "user"
	}
	return "", nil, false
}

func (v *viewerWork) statusMessage(ctx context.Context, sub *Subscription) (string, *string, bool) {
	e, acct := v.st, v.viewer.AccountID()
	st := e.st
	page := store.StreamPage(st.ID)
	var (
		key      = sub.key()
		filterCx = "public"
		check    func() ([]store.PageItem, error)
	)
	switch sub.Name {
	case "public", "public:local", "public:remote":
		if !e.public || (sub.Name == "public:local" && !st.Local) || (sub.Name == "public:remote" && st.Local) {
			return "", nil, false
		}
		if v.shared.excluded[acct] {
			return "", nil, false
		}
		f := store.PublicFilter{Local: sub.Name == "public:local", Remote: sub.Name == "public:remote"}
		check = func() ([]store.PageItem, error) {
			// The viewer's part of the rule (blocks, mutes) is shared.excluded.
			return v.shared.page(sub.Name, func() ([]store.PageItem, error) { return v.h.Store.PublicTimeline(ctx, 0, f, page) })
		}
	case "hashtag", "hashtag:local":
		local := sub.Name == "hashtag:local"
		if !e.public || !slices.Contains(e.tags, sub.Tag) || (local && !st.Local) {
			return "", nil, false
		}
		if v.shared.excluded[acct] {
			return "", nil, false
		}
		f := store.TagFilter{Tag: sub.Tag, Local: local}
		check = func() ([]store.PageItem, error) {
			return v.shared.page(sub.key(), func() ([]store.PageItem, error) { return v.h.Store.TagTimeline(ctx, 0, f, page) })
		}
	case "user":
		filterCx = "home"
		check = func() ([]store.PageItem, error) {
			if !v.shared.home[acct] {
				return nil, nil
			}
			return []store.PageItem{{Cursor: st.ID, ID: st.ID}}, nil
		}
	case "list":
		filterCx = "home"
		check = func() ([]store.PageItem, error) {
			ids, err := v.h.Store.ListTimeline(ctx, acct, sub.List, page)
			out := make([]store.PageItem, len(ids))
			for i, id := range ids {
				out[i] = store.PageItem{Cursor: id, ID: id}
			}
			return out, err
		}
	case "direct":
		if st.Visibility != domain.Direct || (st.AccountID != acct && !slices.Contains(e.mentions, acct)) {
			return "", nil, false
		}
		p := v.render(ctx, "conversation", func() (any, error) {
			return v.h.API.StreamConversation(ctx, v.viewer, st.ConversationID)
		})
		return "conversation", p, p != nil
	default: // media streams: nothing has media yet
		return "", nil, false
	}
	in, done := v.checks[key]
	if !done {
		items, err := check()
		if err != nil {
			v.h.Log.Warn("streaming: timeline check", "stream", sub.Name, "id", st.ID, "err", err)
			return "", nil, false
		}
		in = len(items) == 1 && items[0].ID == st.ID
		v.checks[key] = in
	}
	if !in {
		return "", nil, false
	}
	render := func() (any, error) { return v.h.API.StreamStatus(ctx, v.viewer, st.ID, filterCx) }
	var p *string
	if v.shared.shareable && acct != st.AccountID && !v.shared.personal[acct] {
		kind := ":user"
		if acct == 0 {
			kind = ":anonymous"
		}
		p = v.shared.render(filterCx+kind, func() *string { return v.render(ctx, "status:"+filterCx, render) })
	} else {
		p = v.render(ctx, "status:"+filterCx, render)
	}
	return v.ev.Kind, p, p != nil
}

// render returns the JSON payload made by fn, once per key; nil when fn
// returns nothing (hidden) or fails.
func (v *viewerWork) render(ctx context.Context, key string, fn func() (any, error)) *string {
	if p, ok := v.rendered[key]; ok {
		return p
	}
	var out *string
	ent, err := fn()
	if err != nil {
		v.h.Log.Warn("streaming: render", "kind", v.ev.Kind, "id", v.ev.ID, "err", err)
	} else if ent != nil && !isNilEntity(ent) {
		if b, err := json.Marshal(ent); err == nil {
			s := string(b)
			out = &s
		}
	}
	v.rendered[key] = out
	return out
}

// isNilEntity reports a typed nil pointer returned as any.
func isNilEntity(x any) bool {
	switch e := x.(type) {
	case *mastodon.Status:
		return e == nil
	case *mastodon.Notification:
		return e == nil
	case *mastodon.Conversation:
		return e == nil
	}
	return false
}

// mayKnowDeleted says whether a deleted status's id goes to this
// subscription: public statuses to every timeline stream; unlisted ones to
// home and list streams; private ones to the author, followers and
// mentioned accounts; direct ones to the author and mentioned accounts.
func (v *viewerWork) mayKnowDeleted(ctx context.Context, sub *Subscription) bool {
	ev, acct := v.ev, v.viewer.AccountID()
	switch sub.Name {
	case "user:notification":
		return false
	case "direct":
		if ev.Visibility != domain.Direct {
			return false
		}
	case "user", "list":
	default: // public and hashtag streams
		return ev.Visibility == domain.Public
	}
	switch ev.Visibility {
	case domain.Public, domain.Unlisted:
		return true
	}
	if acct == 0 {
		return false
	}
	if acct == ev.Account || slices.Contains(ev.Mentions, acct) {
		return true
	}
	if ev.Visibility == domain.Direct {
		return false
	}
	if v.follows == nil {
		ok, err := v.h.Store.IsFollowing(ctx, acct, ev.Account)
		if err != nil {
			v.h.Log.Warn("streaming: follow check", "err", err)
		}
		v.follows = &ok
	}
	return *v.follows
}

// Package streaming serves Mastodon's streaming API: WebSocket at
// /api/v1/streaming and server-sent events at /api/v1/streaming/... The
// store announces committed changes as small events (in process on SQLite,
// through PostgreSQL LISTEN/NOTIFY across nodes); the hub turns each into
// per-viewer messages, only for viewers connected to this node, with the
// timelines' own queries and the API's own rendering.
package streaming

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits of the streaming API.
const (
	MaxSubscriptionsPerConnection = 100  // streams one connection may carry
	MaxConnectionsPerAccount      = 50   // open connections per account on one node
	ClientQueue                   = 256  // messages waiting for a slow client before it is dropped
	EventQueue                    = 4096 // events waiting for the dispatcher before new ones are dropped
	DispatchWorkers               = 8    // viewers rendered in parallel for one event
)

// Hub holds this node's streaming clients and dispatches events to them.
type Hub struct {
	API   *mastodon.API
	Store *store.Store
	Log   *slog.Logger
	// PingEvery and PongWait default to PingInterval and PongTimeout
	// (tests shorten them).
	PingEvery, PongWait time.Duration

	events  chan store.Event
	stopped chan struct{} // closed when Run returns: streams end

	mu        sync.Mutex
	clients   map[*Client]struct{}
	byAccount map[domain.ID]int
}

// New returns a hub; Run dispatches its events.
func New(api *mastodon.API, st *store.Store, log *slog.Logger) *Hub {
	return &Hub{API: api, Store: st, Log: log, PingEvery: PingInterval, PongWait: PongTimeout, events: make(chan store.Event, EventQueue),
		stopped: make(chan struct{}),
		clients: map[*Client]struct{}{}, byAccount: map[domain.ID]int{}}
}

// Publish queues an event (store.EventSink). It never blocks a writer: when
// the queue is full the event is dropped and logged.
func (h *Hub) Publish(ev store.Event) {
	select {
	case h.events <- ev:
	default:
		h.Log.Warn("streaming event queue full, event dropped", "kind", ev.Kind, "id", ev.ID)
	}
}

// Run dispatches events until ctx ends. Events are handled one after the
// other, so every client sees them in commit order.
func (h *Hub) Run(ctx context.Context) {
	defer close(h.stopped)
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-h.events:
			h.dispatch(ctx, ev)
		}
	}
}

// Client is one streaming connection (WebSocket or SSE).
type Client struct {
	Viewer *mastodon.Viewer
	out    chan Message
	done   chan struct{}
	once   sync.Once

	mu   sync.Mutex
	subs map[string]*Subscription
}

// Message is one event for a client.
type Message struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload *string  `json:"payload,omitempty"` // absent for filters_changed

	encoded []byte // the WebSocket frame, encoded once for all clients
}

// Subscription is one stream of a connection.
type Subscription struct {
	Name  string      // user, public:local, hashtag, list, ...
	Param string      // the tag or list id as the client sent it
	Tag   string      // lowercased tag
	List  *store.List // for list
}

// Stream is the subscription's stream array.
func (s *Subscription) Stream() []string {
	if s.Param != "" {
		return []string{s.Name, s.Param}
	}
	return []string{s.Name}
}

func (s *Subscription) key() string { return s.Name + "\x00" + s.Param }

// Register adds a client for viewer, unless its account has too many
// connections on this node.
func (h *Hub) Register(v *mastodon.Viewer) (*Client, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	acct := v.AccountID()
	if acct != 0 && h.byAccount[acct] >= MaxConnectionsPerAccount {
		return nil, domain.E(domain.KindRateLimited, "Too many streaming connections")
	}
	c := &Client{Viewer: v, out: make(chan Message, ClientQueue), done: make(chan struct{}), subs: map[string]*Subscription{}}
	h.clients[c] = struct{}{}
	if acct != 0 {
		h.byAccount[acct]++
	}
	return c, nil
}

// Unregister removes a client.
func (h *Hub) Unregister(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; !ok {
		return
	}
	delete(h.clients, c)
	if acct := c.Viewer.AccountID(); acct != 0 {
		if h.byAccount[acct]--; h.byAccount[acct] <= 0 {
			delete(h.byAccount, acct)
		}
	}
	c.close()
}

// Clients is the number of connected clients on this node.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// Subscribers is the number of connected clients with at least one stream.
func (h *Hub) Subscribers() int {
	n := 0
	for _, c := range h.snapshot() {
		c.mu.Lock()
		if len(c.subs) > 0 {
			n++
		}
		c.mu.Unlock()
	}
	return n
}

func (h *Hub) snapshot() []*Client {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*Client, 0, len(h.clients))
	for c := range h.clients {
		out = append(out, c)
	}
	return out
}

// Done is closed when the client is dropped.
func (c *Client) Done() <-chan struct{} { return c.done }

// Out is the client's message queue.
func (c *Client) Out() <-chan Message { return c.out }

func (c *Client) close() { c.once.Do(func() { close(c.done) }) }

// send queues m; a client too slow to keep up is dropped rather than
// holding the dispatcher or the memory.
func (c *Client) send(m Message) {
	select {
	case <-c.done:
	case c.out <- m:
	default:
		c.close()
	}
}

// Subscriptions returns a copy of the client's subscriptions.
func (c *Client) Subscriptions() []*Subscription {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Subscription, 0, len(c.subs))
	for _, s := range c.subs {
		out = append(out, s)
	}
	return out
}

// StreamError is an error sent inside the socket, as Mastodon does.
type StreamError struct {
	Message string
	Status  int
}

func (e *StreamError) Error() string { return e.Message }

// Subscribe validates and adds a stream (tag and list as the client sent
// them). The scope rules are Mastodon's: public and hashtag streams need
// none, user:notification read:notifications, the others read:statuses.
func (h *Hub) Subscribe(ctx context.Context, c *Client, name, tag, list string) error {
	sub, err := h.resolve(ctx, c.Viewer, name, tag, list)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.subs[sub.key()]; !ok && len(c.subs) >= MaxSubscriptionsPerConnection {
		return &StreamError{"Too many subscriptions on this connection", 400}
	}
	c.subs[sub.key()] = sub
	return nil
}

// Unsubscribe removes a stream; unknown streams are ignored.
func (c *Client) Unsubscribe(name, tag, list string) {
	param := tag
	if name == "list" {
		param = list
	}
	if !strings.HasPrefix(name, "hashtag") && name != "list" {
		param = ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.subs, name+"\x00"+param)
}

// knownStreams are the stream names Mastodon clients use.
var knownStreams = map[string]bool{
	"user": true, "user:notification": true, "public": true, "public:local": true, "public:remote": true,
	"public:media": true, "public:local:media": true, "public:remote:media": true,
	"hashtag": true, "hashtag:local": true, "list": true, "direct": true,
}

func (h *Hub) resolve(ctx context.Context, v *mastodon.Viewer, name, tag, list string) (*Subscription, error) {
	if !knownStreams[name] {
		return nil, &StreamError{"Unknown stream type", 400}
	}
	scopes := v.Token.Scopes
	sub := &Subscription{Name: name}
	switch {
	case strings.HasPrefix(name, "public"):
	case strings.HasPrefix(name, "hashtag"):
		t := strings.TrimPrefix(strings.TrimSpace(tag), "#")
		if t == "" || len([]rune(t)) > mastodon.MaxTagNameChars || strings.ContainsAny(t, " \t\n#") {
			return nil, &StreamError{"No tag for stream provided", 400}
		}
		sub.Param, sub.Tag = tag, strings.ToLower(t)
	case name == "user:notification":
		if v.Account == nil || !scopes.Has("read:notifications") {
			return nil, &StreamError{"Access token does not have the required scopes", 401}
		}
	default: // user, list, direct
		if v.Account == nil || !scopes.Has("read:statuses") {
			return nil, &StreamError{"Access token does not have the required scopes", 401}
		}
		if name == "list" {
			id, ok := domain.ParseID(list)
			if !ok {
				return nil, &StreamError{"Not authorized to stream this list", 401}
			}
			l, err := h.Store.List(ctx, v.Account.ID, id)
			if domain.KindOf(err) == domain.KindNotFound {
				return nil, &StreamError{"Not authorized to stream this list", 401}
			}
			if err != nil {
				return nil, err
			}
			sub.Param, sub.List = list, l
		}
	}
	return sub, nil
}

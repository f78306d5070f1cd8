package streaming_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/agora-social/agora/internal/apitest"
)

const waitFor = 10 * time.Second

// event is a message as a client receives it.
type event struct {
	Stream  []string        `json:"stream"`
	Event   string          `json:"event"`
	Payload *string         `json:"payload"`
	Error   string          `json:"error"`
	Status  int             `json:"status"`
	raw     json.RawMessage `json:"-"`
}

// status decodes the payload of an update.
func (e event) status(t *testing.T) map[string]any {
	t.Helper()
	if e.Payload == nil {
		t.Fatalf("event %s has no payload", e.Event)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(*e.Payload), &m); err != nil {
		t.Fatalf("payload is not a JSON-encoded object: %v (%q)", err, *e.Payload)
	}
	return m
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan event
}

// dial opens a WebSocket with the token in the Authorization header.
func dial(t *testing.T, s *apitest.Server, query, token string) *wsClient {
	t.Helper()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	return dialWith(t, s, query, &websocket.DialOptions{HTTPHeader: h})
}

func dialWith(t *testing.T, s *apitest.Server, query string, opts *websocket.DialOptions) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	u := "ws" + strings.TrimPrefix(s.URL, "http") + "/api/v1/streaming" + query
	conn, res, err := websocket.Dial(ctx, u, opts)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", u, err, status)
	}
	c := &wsClient{t: t, conn: conn, msgs: make(chan event, 100)}
	go func() {
		defer close(c.msgs)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			var e event
			if err := json.Unmarshal(b, &e); err != nil {
				t.Errorf("message %s: %v", b, err)
				return
			}
			e.raw = b
			c.msgs <- e
		}
	}()
	t.Cleanup(func() { _ = conn.CloseNow() })
	return c
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	if err := c.conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *wsClient) next() event {
	c.t.Helper()
	select {
	case e, ok := <-c.msgs:
		if !ok {
			c.t.Fatal("connection closed")
		}
		return e
	case <-time.After(waitFor):
		c.t.Fatal("no message within the wait")
	}
	return event{}
}

// sync makes sure earlier subscriptions are in place: messages are handled
// in order, so the error answering an unknown stream comes after them.
func (c *wsClient) sync() {
	c.t.Helper()
	c.send(map[string]string{"type": "subscribe", "stream": "no-such-stream"})
	e := c.next()
	if e.Error != "Unknown stream type" || e.Status != 400 {
		c.t.Fatalf("got %s, want the unknown stream error", e.raw)
	}
}

// collect reads n messages.
func (c *wsClient) collect(n int) []event {
	c.t.Helper()
	out := make([]event, n)
	for i := range out {
		out[i] = c.next()
	}
	return out
}

func post(t *testing.T, s *apitest.Server, u *apitest.User, text, visibility string) string {
	t.Helper()
	m := s.Must(t, 200, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": text, "visibility": visibility}).Map(t)
	return m["id"].(string)
}

func streamsOf(evs []event, kind string) []string {
	var out []string
	for _, e := range evs {
		if e.Event == kind {
			out = append(out, strings.Join(e.Stream, ","))
		}
	}
	slices.Sort(out)
	return out
}

func TestWebSocketStreams(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		list := s.Must(t, 200, "POST", "/api/v1/lists", bob.Token, map[string]any{"title": "friends"}).Map(t)["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/lists/"+list+"/accounts", bob.Token, map[string]any{"account_ids": []string{alice.AccountID}})

		c := dial(t, s, "?stream=user", bob.Token)
		c.send(map[string]string{"type": "subscribe", "stream": "public:local"})
		c.send(map[string]string{"type": "subscribe", "stream": "hashtag", "tag": "Agora"})
		c.send(map[string]string{"type": "subscribe", "stream": "list", "list": list})
		c.sync()

		id := post(t, s, alice, "hello #agora", "public")
		evs := c.collect(4)
		want := []string{"hashtag,Agora", "list," + list, "public:local", "user"}
		if got := streamsOf(evs, "update"); !slices.Equal(got, want) {
			t.Fatalf("update streams: got %v, want %v", got, want)
		}
		for _, e := range evs {
			if st := e.status(t); st["id"] != id || st["content"] == "" {
				t.Fatalf("payload: got %v, want status %s", st, id)
			}
		}

		s.Must(t, 200, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil)
		evs = c.collect(4)
		if got := streamsOf(evs, "delete"); !slices.Equal(got, want) {
			t.Fatalf("delete streams: got %v, want %v", got, want)
		}
		for _, e := range evs {
			if e.Payload == nil || *e.Payload != id {
				t.Fatalf("delete payload: got %s, want the bare id %s", e.raw, id)
			}
		}

		// A mention: a notification on the user stream.
		c.send(map[string]string{"type": "unsubscribe", "stream": "public:local"})
		c.send(map[string]string{"type": "unsubscribe", "stream": "hashtag", "tag": "Agora"})
		c.send(map[string]string{"type": "unsubscribe", "stream": "list", "list": list})
		c.sync()
		id = post(t, s, alice, "@bob look", "private")
		evs = c.collect(2)
		slices.SortFunc(evs, func(a, b event) int { return strings.Compare(a.Event, b.Event) })
		if evs[0].Event != "notification" || evs[1].Event != "update" {
			t.Fatalf("got %s and %s, want a notification and an update", evs[0].raw, evs[1].raw)
		}
		n := evs[0].status(t)
		if n["type"] != "mention" || n["status"].(map[string]any)["id"] != id || !slices.Equal(evs[0].Stream, []string{"user"}) {
			t.Fatalf("notification: got %s", evs[0].raw)
		}
	})
}

func TestWebSocketVisibilityAndBlocks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol, dave := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol"), s.NewUser(t, "dave")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/follow", bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/block", bob.Token, nil)

		c := dial(t, s, "?stream=public", bob.Token)
		c.send(map[string]string{"type": "subscribe", "stream": "user"})
		c.sync()
		post(t, s, carol, "followers only, bob does not follow carol", "private")
		post(t, s, carol, "direct to nobody", "direct")
		post(t, s, dave, "blocked by bob", "public")
		post(t, s, alice, "unlisted: home only", "unlisted")
		// Events are dispatched in order: the first one bob gets is alice's.
		e := c.next()
		if e.Event != "update" || e.status(t)["content"] != "<p>unlisted: home only</p>" || !slices.Equal(e.Stream, []string{"user"}) {
			t.Fatalf("got %s, want alice's unlisted status on the user stream only", e.raw)
		}
		last := post(t, s, alice, "public", "public")
		evs := c.collect(2)
		if got := streamsOf(evs, "update"); !slices.Equal(got, []string{"public", "user"}) {
			t.Fatalf("got %v, want public and user", got)
		}
		if evs[0].status(t)["id"] != last {
			t.Fatalf("got %s, want status %s", evs[0].raw, last)
		}
	})
}

func TestWebSocketAuth(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		// Clients find the streaming origin in the instance; dial uses it.
		inst := s.Must(t, 200, "GET", "/api/v2/instance", "", nil).Map(t)
		origin := inst["configuration"].(map[string]any)["urls"].(map[string]any)["streaming"]
		v1 := s.Must(t, 200, "GET", "/api/v1/instance", "", nil).Map(t)["urls"].(map[string]any)["streaming_api"]
		if want := "ws" + strings.TrimPrefix(s.URL, "http"); origin != want || v1 != want {
			t.Fatalf("streaming origin: got %v and %v, want %s", origin, v1, want)
		}
		u := "ws" + strings.TrimPrefix(s.URL, "http") + "/api/v1/streaming"
		for _, tc := range []struct{ name, query, header string }{
			{"missing", "", ""},
			{"bad header", "", "Bearer nope"},
			{"bad query", "?access_token=nope", ""},
		} {
			h := http.Header{}
			if tc.header != "" {
				h.Set("Authorization", tc.header)
			}
			_, res, err := websocket.Dial(context.Background(), u+tc.query, &websocket.DialOptions{HTTPHeader: h})
			if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%s: got err %v, want a 401", tc.name, err)
			}
			if res.Header.Get("X-Error-Message") == "" {
				t.Fatalf("%s: no X-Error-Message", tc.name)
			}
		}
		// masto.js sends the token as the subprotocol; it must be echoed.
		c := dialWith(t, s, "", &websocket.DialOptions{Subprotocols: []string{alice.Token}})
		if got := c.conn.Subprotocol(); got != alice.Token {
			t.Fatalf("subprotocol: got %q, want the token echoed", got)
		}
		// access_token in the query works too, with ?stream=.
		q := dialWith(t, s, "?access_token="+alice.Token+"&stream=hashtag&tag=Go", nil)
		c.send(map[string]string{"type": "subscribe", "stream": "public:local"})
		c.send(map[string]string{"type": "subscribe", "stream": "hashtag"})
		if e := c.next(); e.Error != "No tag for stream provided" {
			t.Fatalf("got %s, want the missing tag error", e.raw)
		}
		q.sync()
		id := post(t, s, alice, "#go", "public")
		if e := c.next(); e.Event != "update" || !slices.Equal(e.Stream, []string{"public:local"}) {
			t.Fatalf("got %s, want an update on public:local", e.raw)
		}
		if e := q.next(); e.Event != "update" || !slices.Equal(e.Stream, []string{"hashtag", "Go"}) || e.status(t)["id"] != id {
			t.Fatalf("got %s, want an update on hashtag Go", e.raw)
		}
	})
}

func TestServerSentEvents(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		r := s.Do(t, "GET", "/api/v1/streaming/health", "", nil)
		if r.Status != 200 || string(r.Body) != "OK" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("health: got %d %q %q", r.Status, r.Body, r.Header.Get("Content-Type"))
		}
		r = s.Do(t, "GET", "/api/v1/streaming/nowhere", alice.Token, nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), "Unknown channel requested") {
			t.Fatalf("unknown channel: got %d %s", r.Status, r.Body)
		}
		if r = s.Do(t, "GET", "/api/v1/streaming/public", "nope", nil); r.Status != 401 {
			t.Fatalf("bad token: got %d, want 401", r.Status)
		}
		if r = s.Do(t, "GET", "/api/v1/other", "", nil); r.Status != 404 {
			t.Fatalf("other API paths: got %d, want the JSON 404", r.Status)
		}

		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/v1/streaming/public/local", nil)
		req.Header.Set("Authorization", "Bearer "+alice.Token)
		res, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/event-stream" {
			t.Fatalf("got %d %q", res.StatusCode, ct)
		}
		br := bufio.NewReader(res.Body)
		if line, _ := br.ReadString('\n'); line != ":)\n" {
			t.Fatalf("first line: got %q, want :)", line)
		}
		id := post(t, s, alice, "over SSE", "public")
		var lines []string
		for len(lines) < 2 {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if line = strings.TrimSuffix(line, "\n"); line != "" && !strings.HasPrefix(line, ":") {
				lines = append(lines, line)
			}
		}
		if lines[0] != "event: update" || !strings.HasPrefix(lines[1], "data: {") || !strings.Contains(lines[1], `"id":"`+id+`"`) {
			t.Fatalf("got %q", lines)
		}
	})
}

// TestPingClosesSilentClients: a client that answers no ping is dropped; one
// that reads (and so answers pings) stays.
func TestPingClosesSilentClients(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		hub := s.App.Stream
		hub.PingEvery, hub.PongWait = 50*time.Millisecond, 100*time.Millisecond
		alive := dial(t, s, "?stream=public", alice.Token)
		// A silent client: the handshake, then never a read, so never a pong.
		h := http.Header{}
		h.Set("Authorization", "Bearer "+alice.Token)
		u := "ws" + strings.TrimPrefix(s.URL, "http") + "/api/v1/streaming"
		silent, _, err := websocket.Dial(context.Background(), u, &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			t.Fatal(err)
		}
		defer silent.CloseNow()
		deadline := time.Now().Add(waitFor)
		for hub.Clients() != 1 {
			if time.Now().After(deadline) {
				t.Fatalf("clients: got %d, want the silent one dropped", hub.Clients())
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // several ping rounds
		alive.sync()
		if hub.Clients() != 1 {
			t.Fatalf("clients: got %d, want the reading client kept", hub.Clients())
		}
	})
}

func TestDirectStream(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		b := dial(t, s, "?stream=direct", bob.Token)
		c := dial(t, s, "?stream=direct", carol.Token)
		b.sync()
		c.sync()
		id := post(t, s, alice, "@bob a secret", "direct")
		e := b.next()
		conv := e.status(t)
		last, _ := conv["last_status"].(map[string]any)
		if e.Event != "conversation" || !slices.Equal(e.Stream, []string{"direct"}) || last == nil || last["id"] != id {
			t.Fatalf("got %s, want a conversation with status %s", e.raw, id)
		}
		// carol, not mentioned, gets nothing: her next message is her own post's.
		mine := post(t, s, carol, "@alice hello", "direct")
		if e := c.next(); e.Event != "conversation" || e.status(t)["last_status"].(map[string]any)["id"] != mine {
			t.Fatalf("got %s, want carol's own conversation only", e.raw)
		}
		s.Must(t, 200, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil)
		if e := b.next(); e.Event != "delete" || *e.Payload != id {
			t.Fatalf("got %s, want the delete", e.raw)
		}
	})
}

// TestHomeRules: the user stream follows the home timeline's rules for
// muted authors and exclusive lists; the list stream still gets the list's.
func TestHomeRules(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, erin, frank := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "erin"), s.NewUser(t, "frank")
		for _, u := range []*apitest.User{alice, erin, frank} {
			s.Must(t, 200, "POST", "/api/v1/accounts/"+u.AccountID+"/follow", bob.Token, nil)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+erin.AccountID+"/mute", bob.Token, nil)
		list := s.Must(t, 200, "POST", "/api/v1/lists", bob.Token, map[string]any{"title": "only here", "exclusive": true}).Map(t)["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/lists/"+list+"/accounts", bob.Token, map[string]any{"account_ids": []string{frank.AccountID}})
		c := dial(t, s, "?stream=user", bob.Token)
		c.send(map[string]string{"type": "subscribe", "stream": "list", "list": list})
		c.sync()
		post(t, s, erin, "muted", "public")
		fromFrank := post(t, s, frank, "exclusive", "public")
		if e := c.next(); !slices.Equal(e.Stream, []string{"list", list}) || e.status(t)["id"] != fromFrank {
			t.Fatalf("got %s, want frank's status on the list stream only", e.raw)
		}
		fromAlice := post(t, s, alice, "home", "public")
		if e := c.next(); !slices.Equal(e.Stream, []string{"user"}) || e.status(t)["id"] != fromAlice {
			t.Fatalf("got %s, want alice's status on the user stream", e.raw)
		}
	})
}

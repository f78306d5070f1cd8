package streaming

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
)

// Timing of the WebSocket connection.
const (
	PingInterval     = 30 * time.Second // server pings; a client without pong is closed
	PongTimeout      = 30 * time.Second // how long a ping waits for its pong
	WriteTimeout     = 10 * time.Second // one message write
	MaxClientMessage = 4096             // bytes of one client message (subscribe/unsubscribe)
)

// ServeHTTP serves the WebSocket endpoint and the server-sent events.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	if path == "/api/v1/streaming/health" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("OK"))
		return
	}
	if isUpgrade(r) {
		h.serveWebSocket(w, r)
		return
	}
	h.serveSSE(w, r, path)
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// offeredProtocols are the Sec-WebSocket-Protocol values the client sent.
func offeredProtocols(r *http.Request) []string {
	var out []string
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(h, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// token finds the access token in Authorization, access_token, or (for
// browsers, which cannot set headers on WebSockets) Sec-WebSocket-Protocol.
func token(r *http.Request) string {
	if t := mastodon.BearerToken(r); t != "" {
		return t
	}
	if ps := offeredProtocols(r); len(ps) > 0 {
		return ps[0]
	}
	return ""
}

// authError answers a failed authentication before any upgrade, as Mastodon.
func authError(w http.ResponseWriter, err error) {
	msg := "Error while authenticating"
	status := http.StatusUnauthorized
	switch domain.KindOf(err) {
	case domain.KindUnauthorized, domain.KindForbidden:
		msg = err.Error()
	case domain.KindRateLimited:
		msg, status = err.Error(), http.StatusTooManyRequests
	default:
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("X-Error-Message", msg)
	rest.JSON(w, status, map[string]string{"error": msg})
}

func (h *Hub) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	v, err := h.API.AuthenticateToken(r.Context(), token(r))
	if err != nil {
		authError(w, err)
		return
	}
	c, err := h.Register(v)
	if err != nil {
		authError(w, err)
		return
	}
	defer h.Unregister(c)
	// Hijacked connections keep the server's deadlines (ReadTimeout):
	// a stream lives for hours.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: offeredProtocols(r),
		// Tokens, not cookies, authenticate: apps on other origins (Elk,
		// Phanpy) must be able to connect.
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		return
	}
	conn.SetReadLimit(MaxClientMessage)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := r.URL.Query()
	if name := q.Get("stream"); name != "" {
		if err := h.Subscribe(ctx, c, name, q.Get("tag"), q.Get("list")); err != nil {
			h.sendError(ctx, conn, err)
		}
	}
	go h.readLoop(ctx, cancel, conn, c)
	h.writeLoop(ctx, conn, c)
}

// clientMessage is what a client sends: a subscription change.
type clientMessage struct {
	Type   string `json:"type"`
	Stream string `json:"stream"`
	Tag    string `json:"tag"`
	List   string `json:"list"`
}

func (h *Hub) readLoop(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn, c *Client) {
	defer cancel()
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			_ = conn.Close(websocket.StatusUnsupportedData, "text frames only")
			return
		}
		var m clientMessage
		if err := json.Unmarshal(data, &m); err != nil {
			h.sendError(ctx, conn, &StreamError{"Invalid JSON", 400})
			continue
		}
		switch m.Type {
		case "subscribe":
			if err := h.Subscribe(ctx, c, m.Stream, m.Tag, m.List); err != nil {
				h.sendError(ctx, conn, err)
			}
		case "unsubscribe":
			c.Unsubscribe(m.Stream, m.Tag, m.List)
		default:
			h.sendError(ctx, conn, &StreamError{"Unknown message type", 400})
		}
	}
}

func (h *Hub) writeLoop(ctx context.Context, conn *websocket.Conn, c *Client) {
	ping := time.NewTicker(h.PingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = conn.CloseNow()
			return
		case <-c.Done():
			_ = conn.Close(websocket.StatusPolicyViolation, "too slow")
			return
		case <-h.stopped:
			_ = conn.Close(websocket.StatusGoingAway, "server shutting down")
			return
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, h.PongWait)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				_ = conn.CloseNow()
				return
			}
		case m := <-c.Out():
			b := m.encoded
			if b == nil {
				var err error
				if b, err = json.Marshal(m); err != nil {
					continue
				}
			}
			if writeText(ctx, conn, b) != nil {
				_ = conn.CloseNow()
				return
			}
		}
	}
}

func writeText(ctx context.Context, conn *websocket.Conn, b []byte) error {
	wctx, cancel := context.WithTimeout(ctx, WriteTimeout)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, b)
}

// sendError writes an error inside the socket; internal errors stay in the
// log.
func (h *Hub) sendError(ctx context.Context, conn *websocket.Conn, err error) {
	var se *StreamError
	if !errors.As(err, &se) {
		h.Log.Warn("streaming: subscribe", "err", err)
		se = &StreamError{"Internal error", 500}
	}
	b, _ := json.Marshal(map[string]any{"error": se.Message, "status": se.Status})
	_ = writeText(ctx, conn, b)
}

package streaming

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/api/rest"
)

// HeartbeatInterval is how often a server-sent events stream writes a
// comment, so that proxies keep it open.
const HeartbeatInterval = 15 * time.Second

// ssePaths map the server-sent events paths to stream names.
var ssePaths = map[string]string{
	"/api/v1/streaming/user":              "user",
	"/api/v1/streaming/user/notification": "user:notification",
	"/api/v1/streaming/public":            "public",
	"/api/v1/streaming/public/local":      "public:local",
	"/api/v1/streaming/public/remote":     "public:remote",
	"/api/v1/streaming/hashtag":           "hashtag",
	"/api/v1/streaming/hashtag/local":     "hashtag:local",
	"/api/v1/streaming/list":              "list",
	"/api/v1/streaming/direct":            "direct",
}

func (h *Hub) serveSSE(w http.ResponseWriter, r *http.Request, path string) {
	name, ok := ssePaths[path]
	if !ok || r.Method != http.MethodGet {
		rest.JSON(w, http.StatusBadRequest, map[string]string{"error": "Unknown channel requested"})
		return
	}
	q := r.URL.Query()
	if q.Get("only_media") == "true" || q.Get("only_media") == "1" {
		switch name {
		case "public", "public:local", "public:remote":
			name += ":media"
		}
	}
	var v *mastodon.Viewer
	var err error
	if t := token(r); t != "" {
		v, err = h.API.AuthenticateToken(r.Context(), t)
	} else {
		v, err = h.API.AuthenticateSession(r.Context(), r)
	}
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
	if err := h.Subscribe(r.Context(), c, name, q.Get("tag"), q.Get("list")); err != nil {
		var se *StreamError
		if errors.As(err, &se) {
			rest.JSON(w, se.Status, map[string]string{"error": se.Message})
			return
		}
		authError(w, err)
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, ":)\n"); err != nil || rc.Flush() != nil {
		return
	}
	h.sseLoop(r.Context(), w, rc, c)
}

func (h *Hub) sseLoop(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, c *Client) {
	beat := time.NewTicker(HeartbeatInterval)
	defer beat.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case <-c.Done():
			return
		case <-h.stopped:
			return
		case <-beat.C:
			_, err = fmt.Fprint(w, ":thump\n")
		case m := <-c.Out():
			data := ""
			if m.Payload != nil {
				data = *m.Payload
			}
			_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", m.Event, data)
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			return
		}
	}
}

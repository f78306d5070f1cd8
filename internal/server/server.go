// Package server wires the HTTP surface: routes of every edge, and the
// middleware that all share (recovery, request ids, CORS, security headers).
package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/metrics"
)

// Edge is one part of the HTTP surface that registers its routes.
type Edge interface {
	Register(mux *http.ServeMux)
}

// New returns the whole HTTP handler.
func New(log *slog.Logger, m *metrics.Metrics, metricsToken string, ready func() error, edges ...Edge) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(metricsToken))
	for _, e := range edges {
		e.Register(mux)
	}
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if ready != nil {
			if err := ready(); err != nil {
				log.Warn("not ready", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("database unavailable\n"))
				return
			}
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	avatar := placeholderPNG(400, 400, color.RGBA{0x8a, 0x94, 0xa6, 0xff})
	header := placeholderPNG(1500, 500, color.RGBA{0x3d, 0x4f, 0x6e, 0xff})
	mux.HandleFunc("GET "+mastodon.AvatarMissing, servePNG(avatar))
	mux.HandleFunc("GET "+mastodon.HeaderMissing, servePNG(header))
	return recoverer(log, m.Middleware(requestID(cors(securityHeaders(mux)))))
}

func placeholderPNG(w, h int, c color.RGBA) []byte {
	img := image.NewUniform(c)
	var buf bytes.Buffer
	_ = png.Encode(&buf, &sized{img, image.Rect(0, 0, w, h)})
	return buf.Bytes()
}

type sized struct {
	*image.Uniform
	r image.Rectangle
}

func (s *sized) Bounds() image.Rectangle { return s.r }

func servePNG(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		_, _ = w.Write(b)
	}
}

// corsPaths are where Mastodon allows cross-origin requests.
func corsPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/oauth/token") || strings.HasPrefix(p, "/oauth/revoke") ||
		strings.HasPrefix(p, "/.well-known/") || strings.HasPrefix(p, "/nodeinfo/") || strings.HasPrefix(p, "/oauth/userinfo")
}

// cors copies Mastodon's CORS rules: any origin, no credentials, the
// pagination and rate-limit headers exposed.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if corsPath(r.URL.Path) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "POST, PUT, DELETE, GET, PATCH, OPTIONS")
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
					h.Set("Access-Control-Allow-Headers", req)
				} else {
					h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
				}
				h.Set("Access-Control-Max-Age", "7200")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "private, no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		w.Header().Set("X-Request-Id", hex.EncodeToString(b[:]))
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a logged 500 (JSON on API paths).
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				rest.JSON(w, http.StatusInternalServerError, map[string]string{"error": "An internal error occurred; it has been logged"})
			}
			log.Debug("request", "method", r.Method, "path", r.URL.Path, "duration", time.Since(start))
		}()
		next.ServeHTTP(w, r)
	})
}

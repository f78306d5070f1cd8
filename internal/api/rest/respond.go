package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// OK writes v with status 200.
func OK(w http.ResponseWriter, v any) { JSON(w, http.StatusOK, v) }

// StatusOf is the one table from error kinds to HTTP statuses.
func StatusOf(k domain.Kind) int {
	switch k {
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindInvalid:
		return http.StatusUnprocessableEntity
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindConflict:
		return http.StatusUnprocessableEntity // Mastodon answers 422 for "already taken"
	case domain.KindRateLimited:
		return http.StatusTooManyRequests
	case domain.KindUnavailable:
		return http.StatusServiceUnavailable
	case domain.KindGone:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// Error writes err as {"error": "..."} with the status of its kind. Internal
// errors are logged with their cause and shown as a generic message.
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *domain.Error
	if errors.As(err, &e) && e.Kind != domain.KindInternal {
		msg := e.Message
		if msg == "" {
			msg = e.Kind.String()
		}
		JSON(w, StatusOf(e.Kind), map[string]string{"error": msg})
		return
	}
	if log != nil {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	JSON(w, http.StatusInternalServerError, map[string]string{"error": "An internal error occurred; it has been logged"})
}

// SetLink sets the Link header for a page whose items run from newest id
// (first) to oldest id (last), as Mastodon does: next pages older items
// with max_id, prev newer items with min_id. Other query parameters are kept.
func SetLink(w http.ResponseWriter, r *http.Request, baseURL string, newest, oldest domain.ID, n int) {
	if n == 0 {
		return
	}
	link := func(key string, id domain.ID, rel string) string {
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			if k == "max_id" || k == "min_id" || k == "since_id" {
				continue
			}
			q[k] = vs
		}
		q.Set(key, strconv.FormatInt(int64(id), 10))
		return "<" + baseURL + r.URL.Path + "?" + q.Encode() + ">; rel=\"" + rel + "\""
	}
	w.Header().Set("Link", strings.Join([]string{link("max_id", oldest, "next"), link("min_id", newest, "prev")}, ", "))
}

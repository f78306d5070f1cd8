package web

import "net/http"

// registerExport adds the data export pages (/settings/export).
func (h *Handler) registerExport(mux *http.ServeMux) {
}

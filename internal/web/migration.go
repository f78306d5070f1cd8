package web

import "net/http"

// registerMigration adds the account migration pages (aliases and moving
// to another server: /settings/migration).
func (h *Handler) registerMigration(mux *http.ServeMux) {
}

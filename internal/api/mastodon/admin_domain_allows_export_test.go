package mastodon

import "net/http"

// RegisterDomainAllowsForTest adds the domain allow routes to mux, so that
// their test does not depend on where the routes are wired in.
func (a *API) RegisterDomainAllowsForTest(mux *http.ServeMux) { a.registerDomainAllows(mux) }

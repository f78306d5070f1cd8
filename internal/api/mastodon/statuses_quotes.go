package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
)

// registerQuotes adds Mastodon 4.5's quote endpoints (docs/api.md).
func (a *API) registerQuotes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/statuses/{id}/quotes", a.endpoint(userOnly, "read:statuses", a.listQuotes))
	mux.HandleFunc("POST /api/v1/statuses/{id}/quotes/{quoting}/revoke", a.endpoint(userOnly, "write:statuses", a.revokeQuote))
	mux.HandleFunc("PUT /api/v1/statuses/{id}/interaction_policy", a.endpoint(userOnly, "write:statuses", a.putQuotePolicy))
}

// listQuotes lists the accepted quotes of one's own post, newest first.
func (a *API) listQuotes(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	ids, err := a.statusService().Quotes(r.Context(), v.Account.ID, id, pg)
	if err != nil {
		return err
	}
	return a.writeListPage(w, r, v, ids, "thread")
}

// revokeQuote detaches one's post from a quote and returns the quoting
// status, as Mastodon does.
func (a *API) revokeQuote(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	quoting, err := pathID(r, "quoting")
	if err != nil {
		return err
	}
	if err := a.statusService().RevokeQuote(r.Context(), v.Account.ID, id, quoting); err != nil {
		return err
	}
	s, err := a.renderStatus(r.Context(), v, quoting)
	if err != nil {
		return err
	}
	rest.OK(w, s)
	return nil
}

// putQuotePolicy changes quote_approval_policy of one's post.
func (a *API) putQuotePolicy(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	if err := a.statusService().SetQuotePolicy(r.Context(), v.Account.ID, id, p.String("quote_approval_policy")); err != nil {
		return err
	}
	return a.writeStatus(w, r, v, id)
}

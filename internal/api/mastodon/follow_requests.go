package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/graph"
)

func (a *API) registerFollowRequests(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/follow_requests", a.endpoint(userOnly, "read:follows", a.listFollowRequests))
	// :id is the requesting account's id, as in Mastodon.
	mux.HandleFunc("POST /api/v1/follow_requests/{id}/authorize", a.endpoint(userOnly, "write:follows", a.graphAction((*graph.Service).Authorize)))
	mux.HandleFunc("POST /api/v1/follow_requests/{id}/reject", a.endpoint(userOnly, "write:follows", a.graphAction((*graph.Service).Reject)))
}

// listFollowRequests is GET /api/v1/follow_requests, paged by the request's id.
func (a *API) listFollowRequests(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	pg, err := accountPageParams(r)
	if err != nil {
		return err
	}
	page, err := a.graphService().FollowRequests(r.Context(), v.AccountID(), pg)
	if err != nil {
		return err
	}
	a.renderAccountPage(w, r, page)
	return nil
}

package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/relays"
	"github.com/agora-social/agora/internal/store"
)

// registerAdminRelays adds agora's relay administration (admins only;
// docs/administration.md, "Relays"): list, add (subscribing at once
// unless enabled=false), enable, disable and remove.
func (a *API) registerAdminRelays(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/agora/v1/admin/relays", a.endpoint(userOnly, "admin:read", a.adminRelays))
	mux.HandleFunc("POST /api/agora/v1/admin/relays", a.endpoint(userOnly, "admin:write", a.adminAddRelay))
	mux.HandleFunc("POST /api/agora/v1/admin/relays/{id}/enable", a.endpoint(userOnly, "admin:write", a.adminEnableRelay(true)))
	mux.HandleFunc("POST /api/agora/v1/admin/relays/{id}/disable", a.endpoint(userOnly, "admin:write", a.adminEnableRelay(false)))
	mux.HandleFunc("DELETE /api/agora/v1/admin/relays/{id}", a.endpoint(userOnly, "admin:write", a.adminRemoveRelay))
}

// AdminRelay is a relay the server subscribes to.
type AdminRelay struct {
	ID               string `json:"id"`
	InboxURL         string `json:"inbox_url"`
	State            string `json:"state"` // idle, pending, accepted or rejected
	Enabled          bool   `json:"enabled"`
	FollowActivityID string `json:"follow_activity_id"`
	Actor            string `json:"actor"` // the relay's actor, once it answered
	CreatedAt        Time   `json:"created_at"`
	UpdatedAt        Time   `json:"updated_at"`
}

func renderAdminRelay(r *store.Relay) *AdminRelay {
	return &AdminRelay{ID: r.ID.String(), InboxURL: r.InboxURL, State: r.State, Enabled: r.Enabled(),
		FollowActivityID: r.FollowActivityID, Actor: r.ActorURI, CreatedAt: Time(r.CreatedAt), UpdatedAt: Time(r.UpdatedAt)}
}

func (a *API) relays() *relays.Service { return &relays.Service{Store: a.Store, BaseURL: a.Cfg.URL} }

func (a *API) adminRelays(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	list, err := a.relays().List(r.Context(), v.User)
	if err != nil {
		return err
	}
	out := []*AdminRelay{}
	for _, rl := range list {
		out = append(out, renderAdminRelay(rl))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminAddRelay(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	enable, err := p.Bool("enabled", true)
	if err != nil {
		return err
	}
	rl, err := a.relays().Add(r.Context(), v.User, p.String("inbox_url"), enable)
	if err != nil {
		return err
	}
	rest.OK(w, renderAdminRelay(rl))
	return nil
}

func (a *API) adminEnableRelay(enable bool) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		if err := requireAdminViewer(v); err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rl, err := a.relays().SetEnabled(r.Context(), v.User, id, enable)
		if err != nil {
			return err
		}
		rest.OK(w, renderAdminRelay(rl))
		return nil
	}
}

func (a *API) adminRemoveRelay(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.relays().Remove(r.Context(), v.User, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

package mastodon

import (
	"context"
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
)

func (a *API) registerAccountsGraph(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/accounts/{id}/follow", a.endpoint(userOnly, "write:follows", a.accountFollow))
	mux.HandleFunc("POST /api/v1/accounts/{id}/unfollow", a.endpoint(userOnly, "write:follows", a.graphAction((*graph.Service).Unfollow)))
	mux.HandleFunc("POST /api/v1/accounts/{id}/remove_from_followers", a.endpoint(userOnly, "write:follows", a.graphAction((*graph.Service).RemoveFromFollowers)))
	mux.HandleFunc("POST /api/v1/accounts/{id}/block", a.endpoint(userOnly, "write:blocks", a.graphAction((*graph.Service).Block)))
	mux.HandleFunc("POST /api/v1/accounts/{id}/unblock", a.endpoint(userOnly, "write:blocks", a.graphAction((*graph.Service).Unblock)))
	mux.HandleFunc("POST /api/v1/accounts/{id}/mute", a.endpoint(userOnly, "write:mutes", a.accountMute))
	mux.HandleFunc("POST /api/v1/accounts/{id}/unmute", a.endpoint(userOnly, "write:mutes", a.graphAction((*graph.Service).Unmute)))
	mux.HandleFunc("POST /api/v1/accounts/{id}/note", a.endpoint(userOnly, "write:accounts", a.accountNote))
	// Followers and following are public in Mastodon; a token needs read:accounts.
	mux.HandleFunc("GET /api/v1/accounts/{id}/followers", a.endpoint(anyone, "read:accounts", a.accountFollowers))
	mux.HandleFunc("GET /api/v1/accounts/{id}/following", a.endpoint(anyone, "read:accounts", a.accountFollowing))
}

// graphAction serves an action that takes no parameters and answers the
// viewer's relationship to the account.
func (a *API) graphAction(act func(*graph.Service, context.Context, domain.ID, domain.ID) (*domain.Relationship, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rel, err := act(a.graphService(), r.Context(), v.AccountID(), id)
		if err != nil {
			return err
		}
		rest.OK(w, renderRelationship(rel))
		return nil
	}
}

// accountFollow is POST /api/v1/accounts/:id/follow (reblogs, notify, languages[]).
func (a *API) accountFollow(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	var o graph.FollowOptions
	for _, b := range []struct {
		key string
		dst **bool
	}{{"reblogs", &o.ShowReblogs}, {"notify", &o.Notify}} {
		if p.Has(b.key) {
			val, err := p.Bool(b.key, false)
			if err != nil {
				return err
			}
			*b.dst = &val
		}
	}
	if p.Has("languages") {
		langs := p.Strings("languages")
		o.Languages = &langs
	}
	rel, err := a.graphService().Follow(r.Context(), v.AccountID(), id, o)
	if err != nil {
		return err
	}
	rest.OK(w, renderRelationship(rel))
	return nil
}

// accountMute is POST /api/v1/accounts/:id/mute (notifications, duration).
func (a *API) accountMute(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	hide, err := p.Bool("notifications", true)
	if err != nil {
		return err
	}
	secs, err := p.Int("duration", 0, 0, graph.MaxMuteDuration)
	if err != nil {
		return err
	}
	rel, err := a.graphService().Mute(r.Context(), v.AccountID(), id, hide, time.Duration(secs)*time.Second)
	if err != nil {
		return err
	}
	rest.OK(w, renderRelationship(rel))
	return nil
}

// accountNote is POST /api/v1/accounts/:id/note (comment).
func (a *API) accountNote(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	rel, err := a.graphService().SetNote(r.Context(), v.AccountID(), id, p.String("comment"))
	if err != nil {
		return err
	}
	rest.OK(w, renderRelationship(rel))
	return nil
}

func (a *API) accountFollowers(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.accountCollection(w, r, v, (*graph.Service).Followers)
}

func (a *API) accountFollowing(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.accountCollection(w, r, v, (*graph.Service).Following)
}

func (a *API) accountCollection(w http.ResponseWriter, r *http.Request, v *Viewer,
	list func(*graph.Service, context.Context, domain.ID, domain.ID, domain.Page) (*graph.AccountPage, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := accountPageParams(r)
	if err != nil {
		return err
	}
	page, err := list(a.graphService(), r.Context(), v.AccountID(), id, pg)
	if err != nil {
		return err
	}
	a.renderAccountPage(w, r, page)
	return nil
}

package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Limits of the interaction requests list (GoToSocial's).
const (
	InteractionRequestsDefaultLimit = 40
	InteractionRequestsMaxLimit     = 80
)

// InteractionRequest is GoToSocial's InteractionRequest entity: a reply,
// favourite or boost of one of the viewer's posts waiting for (or given)
// their approval.
type InteractionRequest struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"` // favourite | reply | reblog
	CreatedAt  Time     `json:"created_at"`
	Account    *Account `json:"account"`     // the interacting account
	Status     *Status  `json:"status"`      // the post interacted with
	Reply      *Status  `json:"reply"`       // the reply (type reply)
	AcceptedAt *Time    `json:"accepted_at"` // when approved
	RejectedAt *Time    `json:"rejected_at"` // when refused
	URI        *string  `json:"uri"`         // the authorization, once approved
}

// registerInteractionRequests adds GoToSocial's interaction requests.
func (a *API) registerInteractionRequests(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/interaction_requests", a.endpoint(userOnly, "read:notifications", a.listInteractionRequests))
	mux.HandleFunc("GET /api/v1/interaction_requests/{id}", a.endpoint(userOnly, "read:notifications", a.getInteractionRequest))
	mux.HandleFunc("POST /api/v1/interaction_requests/{id}/authorize", a.endpoint(userOnly, "write:statuses", a.answerInteractionRequest(true)))
	mux.HandleFunc("POST /api/v1/interaction_requests/{id}/reject", a.endpoint(userOnly, "write:statuses", a.answerInteractionRequest(false)))
}

// listInteractionRequests is GET /api/v1/interaction_requests: the
// pending requests about the viewer's posts, newest first, filtered by
// status_id and by kind (favourites, replies, reblogs: true by default).
func (a *API) listInteractionRequests(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	f := store.InteractionRequestFilter{}
	if f.StatusID, err = p.ID("status_id"); err != nil {
		return err
	}
	for _, x := range []struct {
		key string
		dst *bool
	}{{"favourites", &f.Favourites}, {"replies", &f.Replies}, {"reblogs", &f.Reblogs}} {
		if *x.dst, err = p.Bool(x.key, true); err != nil {
			return err
		}
	}
	pg, err := p.Page(InteractionRequestsDefaultLimit, InteractionRequestsMaxLimit)
	if err != nil {
		return err
	}
	reqs, err := a.Store.PendingInteractionRequests(r.Context(), v.AccountID(), f, pg)
	if err != nil {
		return err
	}
	out, err := a.renderInteractionRequests(r.Context(), v, reqs)
	if err != nil {
		return err
	}
	if len(reqs) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, reqs[0].ID, reqs[len(reqs)-1].ID, len(reqs))
	}
	rest.OK(w, out)
	return nil
}

// getInteractionRequest is GET /api/v1/interaction_requests/:id.
func (a *API) getInteractionRequest(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req, err := a.statusService().InteractionRequest(r.Context(), v.AccountID(), id)
	if err != nil {
		return err
	}
	return a.writeInteractionRequest(w, r, v, req)
}

// answerInteractionRequest is POST .../:id/authorize and .../:id/reject;
// both answer with the request as it is now.
func (a *API) answerInteractionRequest(accept bool) func(http.ResponseWriter, *http.Request, *Viewer) error {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		req, err := a.statusService().AnswerInteraction(r.Context(), v.AccountID(), id, accept)
		if err != nil {
			return err
		}
		return a.writeInteractionRequest(w, r, v, req)
	}
}

func (a *API) writeInteractionRequest(w http.ResponseWriter, r *http.Request, v *Viewer, req *store.InteractionRequest) error {
	out, err := a.renderInteractionRequests(r.Context(), v, []*store.InteractionRequest{req})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return domain.NotFound() // the post or the account is gone
	}
	rest.OK(w, out[0])
	return nil
}

// renderInteractionRequests renders requests about the viewer's posts;
// one whose post or account is gone is left out.
func (a *API) renderInteractionRequests(ctx context.Context, v *Viewer, reqs []*store.InteractionRequest) ([]*InteractionRequest, error) {
	out := []*InteractionRequest{}
	if len(reqs) == 0 {
		return out, nil
	}
	var targetIDs, accountIDs []domain.ID
	for _, q := range reqs {
		targetIDs, accountIDs = append(targetIDs, q.StatusID), append(accountIDs, q.AccountID)
	}
	targets, err := a.renderStatusesHiding(ctx, v, targetIDs, "notifications", false)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Status{}
	for _, s := range targets {
		byID[s.ID] = s
	}
	replies, err := a.renderPendingReplies(ctx, v, reqs)
	if err != nil {
		return nil, err
	}
	accts, err := a.Store.Accounts(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	for _, q := range reqs {
		acct, target := accts[q.AccountID], byID[q.StatusID.String()]
		if acct == nil || target == nil {
			continue
		}
		e := &InteractionRequest{ID: q.ID.String(), Type: q.Kind, CreatedAt: Time(q.CreatedAt), Account: a.renderAccount(acct),
			Status: target, Reply: replies[q.ReplyID]}
		if q.Kind == store.RequestReply && e.Reply == nil {
			continue // deleted by its author
		}
		if q.AcceptedAt != nil {
			t := Time(*q.AcceptedAt)
			e.AcceptedAt = &t
			if q.AuthorizationURI != "" {
				e.URI = strPtr(q.AuthorizationURI)
			}
		}
		if q.RejectedAt != nil {
			t := Time(*q.RejectedAt)
			e.RejectedAt = &t
		}
		out = append(out, e)
	}
	return out, nil
}

// renderPendingReplies renders the replies of requests for the author
// they ask, by reply id. A reply waiting for approval is visible to its
// own author only: it is loaded as they see it, with the viewer's own
// state (favourites, bookmarks) and the visibility it will get.
func (a *API) renderPendingReplies(ctx context.Context, v *Viewer, reqs []*store.InteractionRequest) (map[domain.ID]*Status, error) {
	out := map[domain.ID]*Status{}
	byAuthor := map[domain.ID][]domain.ID{}
	vis := map[domain.ID]domain.Visibility{}
	for _, q := range reqs {
		if q.Kind == store.RequestReply && q.ReplyID != 0 {
			byAuthor[q.AccountID] = append(byAuthor[q.AccountID], q.ReplyID)
			if q.Pending() {
				vis[q.ReplyID] = q.Visibility
			}
		}
	}
	for author, ids := range byAuthor {
		b, err := a.statusService().Load(ctx, author, ids)
		if err != nil {
			return nil, err
		}
		if err := a.asViewer(ctx, v, b, vis); err != nil {
			return nil, err
		}
		r := statusRenderer{a: a, v: v, b: b, now: a.Store.Now()}
		for _, id := range b.Order {
			if s := r.render(b.Statuses[id]); s != nil {
				out[id] = s
			}
		}
	}
	return out, nil
}

// asViewer turns a bundle loaded as another account sees it into the
// viewer's: their own state, and pending replies shown with the
// visibility they will get (marked like held posts).
func (a *API) asViewer(ctx context.Context, v *Viewer, b *statuses.Bundle, vis map[domain.ID]domain.Visibility) error {
	ids := make([]domain.ID, 0, len(b.Statuses))
	var convs []domain.ID
	for id, st := range b.Statuses {
		ids, convs = append(ids, id), append(convs, st.ConversationID)
	}
	vs, err := a.Store.LoadViewerState(ctx, v.AccountID(), ids, convs)
	if err != nil {
		return err
	}
	b.Viewer = vs
	if b.Held == nil {
		b.Held = map[domain.ID]domain.Visibility{}
	}
	for id, vv := range vis {
		if b.Statuses[id] != nil {
			b.Held[id] = vv
		}
	}
	return nil
}

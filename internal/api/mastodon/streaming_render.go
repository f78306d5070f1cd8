package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Exported entry points for the streaming package, which authenticates
// tokens and renders entities outside a request, through the same code as
// the REST endpoints.

// AuthenticateToken resolves an access token to its viewer. An unknown
// token is unauthorized; a disabled or unapproved user is forbidden.
func (a *API) AuthenticateToken(ctx context.Context, token string) (*Viewer, error) {
	if token == "" {
		return nil, domain.E(domain.KindUnauthorized, "Missing access token")
	}
	t, u, acct, err := a.Store.Authenticate(ctx, auth.HashSecret(token))
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, domain.E(domain.KindUnauthorized, "Invalid access token")
		}
		return nil, err
	}
	if u != nil && (u.Disabled || !u.Approved) {
		return nil, domain.E(domain.KindUnauthorized, "Your login is currently disabled")
	}
	return &Viewer{Token: t, User: u, Account: acct}, nil
}

// AuthenticateSession authenticates a browser's server-sent events stream
// by its web session cookie, so that agora's own web UI can stream without
// a token. Only same-origin requests count (Sec-Fetch-Site, else Origin):
// another site cannot read a member's stream through their cookie. The
// viewer gets the read scope only.
func (a *API) AuthenticateSession(ctx context.Context, r *http.Request) (*Viewer, error) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return nil, domain.E(domain.KindUnauthorized, "Missing access token")
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != a.Cfg.URL {
		return nil, domain.E(domain.KindUnauthorized, "Missing access token")
	}
	c, err := r.Cookie(auth.SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, domain.E(domain.KindUnauthorized, "Missing access token")
	}
	ws, err := a.Store.Session(ctx, auth.HashSecret(c.Value))
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, domain.E(domain.KindUnauthorized, "Invalid session")
		}
		return nil, err
	}
	u, err := a.Store.User(ctx, ws.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled || !u.Approved {
		return nil, domain.E(domain.KindUnauthorized, "Your login is currently disabled")
	}
	acct, err := a.Store.Account(ctx, u.AccountID)
	if err != nil {
		return nil, err
	}
	if acct.SuspendedAt != nil {
		return nil, domain.E(domain.KindForbidden, "Your account is suspended")
	}
	return &Viewer{Token: &domain.Token{UserID: u.ID, Scopes: domain.Scopes{"read"}}, User: u, Account: acct}, nil
}

// StreamStatus renders status id for v as a timeline page would, in
// filterContext ("home", "public"): nil when v may not see it or a filter
// with the hide action matches it; a warning filter fills "filtered".
func (a *API) StreamStatus(ctx context.Context, v *Viewer, id domain.ID, filterContext string) (*Status, error) {
	list, err := a.renderStatusesHiding(ctx, v, []domain.ID{id}, filterContext, true)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// StreamNotification renders one of v's notifications; nil when its
// status is hidden from v or its sender is gone.
func (a *API) StreamNotification(ctx context.Context, v *Viewer, n *domain.Notification) (*Notification, error) {
	list, err := a.renderNotifications(ctx, v, []*domain.Notification{n})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// StreamConversation renders v's conversation id (a direct thread); nil
// when v is not in it.
func (a *API) StreamConversation(ctx context.Context, v *Viewer, id domain.ID) (*Conversation, error) {
	c, err := a.Store.Conversation(ctx, v.AccountID(), id)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/conversations", nil)
	if err != nil {
		return nil, err
	}
	list, err := a.renderConversations(r, v, []*store.Conversation{c})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// filtersWrite is the endpoint of a filter change: once the change is
// made, the owner's streaming clients get filters_changed.
func (a *API) filtersWrite(h handler) http.HandlerFunc {
	return a.endpoint(userOnly, "write:filters", func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		if err := h(w, r, v); err != nil {
			return err
		}
		if err := a.Store.FiltersChanged(r.Context(), v.Account.ID); err != nil {
			a.Log.Warn("announce filters change", "err", err)
		}
		return nil
	})
}

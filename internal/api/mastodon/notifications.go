package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Notification list limits, as Mastodon's.
const (
	NotificationsDefaultLimit = 40
	NotificationsMaxLimit     = 80
	UnreadCountDefaultLimit   = 100
	MaxUnreadCount            = 1000 // larger limits are clamped, as Mastodon does
)

// notificationTypes are the types a client may filter on.
var notificationTypes = map[string]bool{
	"mention": true, "status": true, "reblog": true, "follow": true, "follow_request": true,
	"favourite": true, "poll": true, "update": true, "admin.sign_up": true, "admin.report": true,
	"severed_relationships": true, "moderation_warning": true, "quote": true, "quoted_update": true,
	// GoToSocial's: interactions waiting for the viewer's approval.
	"pending.favourite": true, "pending.reply": true, "pending.reblog": true,
}

func (a *API) registerNotifications(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/notifications", a.endpoint(userOnly, "read:notifications", a.listNotifications))
	mux.HandleFunc("GET /api/v1/notifications/unread_count", a.endpoint(userOnly, "read:notifications", a.unreadNotifications))
	mux.HandleFunc("GET /api/v1/notifications/{id}", a.endpoint(userOnly, "read:notifications", a.getNotification))
	mux.HandleFunc("POST /api/v1/notifications/clear", a.endpoint(userOnly, "write:notifications", a.clearNotifications))
	mux.HandleFunc("POST /api/v1/notifications/{id}/dismiss", a.endpoint(userOnly, "write:notifications", a.dismissNotification))
	a.registerNotificationPolicy(mux)
}

// notificationFilter reads types[], exclude_types[] and account_id.
func notificationFilter(p *rest.Params) (store.NotificationFilter, error) {
	f := store.NotificationFilter{Types: p.Strings("types"), ExcludeTypes: p.Strings("exclude_types")}
	for _, list := range [][]string{f.Types, f.ExcludeTypes} {
		if len(list) > len(notificationTypes) {
			return f, domain.Invalid("too many notification types")
		}
		for _, t := range list {
			if !notificationTypes[t] {
				return f, domain.Invalid("%q is not a notification type", t)
			}
		}
	}
	var err error
	if f.IncludeFiltered, err = p.Bool("include_filtered", false); err != nil {
		return f, err
	}
	f.FromAccount, err = p.ID("account_id")
	return f, err
}

func (a *API) listNotifications(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(NotificationsDefaultLimit, NotificationsMaxLimit)
	if err != nil {
		return err
	}
	f, err := notificationFilter(p)
	if err != nil {
		return err
	}
	ns, err := a.Store.Notifications(r.Context(), v.Account.ID, f, pg)
	if err != nil {
		return err
	}
	out, err := a.renderNotifications(r.Context(), v, ns)
	if err != nil {
		return err
	}
	if len(ns) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, ns[0].ID, ns[len(ns)-1].ID, len(ns))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) getNotification(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.Store.NotificationByID(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	out, err := a.renderNotifications(r.Context(), v, []*domain.Notification{n})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return domain.NotFound()
	}
	rest.OK(w, out[0])
	return nil
}

func (a *API) clearNotifications(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := a.Store.ClearNotifications(r.Context(), v.Account.ID); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

func (a *API) dismissNotification(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.DismissNotification(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

// unreadNotifications counts the notifications newer than the
// "notifications" marker (POST /api/v1/markers), up to limit (default
// 100, at most 1,000, as Mastodon), with the list's type and account
// filters.
func (a *API) unreadNotifications(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	limit, err := p.Int("limit", UnreadCountDefaultLimit, 1, 1<<30)
	if err != nil {
		return err
	}
	limit = min(limit, MaxUnreadCount)
	f, err := notificationFilter(p)
	if err != nil {
		return err
	}
	n, err := a.Store.UnreadNotifications(r.Context(), v.Account.ID, f, limit)
	if err != nil {
		return err
	}
	rest.OK(w, map[string]int{"count": n})
	return nil
}

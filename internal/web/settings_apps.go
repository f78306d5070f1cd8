package web

import (
	"net/http"
	"net/url"

	"github.com/agora-social/agora/internal/domain"
)

// appView is one authorized application as the page shows it.
type appView struct {
	ID, Name, Website string
	Scopes            string
	Authorized        string
	LastUsed          string
}

// appsPage is GET /settings/apps: the applications that hold tokens for
// the viewer, each with a button to revoke its access.
func (h *Handler) appsPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	apps, err := h.Store.AuthorizedApps(r.Context(), q.user.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]appView, 0, len(apps))
	for _, a := range apps {
		v := appView{ID: a.App.ID.String(), Name: a.App.Name, Website: safeWebsite(a.App.Website), Scopes: a.Scopes.String(),
			Authorized: q.v.Date(a.AuthorizedAt)}
		if a.LastUsedAt != nil {
			v.LastUsed = q.v.Date(*a.LastUsedAt)
		}
		out = append(out, v)
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("apps_title"), "settings", "apps", out, "/settings/apps"
	h.render(q, http.StatusOK, "apps")
}

// safeWebsite keeps an application's website only when it is an http(s)
// link with a host: applications name it themselves.
func safeWebsite(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// revokeApp is POST /settings/apps/{id}/revoke: every token and pending
// code of that application for the viewer is deleted.
func (h *Handler) revokeApp(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ok, err := h.Store.RevokeAppAuthorization(r.Context(), q.user.ID, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok {
		h.fail(w, r, domain.NotFound())
		return
	}
	q.v.Path = "/settings/apps"
	h.done(q, "flash_app_revoked", nil)
}

// requestsPage is GET /follow_requests: the accounts asking to follow the
// viewer, with buttons to accept or reject each (POST /web/follow_requests/{id}).
func (h *Handler) requestsPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	pg, err := pageOf(r, AccountsPage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page, err := h.graph.FollowRequests(r.Context(), q.acct.ID, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &requestsData{}
	for _, a := range page.Accounts {
		d.Accounts = append(d.Accounts, h.accountView(a))
	}
	if len(page.Accounts) > 0 && page.Oldest != 0 && len(page.Accounts) >= pg.Limit {
		d.Older = "/follow_requests?max_id=" + page.Oldest.String()
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("requests_title"), "settings", "requests", d, "/follow_requests"
	h.render(q, http.StatusOK, "requests")
}

// requestsData is the follow requests page.
type requestsData struct {
	Accounts []*accountView
	Older    string
}

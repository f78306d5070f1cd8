package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Domain allow list limits, as Mastodon's admin lists.
const (
	DomainAllowsDefaultLimit = 100
	DomainAllowsMaxLimit     = 200
)

// registerDomainAllows adds Mastodon's admin domain allows: the domains
// that federate in allow-list mode (AGORA_FEDERATION_MODE=allowlist;
// docs/federation.md, "Allow-list mode"). Admins only.
func (a *API) registerDomainAllows(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/admin/domain_allows", a.endpoint(userOnly, "admin:read:domain_allows", a.adminDomainAllows))
	mux.HandleFunc("GET /api/v1/admin/domain_allows/{id}", a.endpoint(userOnly, "admin:read:domain_allows", a.adminDomainAllow))
	mux.HandleFunc("POST /api/v1/admin/domain_allows", a.endpoint(userOnly, "admin:write:domain_allows", a.createDomainAllow))
	mux.HandleFunc("DELETE /api/v1/admin/domain_allows/{id}", a.endpoint(userOnly, "admin:write:domain_allows", a.deleteDomainAllow))
}

// AdminDomainAllow is Mastodon's Admin::DomainAllow.
type AdminDomainAllow struct {
	ID        string `json:"id"`
	Domain    string `json:"domain"`
	CreatedAt Time   `json:"created_at"`
}

func renderAdminDomainAllow(d *store.DomainAllow) *AdminDomainAllow {
	return &AdminDomainAllow{ID: d.ID.String(), Domain: d.Domain, CreatedAt: Time(d.CreatedAt)}
}

// requireAdminViewer refuses everyone but admins: moderators are refused
// too (domain rules are Mastodon's Manage Federation permission).
func requireAdminViewer(v *Viewer) error {
	if v.User == nil || v.User.Role != domain.RoleAdmin {
		return domain.Forbidden("This action is not allowed")
	}
	return nil
}

func (a *API) adminDomainAllows(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(DomainAllowsDefaultLimit, DomainAllowsMaxLimit)
	if err != nil {
		return err
	}
	allows, err := a.mod().DomainAllows(r.Context(), v.User, pg)
	if err != nil {
		return err
	}
	out := []*AdminDomainAllow{}
	for _, d := range allows {
		out = append(out, renderAdminDomainAllow(d))
	}
	if len(allows) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, allows[0].ID, allows[len(allows)-1].ID, len(allows))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminDomainAllow(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := a.Store.DomainAllow(r.Context(), id)
	if err != nil {
		return err
	}
	rest.OK(w, renderAdminDomainAllow(d))
	return nil
}

func (a *API) createDomainAllow(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	d, err := a.mod().AllowDomain(r.Context(), v.User, p.String("domain"))
	if err != nil {
		return err
	}
	rest.OK(w, renderAdminDomainAllow(d))
	return nil
}

func (a *API) deleteDomainAllow(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := requireAdminViewer(v); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err = a.mod().DeleteDomainAllow(r.Context(), v.User, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerAdminAccounts(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/admin/accounts", a.endpoint(userOnly, "admin:read:accounts", a.adminAccounts))
	mux.HandleFunc("GET /api/v1/admin/accounts/{id}", a.endpoint(userOnly, "admin:read:accounts", a.adminAccount))
	mux.HandleFunc("POST /api/v1/admin/accounts/{id}/action", a.endpoint(userOnly, "admin:write:accounts", a.adminAccountAction))
	for _, what := range []string{"approve", "reject", "unsilence", "unsuspend", "enable"} {
		mux.HandleFunc("POST /api/v1/admin/accounts/{id}/"+what, a.endpoint(userOnly, "admin:write:accounts", a.adminLift(what)))
	}
}

// AdminRole is the role inside Admin::Account.
type AdminRole struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Permissions string `json:"permissions"`
	Color       string `json:"color"`
	Highlighted bool   `json:"highlighted"`
}

// AdminAccount is Mastodon's Admin::Account.
type AdminAccount struct {
	ID            string     `json:"id"`
	Username      string     `json:"username"`
	Domain        *string    `json:"domain"`
	CreatedAt     Time       `json:"created_at"`
	Email         string     `json:"email"`
	IP            *string    `json:"ip"`
	IPs           []string   `json:"ips"`
	Locale        string     `json:"locale"`
	InviteRequest *string    `json:"invite_request"`
	Role          *AdminRole `json:"role"`
	Confirmed     bool       `json:"confirmed"`
	Approved      bool       `json:"approved"`
	Disabled      bool       `json:"disabled"`
	Silenced      bool       `json:"silenced"`
	Suspended     bool       `json:"suspended"`
	Sensitized    bool       `json:"sensitized"`
	Account       *Account   `json:"account"`
}

// Mastodon's role ids and permission bit sets for the three roles.
var adminRoles = map[domain.Role]AdminRole{
	domain.RoleUser:      {ID: "-99", Name: "", Permissions: "65536"},
	domain.RoleModerator: {ID: "1", Name: "Moderator", Permissions: "1308", Highlighted: true},
	domain.RoleAdmin:     {ID: "2", Name: "Admin", Permissions: "983036", Highlighted: true},
}

func (a *API) renderAdminAccount(x *store.AdminAccount) *AdminAccount {
	out := &AdminAccount{ID: x.Account.ID.String(), Username: x.Account.Username, CreatedAt: Time(x.Account.CreatedAt),
		IPs: []string{}, Silenced: x.Account.SilencedAt != nil, Suspended: x.Account.SuspendedAt != nil,
		Approved: true, Account: a.renderAccount(x.Account)}
	if !x.Account.Local() {
		out.Domain = &x.Account.Domain
	}
	if u := x.User; u != nil {
		out.Email, out.Locale, out.Confirmed, out.Approved, out.Disabled = u.Email, u.Locale, u.ConfirmedAt != nil, u.Approved, u.Disabled
		role := adminRoles[u.Role]
		out.Role = &role
		if u.Reason != "" {
			out.InviteRequest = &u.Reason
		}
	}
	return out
}

// adminAccounts is GET /api/v1/admin/accounts with the v1 filters.
func (a *API) adminAccounts(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := moderation.RequireModerator(v.User); err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	var f store.AdminAccountFilter
	for key, dst := range map[string]*bool{"local": &f.Local, "remote": &f.Remote, "active": &f.Active, "pending": &f.Pending,
		"disabled": &f.Disabled, "silenced": &f.Silenced, "suspended": &f.Suspended, "staff": &f.Staff} {
		if *dst, err = p.Bool(key, false); err != nil {
			return err
		}
	}
	f.Username, f.Domain, f.Email = p.String("username"), p.String("by_domain"), p.String("email")
	for _, s := range []string{f.Username, f.Domain, f.Email} {
		if len(s) > 320 {
			return domain.Invalid("filters: at most 320 characters")
		}
	}
	pg, err := p.Page(AdminPageDefault, AdminPageMax)
	if err != nil {
		return err
	}
	accts, err := a.Store.AdminAccounts(r.Context(), f, pg)
	if err != nil {
		return err
	}
	out := make([]*AdminAccount, 0, len(accts))
	for _, x := range accts {
		out = append(out, a.renderAdminAccount(x))
	}
	if len(accts) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, accts[0].Account.ID, accts[len(accts)-1].Account.ID, len(accts))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminAccount(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := moderation.RequireModerator(v.User); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := a.Store.AdminAccount(r.Context(), id)
	if err != nil {
		return err
	}
	rest.OK(w, a.renderAdminAccount(x))
	return nil
}

// adminAccountAction is POST /api/v1/admin/accounts/:id/action: it records
// a decision (with its statement of reasons) like the agora decision API.
func (a *API) adminAccountAction(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	reportID, err := p.ID("report_id")
	if err != nil {
		return err
	}
	if _, err := a.mod().AccountAction(r.Context(), v.User, id, p.String("type"), reportID, p.String("text")); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

func (a *API) adminLift(what string) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := a.mod().Lift(r.Context(), v.User, id, what); err != nil {
			return err
		}
		x, err := a.Store.AdminAccount(r.Context(), id)
		if err != nil {
			return err
		}
		rest.OK(w, a.renderAdminAccount(x))
		return nil
	}
}

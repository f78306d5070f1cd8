package web

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

// registerAdmin adds the administrators' pages under /admin/ (server
// settings and blocks); the moderation queue is in moderation.go. Each
// action calls the moderation service the Mastodon API calls, so the role
// checks and the audit log entries are the API's: the web handlers only
// decode forms and render.
func (h *Handler) registerAdmin(mux *http.ServeMux) {
	// admin_domains.go
	mux.HandleFunc("GET /admin/domains", h.adminDomainsPage)
	mux.HandleFunc("POST /admin/domains", h.adminCreateDomainBlock)
	mux.HandleFunc("GET /admin/domains/{id}", h.adminDomainBlockPage)
	mux.HandleFunc("POST /admin/domains/{id}", h.adminUpdateDomainBlock)
	mux.HandleFunc("POST /admin/domains/{id}/delete", h.adminDeleteDomain)
	mux.HandleFunc("POST /admin/domain_allows", h.adminAllowDomain)
	mux.HandleFunc("POST /admin/domain_allows/{id}/delete", h.adminDeleteAllow)
	h.registerAdminRelays(mux)                               // admin_relays.go: /admin/relays
	mux.HandleFunc("GET /admin/signups", h.adminSignUpsPage) // admin_signups.go
	mux.HandleFunc("POST /admin/signups/email", h.adminAddEmailBlock)
	mux.HandleFunc("POST /admin/signups/email/{id}/delete", h.adminDeleteEmailBlock)
	mux.HandleFunc("POST /admin/signups/ip", h.adminAddIPBlock)
	mux.HandleFunc("POST /admin/signups/ip/{id}/delete", h.adminDeleteIPBlock)
	mux.HandleFunc("GET /admin/rules", h.adminRulesPage) // admin_rules.go
	mux.HandleFunc("POST /admin/rules", h.adminAddRule)
	mux.HandleFunc("POST /admin/rules/{id}", h.adminUpdateRule)
	mux.HandleFunc("POST /admin/rules/{id}/delete", h.adminDeleteRule)
	mux.HandleFunc("GET /admin/policies", h.adminPoliciesPage) // admin_policies.go
	mux.HandleFunc("POST /admin/policies", h.adminPublishPolicy)
	mux.HandleFunc("GET /admin/announcements", h.adminAnnouncementsPage) // admin_announcements.go
	mux.HandleFunc("POST /admin/announcements", h.adminAnnounce)
	mux.HandleFunc("POST /admin/announcements/{id}/delete", h.adminWithdraw)
	h.RegisterAdminEmojis(mux) // admin_emojis.go
	h.registerAdminHosts(mux)  // admin_hosts.go: unavailable hosts
}

// adminPage begins an administration page for moderators and admins (a
// signed-out visitor is sent to sign in, a member gets 403) and sets its
// title and the admin navigation's current entry. What only admins may do
// is refused by the service itself, as in the API.
func (h *Handler) adminPage(w http.ResponseWriter, r *http.Request, sub, title string) *request {
	q := h.moderator(w, r)
	if q == nil {
		return nil
	}
	h.adminFrame(q, sub, title)
	return q
}

// adminForm begins an administration form post: the body, the CSRF token
// and the moderator role are checked; the service checks the rest.
func (h *Handler) adminForm(w http.ResponseWriter, r *http.Request, sub, title string) *request {
	q := h.form(w, r, true)
	if q == nil {
		return nil
	}
	if err := moderation.RequireModerator(q.user); err != nil {
		h.fail(w, r, err)
		return nil
	}
	h.adminFrame(q, sub, title)
	q.v.Path = "/admin/" + sub
	return q
}

func (h *Handler) adminFrame(q *request, sub, title string) {
	q.v.Nav, q.v.Sub, q.v.Title = "admin", sub, q.v.Tr(title)
}

// admCanEdit reports whether the viewer may change server settings: the
// pages show their forms only then.
func admCanEdit(q *request) bool { return q.user != nil && q.user.Role == domain.RoleAdmin }

// adminPathID reads the {id} of the path, or writes a 404 page.
func (h *Handler) adminPathID(q *request) (domain.ID, bool) {
	id, ok := domain.ParseID(q.r.PathValue("id"))
	if !ok {
		h.fail(q.w, q.r, domain.NotFound())
	}
	return id, ok
}

// adminErrors translates the services' validation messages the admin
// forms can produce, by a stable part of them (the beginning, or a part
// after the value the person typed); any other keeps the service's own
// English message.
var adminErrors = []struct{ part, key string }{
	{" is already blocked", "adm_err_already_blocked"},
	{" already has a rule", "adm_err_ip_exists"},
	{"domain is required", "adm_err_domain"},
	{" is not a domain name", "adm_err_domain"},
	{"the domain of a block cannot change", "adm_err_domain_change"},
	{"ip:", "adm_err_ip"},
	{"ip and severity are required", "adm_err_ip"},
	{"expires_in:", "adm_err_expiry"},
	{"severity must be", "adm_err_severity"},
	{"comments:", "adm_err_comment"},
	{"comment:", "adm_err_comment"},
	{"text:", "adm_err_text"},
	{"hint:", "adm_err_hint"},
	{"At most", "adm_err_too_many"},
	{"content:", "adm_err_content"},
	{"summary:", "adm_err_summary"},
	{"effective_date:", "adm_err_effective"},
	{"a version effective on", "adm_err_version_exists"},
	{"ends_at must be after", "adm_err_ends"},
	{"kind must be", "adm_err_kind"},
}

// adminError is the page's message for a refused form: translated when
// the service's message is one of the known ones.
func adminError(q *request, err error) string {
	msg := errorMessage(err)
	for _, e := range adminErrors {
		if i := strings.Index(msg, e.part); i == 0 || (i > 0 && strings.HasPrefix(e.part, " ")) {
			return q.v.Tr(e.key)
		}
	}
	return msg
}

// adminRefused handles a service error of a form: a validation error is
// shown on the page again (422) by show, anything else is an error page.
func (h *Handler) adminRefused(q *request, err error, show func(status int, msg string)) {
	if domain.KindOf(err) == domain.KindInvalid {
		show(http.StatusUnprocessableEntity, adminError(q, err))
		return
	}
	h.fail(q.w, q.r, err)
}

package web

import (
	"net/http"
	"net/url"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// AdminListLimit is how many blocks, allows or announcements an admin
// page lists (the API's maximum page).
const AdminListLimit = 200

// domainBlockForm is the block form, as typed (a new block, an edited one,
// or one waiting for the confirmation of a suspension).
type domainBlockForm struct {
	ID             string // "" for a new block
	Domain         string
	Severity       string
	RejectMedia    bool
	RejectReports  bool
	Obfuscate      bool
	PrivateComment string
	PublicComment  string
	Error          string
	// Impact is set when a suspension waits for confirmation.
	Impact *moderation.DomainImpact
}

// adminDomainsData is the /admin/domains page: the blocks, the allows in
// allow-list mode, and the block form (new, edit or confirm).
type adminDomainsData struct {
	V          *view  // for the shared block fields
	Mode       string // "list", "edit" or "confirm"
	Blocks     []*store.DomainBlock
	Allowlist  bool
	Allows     []*store.DomainAllow
	AllowTyped string
	AllowError string
	Form       *domainBlockForm
	Severities []string
	MaxComment int
}

func newDomainsData(mode string) *adminDomainsData {
	return &adminDomainsData{Mode: mode, Form: &domainBlockForm{Severity: store.SeveritySilence},
		Severities: []string{store.SeveritySilence, store.SeveritySuspend, store.SeverityNoop}, MaxComment: moderation.MaxDomainCommentLen}
}

func (h *Handler) adminDomainsPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "domains", "adm_domains_title")
	if q == nil {
		return
	}
	h.showDomains(q, http.StatusOK, newDomainsData("list"))
}

// showDomains renders the list page with d's form (and its error).
func (h *Handler) showDomains(q *request, status int, d *adminDomainsData) {
	ctx := q.r.Context()
	var err error
	if d.Blocks, err = h.mod().DomainBlocks(ctx, q.user, domain.Page{Limit: AdminListLimit}); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Allowlist = h.Cfg.Federation.Allowlist(); d.Allowlist {
		if d.Allows, err = h.mod().DomainAllows(ctx, q.user, domain.Page{Limit: AdminListLimit}); err != nil {
			h.fail(q.w, q.r, err)
			return
		}
	}
	d.V, q.v.Data = q.v, d
	h.render(q, status, "admin_domains")
}

// readDomainBlock reads the block form. Every field is given (an unticked
// box is false), so an edit sets them all.
func readDomainBlock(v url.Values) (*domainBlockForm, moderation.DomainBlockInput) {
	f := &domainBlockForm{Domain: v.Get("domain"), Severity: v.Get("severity"), RejectMedia: on(v, "reject_media"),
		RejectReports: on(v, "reject_reports"), Obfuscate: on(v, "obfuscate"), PrivateComment: v.Get("private_comment"),
		PublicComment: v.Get("public_comment")}
	in := moderation.DomainBlockInput{Domain: f.Domain, Severity: &f.Severity, RejectMedia: &f.RejectMedia,
		RejectReports: &f.RejectReports, Obfuscate: &f.Obfuscate, PrivateComment: &f.PrivateComment, PublicComment: &f.PublicComment}
	return f, in
}

// confirmSuspension shows what a suspension removes, with the form to
// confirm it, unless the form is that confirmation. It reports whether it
// answered.
func (h *Handler) confirmSuspension(q *request, f *domainBlockForm, wasSuspended bool, retry func(int, string)) bool {
	if f.Severity != store.SeveritySuspend || wasSuspended || on(q.r.PostForm, "confirm") {
		return false
	}
	impact, err := h.mod().SuspensionImpact(q.r.Context(), q.user, f.Domain)
	if err != nil {
		h.adminRefused(q, err, retry)
		return true
	}
	f.Impact = impact
	d := newDomainsData("confirm")
	d.Form, d.V = f, q.v
	q.v.Title, q.v.Data = q.v.Tr("adm_confirm_title", impact.Domain), d
	h.render(q, http.StatusOK, "admin_domains")
	return true
}

func (h *Handler) adminCreateDomainBlock(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "domains", "adm_domains_title")
	if q == nil {
		return
	}
	f, in := readDomainBlock(r.PostForm)
	retry := func(status int, msg string) {
		f.Error, f.Impact = msg, nil
		d := newDomainsData("list")
		d.Form = f
		h.showDomains(q, status, d)
	}
	if h.confirmSuspension(q, f, false, retry) {
		return
	}
	if _, err := h.mod().CreateDomainBlock(r.Context(), q.user, in); err != nil {
		h.adminRefused(q, err, retry)
		return
	}
	h.done(q, "flash_adm_domain_blocked", nil)
}

func (h *Handler) adminDomainBlockPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "domains", "adm_domains_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	b, err := h.mod().DomainBlock(r.Context(), q.user, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showDomainEdit(q, http.StatusOK, &domainBlockForm{ID: b.ID.String(), Domain: b.Domain, Severity: b.Severity,
		RejectMedia: b.RejectMedia, RejectReports: b.RejectReports, Obfuscate: b.Obfuscate, PrivateComment: b.PrivateComment,
		PublicComment: b.PublicComment})
}

func (h *Handler) showDomainEdit(q *request, status int, f *domainBlockForm) {
	d := newDomainsData("edit")
	d.Form, d.V = f, q.v
	q.v.Title, q.v.Data = q.v.Tr("adm_domain_edit_title", f.Domain), d
	h.render(q, status, "admin_domains")
}

func (h *Handler) adminUpdateDomainBlock(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "domains", "adm_domains_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	old, err := h.mod().DomainBlock(r.Context(), q.user, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, in := readDomainBlock(r.PostForm)
	f.ID, f.Domain, in.Domain = old.ID.String(), old.Domain, "" // the domain of a block stays
	retry := func(status int, msg string) {
		f.Error, f.Impact = msg, nil
		h.showDomainEdit(q, status, f)
	}
	if h.confirmSuspension(q, f, old.Severity == store.SeveritySuspend, retry) {
		return
	}
	if _, err := h.mod().UpdateDomainBlock(r.Context(), q.user, id, in); err != nil {
		h.adminRefused(q, err, retry)
		return
	}
	h.done(q, "flash_adm_domain_saved", nil)
}

func (h *Handler) adminDeleteDomain(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "domains", "adm_domains_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	if _, err := h.mod().DeleteDomainBlock(r.Context(), q.user, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_domain_unblocked", nil)
}

func (h *Handler) adminAllowDomain(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "domains", "adm_domains_title")
	if q == nil {
		return
	}
	typed := r.PostForm.Get("domain")
	if _, err := h.mod().AllowDomain(r.Context(), q.user, typed); err != nil {
		h.adminRefused(q, err, func(status int, msg string) {
			d := newDomainsData("list")
			d.AllowTyped, d.AllowError = typed, msg
			h.showDomains(q, status, d)
		})
		return
	}
	h.done(q, "flash_adm_domain_allowed", nil)
}

func (h *Handler) adminDeleteAllow(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "domains", "adm_domains_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	if _, err := h.mod().DeleteDomainAllow(r.Context(), q.user, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_allow_removed", nil)
}

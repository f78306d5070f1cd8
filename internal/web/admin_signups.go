package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// ipExpiries are the choices of an IP block's duration, as Mastodon's
// form offers them (seconds; 0 for never).
var ipExpiries = []struct{ Value, Key string }{
	{"0", "adm_expires_never"}, {"86400", "adm_expires_day"}, {"1209600", "adm_expires_2weeks"},
	{"2592000", "adm_expires_month"}, {"15552000", "adm_expires_6months"}, {"31536000", "adm_expires_year"},
}

// ipBlockRow is an IP block as listed.
type ipBlockRow struct {
	B       *store.IPBlock
	Expires string // "" for never
	Expired bool
}

// adminSignUpsData is the /admin/signups page.
type adminSignUpsData struct {
	Emails     []*store.EmailDomainBlock
	IPs        []ipBlockRow
	EmailTyped string
	EmailError string
	IP         ipBlockForm
	Severities []string
	Expiries   []struct{ Value, Key string }
	MaxComment int
}

// ipBlockForm is the IP block form as typed.
type ipBlockForm struct {
	IP, Severity, Comment, ExpiresIn, Error string
}

func (h *Handler) adminSignUpsPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "signups", "adm_signups_title")
	if q == nil {
		return
	}
	h.showSignUps(q, http.StatusOK, &adminSignUpsData{IP: ipBlockForm{Severity: store.IPSignUpApproval, ExpiresIn: "0"}})
}

func (h *Handler) showSignUps(q *request, status int, d *adminSignUpsData) {
	ctx := q.r.Context()
	var err error
	if d.Emails, err = h.mod().EmailDomainBlocks(ctx, q.user, domain.Page{Limit: AdminListLimit}); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	ips, err := h.mod().IPBlocks(ctx, q.user)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	now := h.Store.Now()
	for _, b := range ips {
		row := ipBlockRow{B: b}
		if b.ExpiresAt != nil {
			row.Expires, row.Expired = q.v.Date(*b.ExpiresAt), !b.ExpiresAt.After(now)
		}
		d.IPs = append(d.IPs, row)
	}
	d.Severities = []string{store.IPSignUpApproval, store.IPSignUpBlock, store.IPNoAccess}
	d.Expiries, d.MaxComment = ipExpiries, moderation.MaxIPComment
	q.v.Data = d
	h.render(q, status, "admin_signups")
}

func (h *Handler) adminAddEmailBlock(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "signups", "adm_signups_title")
	if q == nil {
		return
	}
	typed := r.PostForm.Get("domain")
	if _, err := h.mod().AddEmailDomainBlock(r.Context(), q.user, typed); err != nil {
		h.adminRefused(q, err, func(status int, msg string) {
			h.showSignUps(q, status, &adminSignUpsData{EmailTyped: typed, EmailError: msg, IP: ipBlockForm{Severity: store.IPSignUpApproval, ExpiresIn: "0"}})
		})
		return
	}
	h.done(q, "flash_adm_email_blocked", nil)
}

func (h *Handler) adminDeleteEmailBlock(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "signups", "adm_signups_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	if err := h.mod().DeleteEmailDomainBlock(r.Context(), q.user, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_email_unblocked", nil)
}

func (h *Handler) adminAddIPBlock(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "signups", "adm_signups_title")
	if q == nil {
		return
	}
	v := r.PostForm
	f := ipBlockForm{IP: v.Get("ip"), Severity: v.Get("severity"), Comment: v.Get("comment"), ExpiresIn: v.Get("expires_in")}
	retry := func(status int, msg string) {
		f.Error = msg
		h.showSignUps(q, status, &adminSignUpsData{IP: f})
	}
	secs, err := strconv.Atoi(f.ExpiresIn)
	if f.ExpiresIn == "" {
		secs, err = 0, nil
	}
	if err != nil || secs < 0 {
		retry(http.StatusUnprocessableEntity, q.v.Tr("adm_err_expiry"))
		return
	}
	exp := time.Duration(secs) * time.Second
	in := moderation.IPBlockInput{IP: &f.IP, Severity: &f.Severity, Comment: &f.Comment, ExpiresIn: &exp}
	if _, err := h.mod().SaveIPBlock(r.Context(), q.user, 0, in); err != nil {
		h.adminRefused(q, err, retry)
		return
	}
	h.done(q, "flash_adm_ip_blocked", nil)
}

func (h *Handler) adminDeleteIPBlock(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "signups", "adm_signups_title")
	if q == nil {
		return
	}
	id, ok := h.adminPathID(q)
	if !ok {
		return
	}
	if err := h.mod().DeleteIPBlock(r.Context(), q.user, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_adm_ip_unblocked", nil)
}

package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

// AuditPageSize is how many entries one page of /admin/audit lists.
const AuditPageSize = 50

// auditFamilies are the action families the audit page filters on (the
// part of an action before its dot: report.resolve is in "report").
var auditFamilies = []string{"report", "decision", "appeal", "account", "trusted_flagger", "domain_block",
	"email_domain_block", "ip_block", "rule", "policy", "announcement"}

// auditRow is one audit log line.
type auditRow struct {
	Date, By, Action, Target, Detail string
	Link                             string // the report, statement or account page of the target
}

// auditData is /admin/audit: its filter and one page.
type auditData struct {
	Moderator, Action string
	Families          []string
	Rows              []auditRow
	Error             string
	Next              string
}

// auditPage is GET /admin/audit?moderator=&action=&max_id=: every
// moderator action, newest first (moderators may read it, as in the API).
func (h *Handler) auditPage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	ctx := r.Context()
	qs := r.URL.Query()
	d := &auditData{Moderator: strings.TrimPrefix(strings.TrimSpace(qs.Get("moderator")), "@"), Action: strings.TrimSpace(qs.Get("action")),
		Families: auditFamilies}
	q.v.Title, q.v.Sub, q.v.Data = q.v.Tr("mod_audit_title"), "audit", d
	f := moderation.AuditFilter{Action: d.Action}
	if d.Moderator != "" {
		a, err := h.Store.AccountByHandle(ctx, d.Moderator, "")
		if err != nil {
			if domain.KindOf(err) != domain.KindNotFound {
				h.fail(w, r, err)
				return
			}
			d.Error = q.v.Tr("mod_err_no_moderator", d.Moderator)
			h.renderMod(q, http.StatusUnprocessableEntity, "moderation_audit")
			return
		}
		f.AccountID = a.ID
	}
	es, err := h.mod().AuditLog(ctx, q.user, f, domain.Page{MaxID: queueID(qs, "max_id"), Limit: AuditPageSize + 1})
	if err != nil {
		if st := formStatus(err); st != 0 {
			d.Error = h.modError(q, err)
			h.renderMod(q, st, "moderation_audit")
			return
		}
		h.fail(w, r, err)
		return
	}
	if len(es) > AuditPageSize {
		es = es[:AuditPageSize]
		nq := url.Values{"max_id": {es[len(es)-1].ID.String()}}
		if d.Moderator != "" {
			nq.Set("moderator", d.Moderator)
		}
		if d.Action != "" {
			nq.Set("action", d.Action)
		}
		d.Next = "/admin/audit?" + nq.Encode()
	}
	ids := make([]domain.ID, 0, len(es))
	for _, e := range es {
		ids = append(ids, e.AccountID)
	}
	accts, err := h.Store.Accounts(ctx, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, e := range es {
		row := auditRow{Date: q.v.Date(e.CreatedAt), Action: e.Action, Target: e.TargetType + " " + e.TargetID.String(),
			Detail: e.Detail, By: q.v.Tr("mod_audit_system")}
		if a := accts[e.AccountID]; a != nil {
			row.By = "@" + a.Acct()
		}
		switch e.TargetType {
		case "report":
			row.Link = "/admin/reports/" + e.TargetID.String()
		case "account":
			row.Link = "/admin/accounts/" + e.TargetID.String()
		case "decision":
			row.Link = "/statements/" + e.TargetID.String()
		}
		d.Rows = append(d.Rows, row)
	}
	h.renderMod(q, http.StatusOK, "moderation_audit")
}

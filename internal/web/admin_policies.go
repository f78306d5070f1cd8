package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// policyDoc is one policy document on /admin/policies: its version in
// effect, its history and its publishing form.
type policyDoc struct {
	Kind     string
	Current  *store.PolicyVersion
	HTML     template.HTML // the current text as members read it
	Versions []policyVersionRow
	// The publishing form, as typed (prefilled with the current text).
	Content, Summary, Effective, Error string
}

// policyVersionRow is one version in the history.
type policyVersionRow struct {
	V         *store.PolicyVersion
	Published string
	State     string // "current", "upcoming" or "past"
}

// adminPoliciesData is the /admin/policies page.
type adminPoliciesData struct {
	Docs       []*policyDoc
	CanEdit    bool
	Today      string
	MaxContent int
	MaxSummary int
}

func (h *Handler) adminPoliciesPage(w http.ResponseWriter, r *http.Request) {
	q := h.adminPage(w, r, "policies", "adm_policies_title")
	if q == nil {
		return
	}
	h.showPolicies(q, http.StatusOK, nil)
}

// showPolicies renders the page; refused, when not nil, is the form that
// was refused (its typed values and error replace the prefilled ones).
func (h *Handler) showPolicies(q *request, status int, refused *policyDoc) {
	ctx := q.r.Context()
	today := h.Store.Now().UTC().Format(time.DateOnly)
	d := &adminPoliciesData{CanEdit: admCanEdit(q), Today: today, MaxContent: moderation.MaxPolicyLen, MaxSummary: moderation.MaxSummaryLen}
	for _, kind := range []string{moderation.TermsOfService, moderation.ModerationPolicy} {
		doc := &policyDoc{Kind: kind, Effective: today}
		cur, _, err := h.mod().Policy(ctx, kind, "")
		if err != nil && domain.KindOf(err) != domain.KindNotFound {
			h.fail(q.w, q.r, err)
			return
		}
		if cur != nil {
			doc.Current, doc.HTML, doc.Content = cur, template.HTML(moderation.TextHTML(cur.Content)), cur.Content
		}
		all, err := h.Store.PolicyVersions(ctx, kind)
		if err != nil {
			h.fail(q.w, q.r, err)
			return
		}
		for _, v := range all {
			row := policyVersionRow{V: v, Published: q.v.Date(v.CreatedAt), State: "past"}
			switch {
			case v.EffectiveDate > today:
				row.State = "upcoming"
			case cur != nil && v.ID == cur.ID:
				row.State = "current"
			}
			doc.Versions = append(doc.Versions, row)
		}
		// A form with an unknown kind shows its error on the first one.
		if refused != nil && (refused.Kind == kind || (kind == moderation.TermsOfService && refused.Kind != moderation.ModerationPolicy)) {
			doc.Content, doc.Summary, doc.Effective, doc.Error = refused.Content, refused.Summary, refused.Effective, refused.Error
		}
		d.Docs = append(d.Docs, doc)
	}
	q.v.Data = d
	h.render(q, status, "admin_policies")
}

// adminPublishPolicy publishes a new version: the service stores it and
// announces it to every member, with the audit entry, in one transaction.
func (h *Handler) adminPublishPolicy(w http.ResponseWriter, r *http.Request) {
	q := h.adminForm(w, r, "policies", "adm_policies_title")
	if q == nil {
		return
	}
	v := r.PostForm
	f := &policyDoc{Kind: v.Get("kind"), Content: v.Get("content"), Summary: v.Get("summary"), Effective: v.Get("effective_date")}
	if _, err := h.mod().PublishPolicy(r.Context(), q.user, f.Kind, f.Content, f.Summary, f.Effective); err != nil {
		h.adminRefused(q, err, func(status int, msg string) {
			f.Error = msg
			h.showPolicies(q, status, f)
		})
		return
	}
	h.done(q, "flash_adm_policy_published", nil)
}

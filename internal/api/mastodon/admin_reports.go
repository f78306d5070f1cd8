package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// ModerationEdge serves the trust-and-safety API: Mastodon's reports and
// admin endpoints and agora's /api/agora/v1 moderation endpoints. It is a
// separate edge so that its routes live beside their handlers.
type ModerationEdge struct{ API *API }

// Moderation returns the moderation edge of the API.
func (a *API) Moderation() *ModerationEdge { return &ModerationEdge{API: a} }

// Page sizes of the admin lists (Mastodon's).
const (
	AdminPageDefault = 100
	AdminPageMax     = 200
)

// Register adds the moderation routes.
func (e *ModerationEdge) Register(mux *http.ServeMux) {
	a := e.API
	mux.HandleFunc("POST /api/v1/reports", a.endpoint(userOnly, "write:reports", a.postReport))
	mux.HandleFunc("GET /api/agora/v1/reports/{id}", a.endpoint(userOnly, "read", a.getOwnReport))

	mux.HandleFunc("GET /api/v1/admin/reports", a.endpoint(userOnly, "admin:read:reports", a.adminReports))
	mux.HandleFunc("GET /api/v1/admin/reports/{id}", a.endpoint(userOnly, "admin:read:reports", a.adminReport))
	mux.HandleFunc("PUT /api/v1/admin/reports/{id}", a.endpoint(userOnly, "admin:write:reports", a.adminUpdateReport))
	for _, act := range []moderation.ReportAction{moderation.AssignToSelf, moderation.Unassign, moderation.Resolve, moderation.Reopen} {
		mux.HandleFunc("POST /api/v1/admin/reports/{id}/"+string(act), a.endpoint(userOnly, "admin:write:reports", a.adminReportAction(act)))
	}
	mux.HandleFunc("POST /api/agora/v1/admin/reports/{id}/escalate", a.endpoint(userOnly, "admin:write:reports", a.adminReportAction(moderation.Escalate)))
	mux.HandleFunc("GET /api/agora/v1/admin/reports/{id}/notes", a.endpoint(userOnly, "admin:read:reports", a.adminReportNotes))
	mux.HandleFunc("POST /api/agora/v1/admin/reports/{id}/notes", a.endpoint(userOnly, "admin:write:reports", a.adminAddReportNote))
	mux.HandleFunc("GET /api/agora/v1/admin/queue", a.endpoint(userOnly, "admin:read:reports", a.adminQueue))

	a.registerAdminAccounts(mux)
	a.registerAdminDecisions(mux)
	a.registerAdminHeld(mux) // admin_held.go
	a.registerStatements(mux)
}

// AdminReport is Mastodon's Admin::Report, with agora's queue fields in
// "agora" (state, priority, source, the DSA notice, the decision).
type AdminReport struct {
	ID                   string        `json:"id"`
	ActionTaken          bool          `json:"action_taken"`
	ActionTakenAt        *Time         `json:"action_taken_at"`
	Category             string        `json:"category"`
	Comment              string        `json:"comment"`
	Forwarded            bool          `json:"forwarded"`
	CreatedAt            Time          `json:"created_at"`
	UpdatedAt            Time          `json:"updated_at"`
	Account              *AdminAccount `json:"account"`
	TargetAccount        *AdminAccount `json:"target_account"`
	AssignedAccount      *AdminAccount `json:"assigned_account"`
	ActionTakenByAccount *AdminAccount `json:"action_taken_by_account"`
	Statuses             []*Status     `json:"statuses"`
	Rules                []ruleEntity  `json:"rules"`
	Agora                AgoraReport   `json:"agora"`
}

// AgoraReport holds agora's report fields.
type AgoraReport struct {
	State            string   `json:"state"`
	Priority         bool     `json:"priority"`
	Source           string   `json:"source"`
	LegalCategory    *string  `json:"legal_category"`
	LegalExplanation *string  `json:"legal_explanation"`
	ContentURLs      []string `json:"content_urls"`
	NotifierName     *string  `json:"notifier_name"`
	NotifierEmail    *string  `json:"notifier_email"`
	GoodFaith        bool     `json:"good_faith_confirmed"`
	DecisionID       *string  `json:"decision_id"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *API) adminAccountRef(ctx context.Context, id domain.ID) (*AdminAccount, error) {
	if id == 0 {
		return nil, nil
	}
	acct, err := a.Store.AdminAccount(ctx, id)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a.renderAdminAccount(acct), nil
}

func (a *API) renderAdminReport(ctx context.Context, v *Viewer, r *store.Report) (*AdminReport, error) {
	out := &AdminReport{ID: r.ID.String(), ActionTaken: r.ActionTakenAt != nil, Category: r.Category, Comment: r.Comment,
		Forwarded: r.Forwarded, CreatedAt: Time(r.CreatedAt), UpdatedAt: Time(r.UpdatedAt), Rules: []ruleEntity{},
		Agora: AgoraReport{State: r.State, Priority: r.Priority, Source: r.Source, ContentURLs: r.ContentURLs,
			LegalCategory: optString(r.LegalCategory), LegalExplanation: optString(r.LegalExplanation),
			NotifierName: optString(r.NotifierName), NotifierEmail: optString(r.NotifierEmail), GoodFaith: r.GoodFaith}}
	if r.DecisionID != 0 {
		out.Agora.DecisionID = optString(r.DecisionID.String())
	}
	if r.ActionTakenAt != nil {
		t := Time(*r.ActionTakenAt)
		out.ActionTakenAt = &t
	}
	var err error
	for _, x := range []struct {
		dst **AdminAccount
		id  domain.ID
	}{{&out.Account, r.AccountID}, {&out.TargetAccount, r.TargetAccountID}, {&out.AssignedAccount, r.AssignedAccountID}, {&out.ActionTakenByAccount, r.ActionTakenByAccountID}} {
		if *x.dst, err = a.adminAccountRef(ctx, x.id); err != nil {
			return nil, err
		}
	}
	if out.Statuses, err = a.renderStatusList(ctx, v, r.StatusIDs, ""); err != nil {
		return nil, err
	}
	rules, err := a.Store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	for _, rule := range renderRules(rules) {
		for _, id := range r.RuleIDs {
			if id.String() == rule.ID {
				out.Rules = append(out.Rules, rule)
			}
		}
	}
	return out, nil
}

func (a *API) renderAdminReports(ctx context.Context, v *Viewer, rs []*store.Report) ([]*AdminReport, error) {
	out := make([]*AdminReport, 0, len(rs))
	for _, r := range rs {
		e, err := a.renderAdminReport(ctx, v, r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// adminReports is GET /api/v1/admin/reports (filters resolved, account_id,
// target_account_id; agora adds state=open|escalated|resolved).
func (a *API) adminReports(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	var f store.ReportFilter
	resolved, err := p.Bool("resolved", false)
	if err != nil {
		return err
	}
	switch st := p.String("state"); {
	case st == "open" || st == "escalated" || st == "resolved":
		f.States = []string{st}
	case st != "":
		return domain.Invalid("state: must be open, escalated or resolved")
	case resolved:
		f.States = []string{"resolved"}
	default:
		f.States = []string{"open", "escalated"}
	}
	if f.AccountID, err = p.ID("account_id"); err != nil {
		return err
	}
	if f.TargetAccountID, err = p.ID("target_account_id"); err != nil {
		return err
	}
	pg, err := p.Page(AdminPageDefault, AdminPageMax)
	if err != nil {
		return err
	}
	rs, err := a.mod().ListReports(r.Context(), v.User, f, pg, false)
	if err != nil {
		return err
	}
	out, err := a.renderAdminReports(r.Context(), v, rs)
	if err != nil {
		return err
	}
	if len(rs) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, rs[0].ID, rs[len(rs)-1].ID, len(rs))
	}
	rest.OK(w, out)
	return nil
}

// adminQueue is GET /api/agora/v1/admin/queue: unresolved reports, trusted
// flaggers first, then oldest first.
func (a *API) adminQueue(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	rs, err := a.mod().ListReports(r.Context(), v.User, store.ReportFilter{States: []string{"open", "escalated"}}, domain.Page{Limit: AdminPageMax}, true)
	if err != nil {
		return err
	}
	out, err := a.renderAdminReports(r.Context(), v, rs)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminReport(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := a.mod().GetReport(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	out, err := a.renderAdminReport(r.Context(), v, rep)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminReportAction(act moderation.ReportAction) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rep, err := a.mod().ChangeReport(r.Context(), v.User, id, act)
		if err != nil {
			return err
		}
		out, err := a.renderAdminReport(r.Context(), v, rep)
		if err != nil {
			return err
		}
		rest.OK(w, out)
		return nil
	}
}

// ReportNote is an internal comment on a report.
type ReportNote struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Content   string `json:"content"`
	CreatedAt Time   `json:"created_at"`
}

func renderNote(n *store.ReportNote) ReportNote {
	return ReportNote{ID: n.ID.String(), AccountID: n.AccountID.String(), Content: n.Content, CreatedAt: Time(n.CreatedAt)}
}

func (a *API) adminReportNotes(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ns, err := a.mod().Notes(r.Context(), v.User, id)
	if err != nil {
		return err
	}
	out := make([]ReportNote, 0, len(ns))
	for _, n := range ns {
		out = append(out, renderNote(n))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminAddReportNote(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	n, err := a.mod().AddNote(r.Context(), v.User, id, p.String("content"))
	if err != nil {
		return err
	}
	rest.OK(w, renderNote(n))
	return nil
}

// adminUpdateReport is PUT /api/v1/admin/reports/:id {category, rule_ids[]}.
func (a *API) adminUpdateReport(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	rules, err := p.IDs("rule_ids", moderation.MaxReportRules)
	if err != nil {
		return err
	}
	rep, err := a.mod().Recategorize(r.Context(), v.User, id, p.String("category"), rules)
	if err != nil {
		return err
	}
	out, err := a.renderAdminReport(r.Context(), v, rep)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

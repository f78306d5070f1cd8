package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerAdminDecisions(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/agora/v1/admin/decisions", a.endpoint(userOnly, "admin:write:reports", a.adminDecide))
	mux.HandleFunc("GET /api/agora/v1/admin/appeals", a.endpoint(userOnly, "admin:read:reports", a.adminAppeals))
	mux.HandleFunc("POST /api/agora/v1/admin/appeals/{id}/approve", a.endpoint(userOnly, "admin:write:reports", a.adminDecideAppeal(true)))
	mux.HandleFunc("POST /api/agora/v1/admin/appeals/{id}/reject", a.endpoint(userOnly, "admin:write:reports", a.adminDecideAppeal(false)))
	mux.HandleFunc("GET /api/agora/v1/admin/audit_log", a.endpoint(userOnly, "admin:read", a.adminAuditLog))
	mux.HandleFunc("GET /api/agora/v1/admin/statements/export", a.endpoint(userOnly, "admin:read", a.adminExport))
	mux.HandleFunc("POST /api/agora/v1/admin/trusted_flaggers", a.endpoint(userOnly, "admin:write:accounts", a.adminTrustedFlagger))
	mux.HandleFunc("POST /api/agora/v1/admin/rules", a.endpoint(userOnly, "admin:write", a.adminSaveRule))
	mux.HandleFunc("PUT /api/agora/v1/admin/rules/{id}", a.endpoint(userOnly, "admin:write", a.adminSaveRule))
	mux.HandleFunc("DELETE /api/agora/v1/admin/rules/{id}", a.endpoint(userOnly, "admin:write", a.adminDeleteRule))
}

// adminDecide is POST /api/agora/v1/admin/decisions.
func (a *API) adminDecide(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	in := moderation.DecisionInput{Action: p.String("action"), Ground: p.String("ground"), LegalGround: p.String("legal_ground"),
		Explanation: p.String("explanation"), Category: p.String("category")}
	if in.ReportID, err = p.ID("report_id"); err != nil {
		return err
	}
	if in.AccountID, err = p.ID("account_id"); err != nil {
		return err
	}
	if in.StatusIDs, err = p.IDs("status_ids", moderation.MaxDecisionStatuses); err != nil {
		return err
	}
	if in.RuleIDs, err = p.IDs("rule_ids", moderation.MaxReportRules); err != nil {
		return err
	}
	if in.DurationSeconds, err = p.Int("duration", 0, 0, moderation.MaxDurationSeconds); err != nil {
		return err
	}
	if in.AutomatedDetection, err = p.Bool("automated_detection", false); err != nil {
		return err
	}
	d, err := a.mod().Decide(r.Context(), v.User, in)
	if err != nil {
		return err
	}
	out, err := a.renderStatement(r, d)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

// AppealEntity is an appeal as moderators and appellants see it.
type AppealEntity struct {
	ID          string  `json:"id"`
	StatementID string  `json:"statement_id"`
	Text        string  `json:"text"`
	State       string  `json:"state"`
	Response    *string `json:"response"`
	CreatedAt   Time    `json:"created_at"`
	DecidedAt   *Time   `json:"decided_at"`
}

func renderAppeal(x *store.Appeal) *AppealEntity {
	out := &AppealEntity{ID: x.ID.String(), StatementID: x.DecisionID.String(), Text: x.Text, State: x.State,
		Response: optString(x.Response), CreatedAt: Time(x.CreatedAt)}
	if x.DecidedAt != nil {
		t := Time(*x.DecidedAt)
		out.DecidedAt = &t
	}
	return out
}

func (a *API) adminAppeals(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	state := p.String("state")
	if state != "" && state != "pending" && state != "approved" && state != "rejected" {
		return domain.Invalid("state: must be pending, approved or rejected")
	}
	as, err := a.mod().Appeals(r.Context(), v.User, state)
	if err != nil {
		return err
	}
	out := make([]*AppealEntity, 0, len(as))
	for _, x := range as {
		out = append(out, renderAppeal(x))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) adminDecideAppeal(approve bool) handler {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := params(r)
		if err != nil {
			return err
		}
		x, err := a.mod().DecideAppeal(r.Context(), v.User, id, approve, p.String("response"))
		if err != nil {
			return err
		}
		rest.OK(w, renderAppeal(x))
		return nil
	}
}

// AuditEntity is one audit log line.
type AuditEntity struct {
	ID         string  `json:"id"`
	AccountID  *string `json:"account_id"`
	Action     string  `json:"action"`
	TargetType string  `json:"target_type"`
	TargetID   string  `json:"target_id"`
	Detail     string  `json:"detail"`
	CreatedAt  Time    `json:"created_at"`
}

func (a *API) adminAuditLog(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(AdminPageDefault, AdminPageMax)
	if err != nil {
		return err
	}
	es, err := a.mod().AuditLog(r.Context(), v.User, moderation.AuditFilter{}, pg)
	if err != nil {
		return err
	}
	out := make([]AuditEntity, 0, len(es))
	for _, e := range es {
		x := AuditEntity{ID: e.ID.String(), Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID.String(),
			Detail: e.Detail, CreatedAt: Time(e.CreatedAt)}
		if e.AccountID != 0 {
			x.AccountID = optString(e.AccountID.String())
		}
		out = append(out, x)
	}
	if len(es) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, es[0].ID, es[len(es)-1].ID, len(es))
	}
	rest.OK(w, out)
	return nil
}

// adminExport is GET /api/agora/v1/admin/statements/export: the
// Transparency Database batch body {"statements": [...]}.
func (a *API) adminExport(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	sts, err := a.mod().Export(r.Context(), v.User)
	if err != nil {
		return err
	}
	rest.OK(w, map[string]any{"statements": sts})
	return nil
}

func (a *API) adminTrustedFlagger(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	id, err := p.ID("account_id")
	if err != nil {
		return err
	}
	if id == 0 {
		return domain.Invalid("account_id: required")
	}
	if err := a.mod().AddTrustedFlagger(r.Context(), v.User, id, p.String("name")); err != nil {
		return err
	}
	rest.OK(w, map[string]any{"account_id": id.String(), "name": p.String("name")})
	return nil
}

func (a *API) adminSaveRule(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	var id domain.ID
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r, "id"); err != nil {
			return err
		}
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	rule, err := a.mod().SaveRule(r.Context(), v.User, id, p.String("text"), p.String("hint"))
	if err != nil {
		return err
	}
	rest.OK(w, renderRules([]store.Rule{rule})[0])
	return nil
}

func (a *API) adminDeleteRule(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.mod().DeleteRule(r.Context(), v.User, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

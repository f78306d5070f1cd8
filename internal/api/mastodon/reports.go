package mastodon

import (
	"context"
	"github.com/agora-social/agora/internal/mail"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// mod is the moderation service (stateless, so built on demand).
func (a *API) mod() *moderation.Service {
	svc := moderation.New(a.Store, a.Log, a.Cfg.URL)
	svc.Mail = mail.New(a.Cfg.Mail, a.Log)
	return svc
}

// Report is Mastodon's Report entity (what the reporter sees).
type Report struct {
	ID            string   `json:"id"`
	ActionTaken   bool     `json:"action_taken"`
	ActionTakenAt *Time    `json:"action_taken_at"`
	Category      string   `json:"category"`
	Comment       string   `json:"comment"`
	Forwarded     bool     `json:"forwarded"`
	CreatedAt     Time     `json:"created_at"`
	StatusIDs     []string `json:"status_ids"`
	RuleIDs       []string `json:"rule_ids"`
	TargetAccount *Account `json:"target_account"`
}

func idStrings(ids []domain.ID) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, id.String())
	}
	return out
}

func (a *API) renderReport(ctx context.Context, r *store.Report) (*Report, error) {
	target, err := a.Store.Account(ctx, r.TargetAccountID)
	if err != nil {
		return nil, err
	}
	out := &Report{ID: r.ID.String(), ActionTaken: r.ActionTakenAt != nil, Category: r.Category, Comment: r.Comment,
		Forwarded: r.Forwarded, CreatedAt: Time(r.CreatedAt), StatusIDs: idStrings(r.StatusIDs), RuleIDs: idStrings(r.RuleIDs),
		TargetAccount: a.renderAccount(target)}
	if r.ActionTakenAt != nil {
		t := Time(*r.ActionTakenAt)
		out.ActionTakenAt = &t
	}
	return out, nil
}

// postReport is POST /api/v1/reports, with agora's DSA notice fields for
// category=legal: legal_category, legal_explanation, content_urls[],
// notifier_name, notifier_email, good_faith_confirmed.
func (a *API) postReport(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	target, err := p.ID("account_id")
	if err != nil {
		return err
	}
	if target == 0 {
		return domain.Invalid("account_id: required")
	}
	in := moderation.ReportInput{Reporter: v.Account, ReporterEmail: v.User.Email, TargetAccountID: target,
		Comment: p.String("comment"), Category: p.String("category"), LegalCategory: p.String("legal_category"),
		LegalExplanation: p.String("legal_explanation"), ContentURLs: p.Strings("content_urls"),
		NotifierName: p.String("notifier_name"), NotifierEmail: p.String("notifier_email")}
	if in.StatusIDs, err = p.IDs("status_ids", moderation.MaxReportStatuses); err != nil {
		return err
	}
	if in.RuleIDs, err = p.IDs("rule_ids", moderation.MaxReportRules); err != nil {
		return err
	}
	if in.Forward, err = p.Bool("forward", false); err != nil {
		return err
	}
	if in.GoodFaith, err = p.Bool("good_faith_confirmed", false); err != nil {
		return err
	}
	rep, err := a.mod().CreateReport(r.Context(), in)
	if err != nil {
		return err
	}
	out, err := a.renderReport(r.Context(), rep)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

// getOwnReport is GET /api/agora/v1/reports/:id: the reporter follows
// their report (its outcome shows in action_taken).
func (a *API) getOwnReport(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := a.mod().OwnReport(r.Context(), v.AccountID(), id)
	if err != nil {
		return err
	}
	out, err := a.renderReport(r.Context(), rep)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

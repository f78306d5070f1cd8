package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerStatements(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/agora/v1/statements", a.endpoint(userOnly, "read", a.getStatements))
	mux.HandleFunc("GET /api/agora/v1/statements/{id}", a.endpoint(userOnly, "read", a.getStatement))
	mux.HandleFunc("POST /api/agora/v1/statements/{id}/appeal", a.endpoint(userOnly, "write", a.postAppeal))
	mux.HandleFunc("GET /api/agora/v1/transparency", a.endpoint(anyone, "", a.getTransparency))
}

// StatementEntity is a decision's statement of reasons (DSA Art. 17) as its
// addressee sees it. The deciding moderator is not named.
type StatementEntity struct {
	ID                 string          `json:"id"`
	Action             string          `json:"action"`
	Ground             string          `json:"ground"`
	RuleIDs            []string        `json:"rule_ids"`
	Rules              []ruleEntity    `json:"rules"`
	LegalGround        *string         `json:"legal_ground"`
	Explanation        string          `json:"explanation"`
	Facts              string          `json:"facts"`
	Category           string          `json:"category"`
	SourceType         string          `json:"source_type"`
	AutomatedDetection bool            `json:"automated_detection"`
	AutomatedDecision  string          `json:"automated_decision"`
	StatusIDs          []string        `json:"status_ids"`
	TerritorialScope   string          `json:"territorial_scope"`
	ContentDate        Time            `json:"content_date"`
	DecidedAt          Time            `json:"decided_at"`
	EndsAt             *Time           `json:"ends_at"`
	AppealDeadline     Time            `json:"appeal_deadline"`
	OverruledAt        *Time           `json:"overruled_at"`
	SupersededBy       *string         `json:"superseded_by"` // the moderator's decision that replaced a hold
	Redress            string          `json:"redress"`
	Text               string          `json:"text"`
	URL                string          `json:"url"`
	Appeals            []*AppealEntity `json:"appeals"`
}

func (a *API) renderStatement(r *http.Request, d *store.Decision) (*StatementEntity, error) {
	ctx := r.Context()
	rules, err := a.Store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	out := &StatementEntity{ID: d.ID.String(), Action: d.Action, Ground: d.Ground, RuleIDs: idStrings(d.RuleIDs),
		Rules: []ruleEntity{}, LegalGround: optString(d.LegalGround), Explanation: d.Explanation, Facts: d.Facts,
		Category: d.Category, SourceType: d.SourceType, AutomatedDetection: d.AutomatedDetection,
		AutomatedDecision: d.AutomatedDecision, StatusIDs: idStrings(d.StatusIDs), TerritorialScope: "worldwide",
		ContentDate: Time(d.ContentDate), DecidedAt: Time(d.DecidedAt), AppealDeadline: Time(d.AppealDeadline),
		Redress: moderation.Redress, Text: moderation.StatementText(d, rules), URL: a.Cfg.URL + "/statements/" + d.ID.String(),
		Appeals: []*AppealEntity{}}
	for _, rule := range renderRules(rules) {
		for _, id := range d.RuleIDs {
			if id.String() == rule.ID {
				out.Rules = append(out.Rules, rule)
			}
		}
	}
	if d.EndsAt != nil {
		t := Time(*d.EndsAt)
		out.EndsAt = &t
	}
	if d.OverruledAt != nil {
		t := Time(*d.OverruledAt)
		out.OverruledAt = &t
	}
	if d.SupersededBy != 0 {
		out.SupersededBy = optString(d.SupersededBy.String())
	}
	appeals, err := a.mod().AppealsOf(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range appeals {
		out.Appeals = append(out.Appeals, renderAppeal(x))
	}
	return out, nil
}

// getStatements is GET /api/agora/v1/statements: the decisions about the
// viewer's account.
func (a *API) getStatements(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ds, err := a.mod().Statements(r.Context(), v.AccountID())
	if err != nil {
		return err
	}
	out := make([]*StatementEntity, 0, len(ds))
	for _, d := range ds {
		e, err := a.renderStatement(r, d)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	rest.OK(w, out)
	return nil
}

func (a *API) getStatement(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := a.mod().Statement(r.Context(), v.User, id)
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

// postAppeal is POST /api/agora/v1/statements/:id/appeal {text}.
func (a *API) postAppeal(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	x, err := a.mod().Appeal(r.Context(), v.User, id, p.String("text"))
	if err != nil {
		return err
	}
	rest.OK(w, renderAppeal(x))
	return nil
}

// getTransparency is GET /api/agora/v1/transparency (public).
func (a *API) getTransparency(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	periods, err := a.mod().Transparency(r.Context())
	if err != nil {
		return err
	}
	rest.OK(w, map[string]any{"generated_at": Time(a.Store.Now()), "periods": periods})
	return nil
}

// AccountWarning is Mastodon's AccountWarning entity (the strike shown in
// a moderation_warning notification).
type AccountWarning struct {
	ID            string         `json:"id"`
	Action        string         `json:"action"`
	Text          string         `json:"text"`
	StatusIDs     []string       `json:"status_ids"`
	TargetAccount *Account       `json:"target_account"`
	Appeal        *WarningAppeal `json:"appeal"`
	CreatedAt     Time           `json:"created_at"`
}

// WarningAppeal is Mastodon's Appeal entity.
type WarningAppeal struct {
	Text  string `json:"text"`
	State string `json:"state"`
}

// mastodonWarningAction maps agora's actions to AccountWarning.action.
var mastodonWarningAction = map[string]string{
	"remove": "delete_statuses", "mark_sensitive": "mark_statuses_as_sensitive", "limit": "silence",
	"freeze": "disable", "suspend": "suspend", "none": "none",
	// A hold is no Mastodon action: the text explains it.
	moderation.ActionHold: "none",
}

// AccountWarnings renders the AccountWarning of each moderation_warning
// notification among ids, keyed by notification id. The notification
// renderer (entity_notification.go) should put it in the notification's
// "moderation_warning" field.
func (a *API) AccountWarnings(ctx context.Context, ids []domain.ID) (map[domain.ID]*AccountWarning, error) {
	links, err := a.Store.NotificationDecisions(ctx, ids)
	if err != nil {
		return nil, err
	}
	rules, err := a.Store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	out := map[domain.ID]*AccountWarning{}
	for nid, did := range links {
		d, err := a.Store.Decision(ctx, did)
		if domain.KindOf(err) == domain.KindNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		target, err := a.Store.Account(ctx, d.TargetAccountID)
		if err != nil {
			return nil, err
		}
		w := &AccountWarning{ID: d.ID.String(), Action: mastodonWarningAction[d.Action], Text: moderation.StatementText(d, rules),
			StatusIDs: idStrings(d.StatusIDs), TargetAccount: a.renderAccount(target), CreatedAt: Time(d.DecidedAt)}
		appeals, err := a.Store.Appeals(ctx, d.ID, "")
		if err != nil {
			return nil, err
		}
		for _, x := range appeals {
			if x.AccountID == d.TargetAccountID {
				w.Appeal = &WarningAppeal{Text: x.Text, State: x.State}
				break
			}
		}
		out[nid] = w
	}
	return out, nil
}

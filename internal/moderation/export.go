package moderation

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Statement is a statement of reasons as the DSA Transparency Database API
// takes it (POST /api/v1/statements). Field names and values follow the
// database's validation rules; optional arrays are left out when empty.
type Statement struct {
	DecisionVisibility             []string `json:"decision_visibility,omitempty"`
	DecisionProvision              string   `json:"decision_provision,omitempty"`
	DecisionAccount                string   `json:"decision_account,omitempty"`
	AccountType                    *string  `json:"account_type"`
	DecisionGround                 string   `json:"decision_ground"`
	DecisionGroundReferenceURL     string   `json:"decision_ground_reference_url,omitempty"`
	IllegalContentLegalGround      string   `json:"illegal_content_legal_ground,omitempty"`
	IllegalContentExplanation      string   `json:"illegal_content_explanation,omitempty"`
	IncompatibleContentGround      string   `json:"incompatible_content_ground,omitempty"`
	IncompatibleContentExplanation string   `json:"incompatible_content_explanation,omitempty"`
	IncompatibleContentIllegal     string   `json:"incompatible_content_illegal,omitempty"`
	ContentType                    []string `json:"content_type"`
	Category                       string   `json:"category"`
	TerritorialScope               []string `json:"territorial_scope"`
	ContentLanguage                *string  `json:"content_language"`
	ContentDate                    string   `json:"content_date"`
	ApplicationDate                string   `json:"application_date"`
	EndDateAccountRestriction      *string  `json:"end_date_account_restriction"`
	EndDateServiceRestriction      *string  `json:"end_date_service_restriction"`
	EndDateVisibilityRestriction   *string  `json:"end_date_visibility_restriction"`
	DecisionFacts                  string   `json:"decision_facts"`
	SourceType                     string   `json:"source_type"`
	AutomatedDetection             string   `json:"automated_detection"`
	AutomatedDecision              string   `json:"automated_decision"`
	PUID                           string   `json:"puid"`
}

// EEA is the territorial scope of a worldwide decision: the EU and EEA
// countries the Transparency Database accepts.
var EEA = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
	"IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}

// Export limits (the database's own maxima).
const (
	maxFactsLen  = 5000
	maxGroundLen = 500
	maxExplLen   = 2000
)

var (
	emailRe   = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	mentionRe = regexp.MustCompile(`@[A-Za-z0-9_]+(@[A-Za-z0-9.\-]+)?`)
)

// scrub strips personal data that may slip into free text: e-mail
// addresses and handles.
func scrub(s string, max int) string {
	s = emailRe.ReplaceAllString(s, "[redacted]")
	s = mentionRe.ReplaceAllString(s, "[redacted]")
	if r := []rune(s); len(r) > max {
		s = string(r[:max])
	}
	return s
}

// Export maps the restrictive decisions to Transparency Database
// statements, oldest first (moderators only).
func (s *Service) Export(ctx context.Context, u *domain.User) ([]*Statement, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	decisions, err := s.Store.Decisions(ctx, 0, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	rules, err := s.Store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	out := []*Statement{}
	for i := len(decisions) - 1; i >= 0; i-- {
		d := decisions[i]
		if d.Action == "none" {
			continue // not a restriction: no statement is due
		}
		st, err := s.statement(ctx, d, rules)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func (s *Service) statement(ctx context.Context, d *store.Decision, rules []store.Rule) (*Statement, error) {
	const day = "2006-01-02"
	st := &Statement{
		ContentType: []string{"CONTENT_TYPE_TEXT"}, Category: d.Category, TerritorialScope: EEA,
		ContentDate: d.ContentDate.UTC().Format(day), ApplicationDate: d.DecidedAt.UTC().Format(day),
		DecisionFacts: scrub(d.Facts, maxFactsLen), SourceType: d.SourceType,
		AutomatedDetection: "No", AutomatedDecision: d.AutomatedDecision, PUID: d.ID.String(),
	}
	if d.AutomatedDetection {
		st.AutomatedDetection = "Yes"
	}
	var end *string
	if d.EndsAt != nil {
		e := d.EndsAt.UTC().Format(day)
		end = &e
	}
	switch d.Action {
	case "remove":
		st.DecisionVisibility = []string{"DECISION_VISIBILITY_CONTENT_REMOVED"}
	case "mark_sensitive":
		st.DecisionVisibility = []string{"DECISION_VISIBILITY_CONTENT_LABELLED"}
	case ActionHold:
		// Access to the post is disabled for all but its author until a
		// moderator reviews it; the end date is the release or the
		// moderator's decision.
		st.DecisionVisibility = []string{"DECISION_VISIBILITY_CONTENT_DISABLED"}
		st.EndDateVisibilityRestriction = end
	case "limit":
		st.DecisionVisibility = []string{"DECISION_VISIBILITY_CONTENT_DEMOTED"}
		st.EndDateVisibilityRestriction = end
	case "freeze":
		st.DecisionProvision = "DECISION_PROVISION_TOTAL_SUSPENSION"
		st.EndDateServiceRestriction = end
	case "suspend":
		st.DecisionAccount = "DECISION_ACCOUNT_SUSPENDED"
		st.EndDateAccountRestriction = end
	}
	if d.Ground == "illegal" {
		st.DecisionGround = "DECISION_GROUND_ILLEGAL_CONTENT"
		st.IllegalContentLegalGround = scrub(d.LegalGround, maxGroundLen)
		st.IllegalContentExplanation = scrub(d.Explanation, maxExplLen)
	} else {
		st.DecisionGround = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
		byID := map[domain.ID]string{}
		for _, r := range rules {
			byID[r.ID] = r.Text
		}
		var names []string
		for _, id := range d.RuleIDs {
			if t, ok := byID[id]; ok {
				names = append(names, t)
			}
		}
		ground := "Terms of service"
		if len(names) > 0 {
			ground = "Server rules: " + strings.Join(names, "; ")
		}
		st.IncompatibleContentGround = scrub(ground, maxGroundLen)
		st.IncompatibleContentExplanation = scrub(d.Explanation, maxExplLen)
		st.IncompatibleContentIllegal = "No"
		if s.BaseURL != "" {
			st.DecisionGroundReferenceURL = s.BaseURL + "/about"
		}
	}
	if len(d.StatusIDs) > 0 {
		sts, err := s.Store.Statuses(ctx, d.StatusIDs[:1])
		if err != nil {
			return nil, err
		}
		if x := sts[d.StatusIDs[0]]; x != nil && len(x.Language) == 2 {
			lang := strings.ToUpper(x.Language)
			st.ContentLanguage = &lang
		}
	}
	return st, nil
}

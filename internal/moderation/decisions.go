package moderation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Decision actions. remove and mark_sensitive act on statuses, the others
// on the account (limit = Mastodon's silence, freeze = disable).
var decisionActions = []string{"remove", "mark_sensitive", "limit", "freeze", "suspend", "none"}

// DecisionInput is a moderator's decision.
type DecisionInput struct {
	ReportID           domain.ID
	StatusIDs          []domain.ID
	AccountID          domain.ID
	Action             string
	Ground             string // terms | illegal
	RuleIDs            []domain.ID
	LegalGround        string
	Explanation        string
	Category           string // a LegalCategories key; optional
	DurationSeconds    int    // 0: permanent
	AutomatedDetection bool
	// Lenient lets Mastodon's account action (which has no ground or rules)
	// record a terms decision without rule ids.
	Lenient bool
}

// Decide validates a decision, applies it, records the decision (the
// statement of reasons) and notifies the affected account and the notifier,
// all in one transaction.
func (s *Service) Decide(ctx context.Context, u *domain.User, in DecisionInput) (*store.Decision, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	if !slices.Contains(decisionActions, in.Action) {
		return nil, domain.Invalid("action: must be one of %s", strings.Join(decisionActions, ", "))
	}
	if in.Ground != "terms" && in.Ground != "illegal" {
		return nil, domain.Invalid("ground: must be terms or illegal")
	}
	var report *store.Report
	if in.ReportID != 0 {
		var err error
		if report, err = s.Store.Report(ctx, in.ReportID); err != nil {
			return nil, err
		}
		if in.AccountID != 0 && in.AccountID != report.TargetAccountID {
			return nil, domain.Invalid("account_id: does not match the report's account")
		}
		in.AccountID = report.TargetAccountID
		if len(in.StatusIDs) == 0 {
			in.StatusIDs = report.StatusIDs
		}
	}
	if len(in.StatusIDs) > MaxDecisionStatuses {
		return nil, domain.Invalid("status_ids: at most %d statuses", MaxDecisionStatuses)
	}
	sts, err := s.Store.Statuses(ctx, in.StatusIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range in.StatusIDs {
		st := sts[id]
		if st == nil {
			return nil, domain.Invalid("status_ids: unknown status %s", id)
		}
		if in.AccountID == 0 {
			in.AccountID = st.AccountID
		}
		if st.AccountID != in.AccountID {
			return nil, domain.Invalid("status_ids: all statuses must be by the same account")
		}
	}
	if in.AccountID == 0 {
		return nil, domain.Invalid("account_id: required (or report_id or status_ids)")
	}
	target, err := s.Store.Account(ctx, in.AccountID)
	if err != nil {
		return nil, err
	}
	statusAction := in.Action == "remove" || in.Action == "mark_sensitive"
	if statusAction && len(in.StatusIDs) == 0 && !in.Lenient {
		return nil, domain.Invalid("status_ids: required for %s", in.Action)
	}
	in.Explanation = strings.TrimSpace(in.Explanation)
	if in.Explanation == "" || runeLen(in.Explanation) > MaxExplanationLen {
		return nil, domain.Invalid("explanation: between 1 and %d characters", MaxExplanationLen)
	}
	if err := s.validRules(ctx, in.RuleIDs); err != nil {
		return nil, err
	}
	in.LegalGround = strings.TrimSpace(in.LegalGround)
	switch {
	case in.Ground == "terms" && len(in.RuleIDs) == 0 && !in.Lenient && in.Action != "none":
		return nil, domain.Invalid("rule_ids: the rules (terms) the content breaks are required for ground terms")
	case in.Ground == "illegal" && in.LegalGround == "":
		return nil, domain.Invalid("legal_ground: the law relied on is required for ground illegal")
	case runeLen(in.LegalGround) > MaxLegalGroundLen:
		return nil, domain.Invalid("legal_ground: at most %d characters", MaxLegalGroundLen)
	}
	if in.DurationSeconds != 0 {
		if statusAction || in.Action == "none" {
			return nil, domain.Invalid("duration: only for limit, freeze and suspend")
		}
		if in.DurationSeconds < MinDurationSeconds || in.DurationSeconds > MaxDurationSeconds {
			return nil, domain.Invalid("duration: between %d and %d seconds", MinDurationSeconds, MaxDurationSeconds)
		}
	}
	if in.Action == "freeze" && !target.Local() {
		return nil, domain.Invalid("action: freeze applies to local accounts only")
	}
	category, err := decisionCategory(in, report)
	if err != nil {
		return nil, err
	}
	now := s.Store.Now()
	d := &store.Decision{
		ID: s.Store.IDs.Next(), ReportID: in.ReportID, TargetAccountID: target.ID, StatusIDs: in.StatusIDs,
		Action: in.Action, Ground: in.Ground, RuleIDs: in.RuleIDs, LegalGround: in.LegalGround,
		Explanation: in.Explanation, Category: category, SourceType: sourceType(report),
		// A report filed by the spam heuristics is an automated detection,
		// decided by a person (DSA Art. 17(3)(c)).
		AutomatedDetection: in.AutomatedDetection || (report != nil && report.Source == "automated"),
		AutomatedDecision:  "AUTOMATED_DECISION_NOT_AUTOMATED",
		ContentDate:        target.CreatedAt, DecidedBy: u.AccountID, DecidedAt: now,
		AppealDeadline: now.AddDate(0, 0, s.AppealDays),
	}
	if d.RuleIDs == nil {
		d.RuleIDs = []domain.ID{}
	}
	if d.StatusIDs == nil {
		d.StatusIDs = []domain.ID{}
	}
	for _, st := range sts {
		if d.ContentDate.Equal(target.CreatedAt) || st.CreatedAt.Before(d.ContentDate) {
			d.ContentDate = st.CreatedAt
		}
	}
	if in.DurationSeconds > 0 {
		end := now.Add(time.Duration(in.DurationSeconds) * time.Second)
		d.EndsAt = &end
	}
	d.Facts = facts(d, report)
	err = s.Store.Tx(ctx, func(tx *txT) error {
		if err := s.Store.InsertDecision(ctx, tx, d); err != nil {
			return err
		}
		if err := s.apply(ctx, tx, d, in.Lenient); err != nil {
			return err
		}
		if report != nil {
			report.State, report.ActionTakenAt, report.ActionTakenByAccountID, report.DecisionID = "resolved", &now, u.AccountID, d.ID
			if err := s.Store.UpdateReport(ctx, tx, report); err != nil {
				return err
			}
			if report.AccountID != 0 {
				if err := s.Store.InsertModerationNotification(ctx, tx, report.AccountID, NotifyReportDecided, 0); err != nil {
					return err
				}
			}
		}
		if report != nil && report.Source == "automated" {
			if err := s.supersedeHolds(ctx, tx, report.ID, d, u.AccountID); err != nil {
				return err
			}
		}
		if !target.Local() && d.Action != "none" {
			if err := s.deliverStatement(ctx, tx, d, target); err != nil {
				return err
			}
		}
		if !statusAction && in.Action != "none" {
			// As in Mastodon, an account action settles every open report on it.
			if err := s.Store.ResolveOpenReports(ctx, tx, target.ID, u.AccountID, d.ID); err != nil {
				return err
			}
		}
		if d.Action != "none" {
			if err := s.Store.InsertModerationNotification(ctx, tx, target.ID, NotifyWarning, d.ID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, u.AccountID, "decision."+d.Action, "account", target.ID, "decision "+d.ID.String())
	})
	if err != nil {
		return nil, err
	}
	if report != nil && report.AccountID == 0 && report.NotifierEmail != "" {
		s.mail(report.NotifierEmail, "Decision on your notice", "/report/"+report.ID.String())
	}
	return d, nil
}

// supersedeHolds ends, in tx, the hold decisions of the posts an
// automated report is about: a moderator's decision on the report replaces
// them (superseded_by). A decision of no action means the post is not
// spam: it is published, as a release would.
func (s *Service) supersedeHolds(ctx context.Context, tx *txT, report domain.ID, d *store.Decision, by domain.ID) error {
	holds, err := s.Store.HoldDecisionsOfReport(ctx, tx, report)
	if err != nil {
		return err
	}
	ids := make([]domain.ID, 0, len(holds))
	for id := range holds {
		ids = append(ids, id)
	}
	if err := s.Store.EndHoldDecisions(ctx, tx, ids, d.ID); err != nil {
		return err
	}
	if d.Action != "none" {
		return nil
	}
	for _, statusID := range holds {
		_, err := s.Store.ReleaseHeld(ctx, tx, statusID, by)
		if k := domain.KindOf(err); k == domain.KindConflict || k == domain.KindNotFound {
			continue // removed meanwhile by another decision, or deleted by its author
		}
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, by, "status.release", "status", statusID, "held for review, released by decision "+d.ID.String()); err != nil {
			return err
		}
	}
	return nil
}

// apply makes a decision's restriction effective.
func (s *Service) apply(ctx context.Context, tx *txT, d *store.Decision, wholeAccount bool) error {
	switch d.Action {
	case "remove", "mark_sensitive":
		kind := "remove"
		if d.Action == "mark_sensitive" {
			kind = "sensitive"
		}
		ids := d.StatusIDs
		if wholeAccount && len(ids) == 0 {
			ids = nil // Mastodon's "sensitive" account action: every status
		}
		return s.Store.HideStatuses(ctx, tx, d.ID, d.TargetAccountID, ids, kind)
	case "limit":
		return s.Store.SetAccountRestriction(ctx, tx, d.TargetAccountID, "silenced", true)
	case "freeze":
		return s.Store.SetUserFlags(ctx, tx, d.TargetAccountID, true, true)
	case "suspend":
		if err := s.Store.SetAccountRestriction(ctx, tx, d.TargetAccountID, "suspended", true); err != nil {
			return err
		}
		// Kept, hidden, for the appeal period (restored by a reversal).
		return s.Store.HideStatuses(ctx, tx, d.ID, d.TargetAccountID, nil, "remove")
	}
	return nil
}

// reverse undoes a decision's restriction.
func (s *Service) reverse(ctx context.Context, tx *txT, d *store.Decision) error {
	if err := s.Store.RevertChanges(ctx, tx, d.ID); err != nil {
		return err
	}
	switch d.Action {
	case "limit":
		return s.Store.SetAccountRestriction(ctx, tx, d.TargetAccountID, "silenced", false)
	case "freeze":
		return s.Store.SetUserFlags(ctx, tx, d.TargetAccountID, false, true)
	case "suspend":
		return s.Store.SetAccountRestriction(ctx, tx, d.TargetAccountID, "suspended", false)
	}
	return nil
}

func decisionCategory(in DecisionInput, report *store.Report) (string, error) {
	if in.Category != "" {
		c, ok := LegalCategories[in.Category]
		if !ok {
			return "", domain.Invalid("category: unknown category")
		}
		return c, nil
	}
	if report != nil && report.Category == "legal" {
		return LegalCategories[report.LegalCategory], nil
	}
	if report != nil && report.Category == "spam" {
		return "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", nil
	}
	if in.Ground == "illegal" {
		return "", domain.Invalid("category: required for ground illegal without a legal notice")
	}
	return "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", nil
}

// sourceType is the TDB source_type of a decision.
func sourceType(r *store.Report) string {
	switch {
	case r == nil, r.Source == "automated": // own initiative, found by the spam heuristics
		return "SOURCE_VOLUNTARY"
	case r.Source == "trusted_flagger":
		return "SOURCE_TRUSTED_FLAGGER"
	case r.Category == "legal":
		return "SOURCE_ARTICLE_16"
	}
	return "SOURCE_TYPE_OTHER_NOTIFICATION"
}

// facts is the "facts and circumstances" part of the statement (Art.
// 17(3)(b)); it never names the notifier.
func facts(d *store.Decision, r *store.Report) string {
	var b strings.Builder
	switch {
	case r == nil:
		b.WriteString("The decision was taken on the service's own initiative.")
	case r.Source == "automated":
		b.WriteString("The decision was taken on the service's own initiative: the post was held for review by automated spam detection, then reviewed by a moderator.")
	case r.Category == "legal":
		b.WriteString("The decision was taken on a notice of allegedly illegal content (DSA Art. 16).")
	default:
		fmt.Fprintf(&b, "The decision was taken on a report (category: %s).", r.Category)
	}
	if n := len(d.StatusIDs); n > 0 {
		fmt.Fprintf(&b, " It concerns %d post(s).", n)
	} else {
		b.WriteString(" It concerns the account.")
	}
	if d.AutomatedDetection {
		b.WriteString(" The content was detected by automated means.")
	}
	b.WriteString(" ")
	b.WriteString(d.Explanation)
	return b.String()
}

// AccountAction is Mastodon's POST /api/v1/admin/accounts/:id/action. It
// records a decision like Decide, on the terms ground; "sensitive" without a
// report marks every status of the account.
func (s *Service) AccountAction(ctx context.Context, u *domain.User, accountID domain.ID, typ string, reportID domain.ID, text string) (*store.Decision, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	action, ok := map[string]string{"none": "none", "sensitive": "mark_sensitive", "disable": "freeze", "silence": "limit", "suspend": "suspend"}[typ]
	if !ok {
		return nil, domain.Invalid("type: must be one of none, sensitive, disable, silence, suspend")
	}
	if strings.TrimSpace(text) == "" {
		text = "The moderation team found that the account breaks the server rules."
	}
	in := DecisionInput{ReportID: reportID, AccountID: accountID, Action: action, Ground: "terms", Explanation: text, Lenient: true}
	if reportID != 0 {
		r, err := s.Store.Report(ctx, reportID)
		if err != nil {
			return nil, err
		}
		in.RuleIDs = r.RuleIDs
	}
	return s.Decide(ctx, u, in)
}

// Lift is Mastodon's unsilence, unsuspend, enable (and unsensitive): it
// ends a restriction without overruling the decision, and logs it.
func (s *Service) Lift(ctx context.Context, u *domain.User, accountID domain.ID, what string) error {
	if err := RequireModerator(u); err != nil {
		return err
	}
	return s.lift(ctx, u.AccountID, accountID, what, "")
}

// ApproveByOperator approves a pending sign-up from the operator's tools
// (agora admin approve). It takes the moderators' path (Lift "approve"),
// so the approval is audited (by no account: the operator) and the
// account counts as approved by a person for the new-account limits.
func (s *Service) ApproveByOperator(ctx context.Context, accountID domain.ID) error {
	return s.lift(ctx, 0, accountID, "approve", "by the operator (agora admin approve)")
}

// lift applies Lift for by (0: the operator) with an audit detail.
func (s *Service) lift(ctx context.Context, by, accountID domain.ID, what, detail string) error {
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return err
	}
	decisions, err := s.Store.Decisions(ctx, acct.ID, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	return s.Store.Tx(ctx, func(tx *txT) error {
		switch what {
		case "unsilence":
			err = s.Store.SetAccountRestriction(ctx, tx, acct.ID, "silenced", false)
		case "unsuspend":
			err = s.Store.SetAccountRestriction(ctx, tx, acct.ID, "suspended", false)
			for _, d := range decisions {
				if err == nil && d.Action == "suspend" {
					err = s.Store.RevertChanges(ctx, tx, d.ID)
				}
			}
		case "enable":
			err = s.Store.SetUserFlags(ctx, tx, acct.ID, false, true)
		case "approve":
			err = s.Store.SetUserFlags(ctx, tx, acct.ID, false, true)
		case "reject":
			if err = s.Store.SetUserFlags(ctx, tx, acct.ID, true, false); err == nil {
				err = s.Store.SetAccountRestriction(ctx, tx, acct.ID, "suspended", true)
			}
		default:
			return domain.NotFound()
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "account."+what, "account", acct.ID, detail)
	})
}

// Statements lists the decisions about an account (its own statements of reasons).
func (s *Service) Statements(ctx context.Context, accountID domain.ID) ([]*store.Decision, error) {
	return s.Store.Decisions(ctx, accountID, time.Time{}, time.Time{})
}

// Statement loads a decision for its addressee, the notifier of its
// report, or a moderator; anyone else gets "not found".
func (s *Service) Statement(ctx context.Context, u *domain.User, id domain.ID) (*store.Decision, error) {
	d, err := s.Store.Decision(ctx, id)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, domain.NotFound()
	}
	if d.TargetAccountID == u.AccountID || IsModerator(u) {
		return d, nil
	}
	if d.ReportID != 0 {
		if r, err := s.Store.Report(ctx, d.ReportID); err == nil && r.AccountID == u.AccountID && r.AccountID != 0 {
			return d, nil
		}
	}
	return nil, domain.NotFound()
}

// ExpireRestrictions ends the temporary restrictions (limit, freeze,
// suspend with a duration) whose time is over, and logs it; a scheduled
// job calls it. The decisions stay (not overruled: they ran their course).
func (s *Service) ExpireRestrictions(ctx context.Context) (int, error) {
	ds, err := s.Store.ExpiredDecisions(ctx)
	if err != nil {
		return 0, err
	}
	for i, d := range ds {
		err := s.Store.Tx(ctx, func(tx *txT) error {
			if err := s.reverse(ctx, tx, d); err != nil {
				return err
			}
			if err := s.Store.SetDecisionExpired(ctx, tx, d.ID); err != nil {
				return err
			}
			return s.audit(ctx, tx, 0, "decision.expired", "account", d.TargetAccountID, "decision "+d.ID.String())
		})
		if err != nil {
			return i, err
		}
	}
	return len(ds), nil
}

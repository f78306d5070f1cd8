package moderation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Appeal files a complaint against a decision (DSA Art. 20): by the
// affected account, or by the notifier of the report it answered. Open
// until the decision's appeal deadline; one pending appeal at a time.
func (s *Service) Appeal(ctx context.Context, u *domain.User, decisionID domain.ID, text string) (*store.Appeal, error) {
	d, err := s.Statement(ctx, u, decisionID)
	if err != nil {
		return nil, err
	}
	if d.TargetAccountID != u.AccountID {
		// Moderators see every statement but may appeal only their own or
		// one answering their notice.
		r, rerr := s.Store.Report(ctx, d.ReportID)
		if d.ReportID == 0 || rerr != nil || r.AccountID != u.AccountID {
			return nil, domain.NotFound()
		}
	}
	return s.fileAppeal(ctx, d, &store.Appeal{DecisionID: d.ID, AccountID: u.AccountID, Text: text})
}

// fileAppeal checks that d may still be appealed and stores a.
func (s *Service) fileAppeal(ctx context.Context, d *store.Decision, a *store.Appeal) (*store.Appeal, error) {
	a.Text = strings.TrimSpace(a.Text)
	if a.Text == "" || runeLen(a.Text) > MaxAppealLen {
		return nil, domain.Invalid("text: between 1 and %d characters", MaxAppealLen)
	}
	if err := AppealOpen(d, s.Store.Now()); err != nil {
		return nil, err
	}
	existing, err := s.Store.Appeals(ctx, d.ID, "pending")
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, domain.Invalid("An appeal of this decision is already pending")
	}
	if err := s.Store.InsertAppeal(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// AppealOpen says whether a decision can be appealed at now: not reversed,
// within its deadline, and, for a hold, while the post is still held (a
// released post has nothing left to reverse; a hold replaced by a
// moderator's decision is appealed through that decision).
func AppealOpen(d *store.Decision, now time.Time) error {
	switch {
	case d.OverruledAt != nil:
		return domain.Invalid("This decision was already reversed")
	case d.SupersededBy != 0:
		return domain.Invalid("A moderator's decision replaced this one: appeal that decision (%s) instead", d.SupersededBy)
	case d.Action == ActionHold && d.EndsAt != nil:
		return domain.Invalid("This post was released: the restriction has ended")
	case now.After(d.AppealDeadline):
		return domain.Invalid("The appeal period for this decision has ended")
	}
	return nil
}

// Appeals lists appeals for moderators (state "" = all).
func (s *Service) Appeals(ctx context.Context, u *domain.User, state string) ([]*store.Appeal, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	return s.Store.Appeals(ctx, 0, state)
}

// AppealsOf lists the appeals of a decision (for its statement page).
func (s *Service) AppealsOf(ctx context.Context, decisionID domain.ID) ([]*store.Appeal, error) {
	return s.Store.Appeals(ctx, decisionID, "")
}

// DecideAppeal approves or rejects an appeal. The moderator who took the
// decision may not decide its appeal (four eyes). Approving an appeal of
// the affected account reverses the decision (restores removed statuses,
// lifts the restriction) and marks it overruled; approving a notifier's
// appeal reopens their report.
func (s *Service) DecideAppeal(ctx context.Context, u *domain.User, appealID domain.ID, approve bool, response string) (*store.Appeal, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	a, err := s.Store.Appeal(ctx, appealID)
	if err != nil {
		return nil, err
	}
	d, err := s.Store.Decision(ctx, a.DecisionID)
	if err != nil {
		return nil, err
	}
	if d.DecidedBy == u.AccountID {
		return nil, domain.Forbidden("The moderator who took the decision cannot decide its appeal")
	}
	if a.AccountID == u.AccountID {
		return nil, domain.Forbidden("You cannot decide your own appeal")
	}
	response = strings.TrimSpace(response)
	if runeLen(response) > MaxResponseLen {
		return nil, domain.Invalid("response: at most %d characters", MaxResponseLen)
	}
	a.State, a.Response, a.DecidedBy = "rejected", response, u.AccountID
	if approve {
		a.State = "approved"
	}
	var report *store.Report
	if d.ReportID != 0 {
		if report, err = s.Store.Report(ctx, d.ReportID); err != nil && domain.KindOf(err) != domain.KindNotFound {
			return nil, err
		}
	}
	err = s.Store.Tx(ctx, func(tx *txT) error {
		if err := s.Store.DecideAppeal(ctx, tx, a); err != nil {
			return err
		}
		if approve && a.AccountID == d.TargetAccountID {
			if err := s.reverse(ctx, tx, d); err != nil {
				return err
			}
			if err := s.releaseHold(ctx, tx, d, u.AccountID); err != nil {
				return err
			}
			if err := s.Store.SetDecisionOverruled(ctx, tx, d.ID); err != nil {
				return err
			}
		}
		if approve && a.AccountID != d.TargetAccountID && report != nil {
			report.State, report.ActionTakenAt, report.ActionTakenByAccountID = "open", nil, 0
			if err := s.Store.UpdateReport(ctx, tx, report); err != nil {
				return err
			}
		}
		if err := s.Store.InsertModerationNotification(ctx, tx, a.AccountID, NotifyAppealDecided, 0); err != nil {
			return err
		}
		return s.audit(ctx, tx, u.AccountID, "appeal."+a.State, "decision", d.ID, "appeal "+a.ID.String())
	})
	if err != nil {
		return nil, err
	}
	if a.ContactEmail != "" {
		s.mailText(a.ContactEmail, "Decision on your appeal",
			fmt.Sprintf("Your appeal of decision %s was %s.\n\n%s\n\n%s\n", d.ID, a.State, a.Response, RedressAfterAppeal))
	}
	return a, nil
}

// releaseHold publishes the posts of a hold decision an appeal reversed.
func (s *Service) releaseHold(ctx context.Context, tx *txT, d *store.Decision, by domain.ID) error {
	if d.Action != ActionHold {
		return nil
	}
	for _, id := range d.StatusIDs {
		_, err := s.Store.ReleaseHeld(ctx, tx, id, by)
		if k := domain.KindOf(err); k == domain.KindConflict || k == domain.KindNotFound {
			continue // already released, removed by another decision, or deleted by its author
		}
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, by, "status.release", "status", id, "held for review, released on appeal of decision "+d.ID.String()); err != nil {
			return err
		}
	}
	return nil
}

// RedressAfterAppeal is what remains after an internal appeal (Art. 20(5)).
const RedressAfterAppeal = "You may refer this decision to a certified out-of-court dispute settlement body (DSA Art. 21) " +
	"or seek judicial redress before the competent court."

// Redress is the redress information every statement carries (Art. 17(3)(f)).
const Redress = "You can appeal this decision free of charge from your account (internal complaint, DSA Art. 20) " +
	"until the date given above. You may also refer it to a certified out-of-court dispute settlement body " +
	"(DSA Art. 21) or seek judicial redress before the competent court."

var actionText = map[string]string{
	"remove":         "Your post(s) were removed: they are hidden from everyone and kept until the appeal period ends.",
	"mark_sensitive": "Your post(s) were marked as sensitive.",
	"limit":          "Your account was limited: it is hidden from people who do not follow you.",
	"freeze":         "Your account was frozen: you cannot log in, your data is intact.",
	"suspend":        "Your account was suspended: it and its posts are hidden from everyone.",
	"none":           "No restriction was applied.",
	ActionHold:       "Your post was held for review: until a moderator reviews it, only you can see it.",
}

// RedressRemote is the redress information of a statement addressed to an
// account on another server, which appeals from the statement's page.
const RedressRemote = "You can appeal this decision free of charge from the page of this statement (internal complaint, DSA Art. 20) " +
	"until the date given above. You may also refer it to a certified out-of-court dispute settlement body " +
	"(DSA Art. 21) or seek judicial redress before the competent court."

// StatementText renders the statement of reasons (DSA Art. 17(3)) in plain
// text: the AccountWarning text and the body of the notice.
func StatementText(d *store.Decision, rules []store.Rule) string {
	return statementText(d, rules, Redress)
}

// RemoteStatementText is StatementText for an account on another server.
func RemoteStatementText(d *store.Decision, rules []store.Rule) string {
	return statementText(d, rules, RedressRemote)
}

func statementText(d *store.Decision, rules []store.Rule, redress string) string {
	var b strings.Builder
	b.WriteString(actionText[d.Action])
	b.WriteString(" Territorial scope: worldwide.")
	switch {
	case d.Action == ActionHold && d.EndsAt != nil:
		fmt.Fprintf(&b, " The restriction ended on %s.", d.EndsAt.UTC().Format("2006-01-02 15:04 UTC"))
	case d.Action == ActionHold:
		b.WriteString(" Duration: until a moderator reviews the post.")
	case d.EndsAt != nil:
		fmt.Fprintf(&b, " Duration: until %s.", d.EndsAt.UTC().Format("2006-01-02 15:04 UTC"))
	case d.Action != "none":
		b.WriteString(" Duration: until reversed.")
	}
	if d.SupersededBy != 0 {
		fmt.Fprintf(&b, " A moderator's decision (%s) replaced this one.", d.SupersededBy)
	}
	b.WriteString("\n\nFacts and circumstances: ")
	b.WriteString(d.Facts)
	b.WriteString("\n\nAutomated means: ")
	if d.AutomatedDecision == AutomatedFully {
		b.WriteString("the content was detected and the decision taken automatically, without a person; a moderator reviews it.")
	} else if d.AutomatedDetection {
		b.WriteString("the content was detected automatically; the decision was taken by a person.")
	} else {
		b.WriteString("none; the content was reviewed and the decision taken by a person.")
	}
	b.WriteString("\n\nGround: ")
	if d.Ground == "illegal" {
		b.WriteString("illegal content, under ")
		b.WriteString(d.LegalGround)
		b.WriteString(".")
	} else {
		b.WriteString("incompatible with the terms of service")
		byID := map[domain.ID]string{}
		for _, r := range rules {
			byID[r.ID] = r.Text
		}
		var names []string
		for _, id := range d.RuleIDs {
			if t, ok := byID[id]; ok {
				names = append(names, "\""+t+"\"")
			}
		}
		if len(names) > 0 {
			b.WriteString(", rule(s) ")
			b.WriteString(strings.Join(names, ", "))
		}
		b.WriteString(".")
	}
	fmt.Fprintf(&b, "\n\nAppeal until %s. %s", d.AppealDeadline.UTC().Format("2006-01-02"), redress)
	return b.String()
}

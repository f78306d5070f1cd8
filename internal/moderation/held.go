package moderation

import (
	"context"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// MaxHeldList bounds one listing of held posts.
const MaxHeldList = 100

// ActionHold is the action of the automated decision recorded when the
// spam heuristics hold a post: its visibility is restricted to its author
// until a moderator reviews it, which DSA Art. 17 counts as a restriction
// needing a statement of reasons. Moderators cannot choose it.
const ActionHold = "hold"

// Automated-decision values of the Transparency Database.
const (
	AutomatedFully = "AUTOMATED_DECISION_FULLY"
	NotAutomated   = "AUTOMATED_DECISION_NOT_AUTOMATED"
)

// HoldDecision is the statement of reasons of a hold, for
// store.Hold.Decision (the store sets the ids and dates): detected and
// decided by automated means on the service's own initiative, on the
// terms ground, with the heuristics that fired as the facts. signals is
// the automated report's comment (abuse.Explain): names and counts, no
// personal data.
func HoldDecision(signals string, now time.Time) *store.Decision {
	return &store.Decision{
		Action: ActionHold, Ground: "terms", RuleIDs: []domain.ID{},
		Explanation: "Automated spam detection found signs of spam in this post. Until a moderator reviews it, only you can see it; " +
			"the moderator either publishes it or takes a decision on it, with its own statement of reasons.",
		Facts: "The decision was taken on the service's own initiative, by automated means, when the post was published: " +
			signals + " No person has reviewed the post yet.",
		Category: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", SourceType: "SOURCE_VOLUNTARY",
		AutomatedDetection: true, AutomatedDecision: AutomatedFully,
		AppealDeadline: now.AddDate(0, 0, AppealDays()),
	}
}

// HeldStatuses lists the posts the spam heuristics held: those waiting for
// a moderator, or all (released and removed ones too), oldest first.
func (s *Service) HeldStatuses(ctx context.Context, u *domain.User, all bool, limit int) ([]*store.HeldStatus, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxHeldList {
		limit = MaxHeldList
	}
	return s.Store.HeldStatuses(ctx, !all, limit)
}

// ReleaseHeld publishes a held post (a moderator found it is not spam):
// it reaches timelines, notifications and other servers as a new post
// would, its automated report is resolved, the hold decision ends (its
// ends_at is the release; it is not overruled: a reversal is what an
// appeal obtains, DSA Art. 15(1)(d)), and the release is audited. To act
// against the post instead, moderators decide on its report (Decide).
func (s *Service) ReleaseHeld(ctx context.Context, u *domain.User, statusID domain.ID) (*domain.Status, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	var st *domain.Status
	err := s.Store.Tx(ctx, func(tx *txT) error {
		var err error
		if st, err = s.Store.ReleaseHeld(ctx, tx, statusID, u.AccountID); err != nil {
			return err
		}
		detail := "held for review, released"
		if h, err := s.Store.HeldStatusByID(ctx, statusID); err == nil && h.DecisionID != 0 {
			detail += "; hold decision " + h.DecisionID.String() + " ended"
		}
		return s.audit(ctx, tx, u.AccountID, "status.release", "status", statusID, detail)
	})
	return st, err
}

// SetTrusted marks a local account trusted (exempt from the new-account
// restrictions) or clears the mark, audited.
func (s *Service) SetTrusted(ctx context.Context, u *domain.User, accountID domain.ID, on bool) error {
	if err := RequireModerator(u); err != nil {
		return err
	}
	if _, err := s.Store.Account(ctx, accountID); err != nil {
		return err
	}
	action := "account.trust"
	if !on {
		action = "account.untrust"
	}
	return s.Store.Tx(ctx, func(tx *txT) error {
		if err := s.Store.SetTrusted(ctx, tx, accountID, on); err != nil {
			return err
		}
		return s.audit(ctx, tx, u.AccountID, action, "account", accountID, "")
	})
}

package moderation

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// MaxHeldList bounds one listing of held posts.
const MaxHeldList = 100

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
// would, its automated report is resolved, and the release is audited. No
// decision is recorded: nothing restrictive remains. To act against the
// post instead, moderators decide on its report (Decide).
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
		return s.audit(ctx, tx, u.AccountID, "status.release", "status", statusID, "held for review, released")
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

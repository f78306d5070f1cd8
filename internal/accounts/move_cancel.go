package accounts

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
)

// CancelMove ends a's moved state (Mastodon's "cancel redirect"): the
// account may post again and other servers receive its actor without
// movedTo. Followers who followed the new account stay with it, and the
// cooldown before another move still runs from the move. It returns the
// account as it is now.
func (svc *Service) CancelMove(ctx context.Context, a *domain.Account) (*domain.Account, error) {
	if err := svc.Store.CancelMove(ctx, a.ID); err != nil {
		return nil, err
	}
	return svc.Store.Account(ctx, a.ID)
}

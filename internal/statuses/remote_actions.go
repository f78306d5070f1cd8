package statuses

import (
	"context"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// ReblogRemote records a remote account's boost of orig, with the
// Announce's id as uri. Only public and unlisted statuses may be boosted
// (a private one by its author only); boosting twice keeps the first.
func (s *Service) ReblogRemote(ctx context.Context, booster *domain.Account, orig *domain.Status, uri string, vis domain.Visibility, published time.Time) (domain.ID, error) {
	if orig.ReblogOfID != 0 {
		return 0, domain.Invalid("a boost cannot be boosted")
	}
	switch {
	case orig.Visibility == domain.Direct,
		orig.Visibility == domain.Private && orig.AccountID != booster.ID:
		return 0, domain.Forbidden("This action is not allowed")
	}
	d := Allowed
	if orig.Local {
		var err error
		if d, err = s.DecideInteraction(ctx, booster, orig, Reblog); err != nil {
			return 0, err
		}
	}
	if prev, err := s.Store.ReblogOf(ctx, booster.ID, orig.ID); err != nil || prev != 0 {
		return prev, err
	}
	if vis == domain.Direct || !domain.ValidVisibility(vis) {
		vis = domain.Public
	}
	if orig.Visibility == domain.Private {
		vis = domain.Private
	}
	if d == NeedsApproval {
		// Pending: the boost is stored once the author approves it (and
		// the Announce's server gets the Accept). No boost id yet.
		if prev, err := s.Store.InteractionRequestByURI(ctx, uri); err == nil && prev.AccountID == booster.ID {
			return 0, nil
		}
		req := s.requestFor(booster, orig, store.RequestReblog)
		req.Visibility, req.URI = vis, uri
		_, err := s.Store.CreateInteractionRequest(ctx, req)
		return 0, err
	}
	now := s.Store.Now()
	if published.IsZero() || published.After(now) {
		published = now
	}
	boost := &domain.Status{
		ID: s.Store.IDs.Next(), AccountID: booster.ID, Visibility: vis, ReblogOfID: orig.ID, URI: uri,
		ConversationID: orig.ConversationID, CreatedAt: published,
	}
	return boost.ID, s.Store.CreateReblog(ctx, boost, orig)
}

// FavouriteRemote records a remote account's Like of a status it may see.
func (s *Service) FavouriteRemote(ctx context.Context, liker *domain.Account, st *domain.Status, uri string) error {
	ok, err := s.CanSee(ctx, liker.ID, st)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Forbidden("This action is not allowed")
	}
	if st.Local {
		d, err := s.DecideInteraction(ctx, liker, st, Favourite)
		if err != nil {
			return err
		}
		if d == NeedsApproval {
			if prev, err := s.Store.InteractionRequestByURI(ctx, uri); err == nil && prev.AccountID == liker.ID {
				return nil // the same Like again
			}
			req := s.requestFor(liker, st, store.RequestFavourite)
			req.URI = uri
			_, err = s.Store.CreateInteractionRequest(ctx, req)
			return err
		}
	}
	return s.Store.FavouriteRemote(ctx, liker.ID, st, uri)
}

// VoteRemote records a remote account's vote (the option's name) in a
// local poll it may see and that is still open.
func (s *Service) VoteRemote(ctx context.Context, voter *domain.Account, st *domain.Status, option string) error {
	ok, err := s.CanSee(ctx, voter.ID, st)
	if err != nil {
		return err
	}
	if !ok || !st.Local {
		return domain.NotFound()
	}
	polls, _, err := s.Store.Polls(ctx, 0, []domain.ID{st.ID})
	if err != nil {
		return err
	}
	p := polls[st.ID]
	if p == nil {
		return domain.NotFound()
	}
	if Expired(p, s.Store.Now()) {
		return domain.Invalid("Validation failed: The poll has already ended")
	}
	for i, o := range p.Options {
		if o == option {
			return s.Store.VoteRemote(ctx, voter.ID, st.ID, i, p.Multiple)
		}
	}
	return domain.Invalid("Validation failed: %q is not an option of this poll", option)
}

package statuses

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Timeline reads return page items (cursor and status id); the edge renders
// the ids through Load, which applies the visibility rule once more, and
// paginates on the cursors.

// Home returns a page of the viewer's home timeline.
func (s *Service) Home(ctx context.Context, viewer domain.ID, p domain.Page) ([]store.PageItem, error) {
	return s.Store.HomeTimeline(ctx, viewer, p)
}

// Public returns a page of the public timeline.
func (s *Service) Public(ctx context.Context, viewer domain.ID, f store.PublicFilter, p domain.Page) ([]store.PageItem, error) {
	return s.Store.PublicTimeline(ctx, viewer, f, p)
}

// Tag returns a page of a hashtag's timeline.
func (s *Service) Tag(ctx context.Context, viewer domain.ID, f store.TagFilter, p domain.Page) ([]store.PageItem, error) {
	return s.Store.TagTimeline(ctx, viewer, f, p)
}

// AccountStatuses returns a page of an account's statuses as the viewer
// may see them; blocks either way leave it empty.
func (s *Service) AccountStatuses(ctx context.Context, viewer, account domain.ID, f store.AccountFilter, p domain.Page) ([]store.PageItem, error) {
	if _, err := s.Store.Account(ctx, account); err != nil {
		return nil, err
	}
	f.Viewer, f.Self = viewer, viewer == account
	if viewer != 0 && !f.Self {
		rel, err := s.Store.ViewerRelations(ctx, viewer, []domain.ID{account}, nil)
		if err != nil {
			return nil, err
		}
		if rel.Blocked[account] {
			return nil, nil
		}
		f.SeesPrivate = rel.Following[account]
	}
	return s.Store.AccountStatuses(ctx, account, f, p)
}

// Context returns the ids of a visible status's ancestors (oldest first)
// and descendants; the edge drops those the viewer may not see.
func (s *Service) Context(ctx context.Context, viewer, id domain.ID) (ancestors, descendants []domain.ID, err error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return nil, nil, err
	}
	if st.ReblogOfID != 0 {
		return []domain.ID{}, []domain.ID{}, nil
	}
	if ancestors, err = s.Store.Ancestors(ctx, id); err != nil {
		return nil, nil, err
	}
	if descendants, err = s.Store.Descendants(ctx, id); err != nil {
		return nil, nil, err
	}
	descendants, err = s.withoutHidden(ctx, viewer, descendants)
	return ancestors, descendants, err
}

// FavouritedBy returns the accounts that favourited a visible status.
func (s *Service) FavouritedBy(ctx context.Context, viewer, id domain.ID, p domain.Page) ([]store.PageItem, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	return s.Store.FavouritedBy(ctx, st.ID, p)
}

// RebloggedBy returns the accounts that boosted a visible status.
func (s *Service) RebloggedBy(ctx context.Context, viewer, id domain.ID, p domain.Page) ([]store.PageItem, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	return s.Store.RebloggedBy(ctx, st.ID, p)
}

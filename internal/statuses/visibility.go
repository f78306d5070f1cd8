package statuses

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Visible is THE visibility rule, for a status already loaded with the
// viewer's relations (viewer 0 is anonymous): the author sees everything;
// blocks either way hide everything; public and unlisted are for all;
// private for followers and mentioned accounts; direct for mentioned
// accounts. A boost also needs its original to be visible (checked by
// callers with VisibleWithOriginal). A status removed by moderation (or
// hidden with its suspended author) is shown to nobody, its author
// included: its row is kept only so that an appeal can restore it.
func Visible(st *domain.Status, viewer domain.ID, rel *store.Relations) bool {
	if st.Visibility == store.RemovedVisibility {
		return false
	}
	if viewer != 0 && st.AccountID == viewer {
		return true
	}
	if viewer != 0 && rel.Blocked[st.AccountID] {
		return false
	}
	switch st.Visibility {
	case domain.Public, domain.Unlisted:
		return true
	case domain.Private:
		return viewer != 0 && (rel.Following[st.AccountID] || rel.Mentioned[st.ID])
	case domain.Direct:
		return viewer != 0 && rel.Mentioned[st.ID]
	}
	return false
}

// VisibleWithOriginal applies Visible to a status and, for a boost, to the
// boosted status (orig, nil when it is gone: then the boost is hidden).
func VisibleWithOriginal(st, orig *domain.Status, viewer domain.ID, rel *store.Relations) bool {
	if !Visible(st, viewer, rel) {
		return false
	}
	if st.ReblogOfID == 0 {
		return true
	}
	return orig != nil && Visible(orig, viewer, rel)
}

// CanSee reports whether viewer (0 = anonymous) may see st, loading what
// the rule needs. Every single-status read and action goes through it.
func (s *Service) CanSee(ctx context.Context, viewer domain.ID, st *domain.Status) (bool, error) {
	var orig *domain.Status
	authors, ids := []domain.ID{st.AccountID}, []domain.ID{st.ID}
	if st.ReblogOfID != 0 {
		var err error
		orig, err = s.Store.Status(ctx, st.ReblogOfID)
		if err != nil && domain.KindOf(err) != domain.KindNotFound {
			return false, err
		}
		if orig != nil {
			authors, ids = append(authors, orig.AccountID), append(ids, orig.ID)
		}
	}
	// A suspended author's statuses are hidden even if one escaped the
	// suspension's bulk hiding (posted afterwards).
	accts, err := s.Store.Accounts(ctx, authors)
	if err != nil {
		return false, err
	}
	for _, a := range accts {
		if a.SuspendedAt != nil && a.ID != viewer {
			return false, nil
		}
	}
	rel, err := s.Store.ViewerRelations(ctx, viewer, authors, ids)
	if err != nil {
		return false, err
	}
	return VisibleWithOriginal(st, orig, viewer, rel), nil
}

// visibleStatus loads a status the viewer may see; anything else is "not
// found", so that hidden statuses do not reveal that they exist.
func (s *Service) visibleStatus(ctx context.Context, viewer, id domain.ID) (*domain.Status, error) {
	st, err := s.Store.Status(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSee(ctx, viewer, st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, domain.NotFound()
	}
	return st, nil
}

// visibleOriginal is visibleStatus, then the boosted status for a boost:
// actions on a boost apply to what it boosts.
func (s *Service) visibleOriginal(ctx context.Context, viewer, id domain.ID) (*domain.Status, error) {
	st, err := s.visibleStatus(ctx, viewer, id)
	if err != nil || st.ReblogOfID == 0 {
		return st, err
	}
	return s.visibleStatus(ctx, viewer, st.ReblogOfID)
}

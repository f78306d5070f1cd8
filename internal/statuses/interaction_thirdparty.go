package statuses

import (
	"context"
	"slices"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// NeedsAuthorization is the third server's rule (GoToSocial's
// "verifying interaction authorization as a third server"): whether
// actor's interaction with st, a post of another server than actor's,
// must carry an authorization from st's author before it is shown here.
// It needs none when st has no interaction policy (its server does not
// enforce any), when actor is its author, when a reply's author is
// mentioned by st, when actor is named in automatic_approval, or when
// automatic_approval has public (and actor is not named in
// manual_approval: the more specific value wins). Anything else (manual
// approval, or approval that depends on following the author or being
// followed, which only the author's server can tell) needs one. A local
// post is not concerned: DecideInteraction rules it.
func (s *Service) NeedsAuthorization(ctx context.Context, actor *domain.Account, st *domain.Status, kind Interaction) (bool, error) {
	if st.Local || actor.ID == st.AccountID {
		return false, nil
	}
	m, err := s.Store.StatusInteractionPolicies(ctx, []domain.ID{st.ID})
	if err != nil {
		return false, err
	}
	pol := m[st.ID]
	if pol == nil {
		return false, nil
	}
	rule := pol.CanReply
	switch kind {
	case Reblog:
		rule = pol.CanReblog
	case Favourite:
		rule = pol.CanFavourite
	}
	if kind == Reply {
		ms, err := s.Store.MentionsOf(ctx, []domain.ID{st.ID})
		if err != nil {
			return false, err
		}
		if slices.Contains(ms[st.ID], actor.ID) {
			return false, nil
		}
	}
	switch {
	case actor.URI != "" && slices.Contains(rule.AutomaticApproval, actor.URI):
		return false, nil
	case actor.URI != "" && slices.Contains(rule.ManualApproval, actor.URI):
		return true, nil
	}
	return !slices.Contains(rule.AutomaticApproval, store.PolicyPublic), nil
}

package federation

import (
	"context"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// The account archive (internal/export) holds an account's posts as the
// activities other servers received, so that tools made for Mastodon's
// archives read agora's.

// ArchiveActor is a local account's actor document, as served to other
// servers.
func (h *Handler) ArchiveActor(ctx context.Context, a *domain.Account) (any, error) {
	h.init()
	return h.actorDocument(ctx, a)
}

// ArchiveActivity is a local status as its author's outbox lists it: the
// Create of the note (with its interaction policy), or the Announce of a
// boost.
func (h *Handler) ArchiveActivity(ctx context.Context, actor *domain.Account, st *domain.Status) (any, error) {
	h.init()
	actorURI := h.actorURI(actor)
	if st.ReblogOfID != 0 {
		orig, err := h.Store.Status(ctx, st.ReblogOfID)
		if err != nil {
			return nil, err
		}
		ann := activitypub.NewAnnounce(actorURI, h.followersURI(actor), st, h.statusURI(ctx, orig))
		return ann, nil
	}
	note, err := h.statusPolicyNote(ctx, actor, st)
	if err != nil {
		return nil, err
	}
	c := activitypub.NewCreate(actorURI, note.Note)
	c.Object = note
	return c, nil
}

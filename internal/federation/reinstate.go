package federation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// reinstate handles the Update of an actor whose server had deleted it (a
// Delete of the actor, which agora and Mastodon send when they suspend an
// account) and reverses that: as Mastodon does for an actor that comes
// back, the actor is fetched again from its origin (the Update's body is
// not trusted alone), must be an actor that its server no longer marks
// suspended, and is then stored and reinstated. A suspension decided here
// is never lifted this way (store.ReinstateRemoteAccount). What the
// deletion removed (statuses, follows) is not recreated. done reports that
// the activity was handled; otherwise it goes on as any activity.
func (p *Processor) reinstate(ctx context.Context, doc *activitypub.Incoming) (done bool, err error) {
	if doc.Type != "Update" || doc.Object.ID == "" || doc.Object.ID != doc.Actor.ID || p.r.isLocal(doc.Actor.ID) {
		return false, nil
	}
	h := p.r.h
	a, err := h.Store.AccountByURI(ctx, doc.Actor.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if a.Local() || a.SuspendedAt == nil {
		return false, nil
	}
	if remote, err := h.Store.RemotelySuspended(ctx, a.ID); err != nil || !remote {
		return false, err // suspended here: p.suspended drops the Update
	}
	if err := p.r.fetchable(ctx, a.URI); err != nil {
		return false, err
	}
	body, err := h.SignedGet(ctx, a.URI, maxActorDocument)
	if err != nil {
		return false, fmt.Errorf("fetch reinstated actor %s: %w", a.URI, err)
	}
	actor, err := activitypub.Parse(body)
	if err != nil {
		return false, fmt.Errorf("reinstated actor %s: %w", a.URI, err)
	}
	if actor.ID != a.URI {
		return false, drop("actor fetched from %s has id %q", a.URI, actor.ID)
	}
	// Mastodon marks a suspension it may still reverse with "suspended".
	var flags struct {
		Suspended bool `json:"suspended"`
	}
	if json.Unmarshal(body, &flags) == nil && flags.Suspended {
		return false, drop("actor %s is still suspended by its server", a.URI)
	}
	if _, err := p.r.storeActor(ctx, a.URI, actor); err != nil {
		return false, err
	}
	ok, err := h.Store.ReinstateRemoteAccount(ctx, a.ID)
	if err != nil {
		return false, err
	}
	if ok {
		h.Log.Info("remote account reinstated by its server", "uri", a.URI, "account", a.ID)
	}
	return true, nil
}

package federation

import (
	"context"
	"slices"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// Limits of received Moves (account migration).
const (
	// ReceivedMoveCooldown is how long after a Move of an account another
	// one is ignored (Mastodon's 7 days "move in progress" mark).
	ReceivedMoveCooldown = 7 * 24 * time.Hour
	// MovesPerHostPerHour bounds the Moves applied from one remote host
	// (each costs a fetch of the target and a follow per local follower).
	MovesPerHostPerHour = 30
)

// FreshAliases returns the account an actor id names and its alsoKnownAs
// as they are now: a local account's from the database, a remote one's
// fetched again from its origin (never from the cache, as a migration
// check needs). It implements accounts.Remote.
func (h *Handler) FreshAliases(ctx context.Context, uri string) (*domain.Account, []string, error) {
	r := h.resolver()
	if r.isLocal(uri) {
		a, err := r.localAccount(ctx, uri)
		if err != nil {
			return nil, nil, err
		}
		aka, err := h.Store.AccountAliases(ctx, a.ID)
		return a, aka, err
	}
	a, err := r.fetchAccount(ctx, uri)
	if err != nil {
		h.Log.Debug("fresh aliases", "uri", uri, "err", err)
		return nil, nil, domain.NotFound()
	}
	aka, err := h.Store.AccountAliases(ctx, a.ID)
	return a, aka, err
}

// move follows a remote account's migration (Mastodon's Move): the target
// (fetched now, or a local account) must name the old account in its
// alsoKnownAs; the old account is marked moved and its local followers
// follow the target (a follow request when it is remote or locked, sent by
// the social graph). Moves are limited per account and per host.
func (p *Processor) move(ctx context.Context, doc *activitypub.Incoming) error {
	h := p.r.h
	if doc.Object.ID != doc.Actor.ID {
		return drop("Move of %q by %s", doc.Object.ID, doc.Actor.ID)
	}
	old, err := h.Store.AccountByURI(ctx, doc.Actor.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return drop("Move of an unknown account")
	}
	if err != nil {
		return err
	}
	if old.Local() {
		return drop("Move of a local account over federation")
	}
	if hostOf(doc.Target.ID) == "" || doc.Target.ID == old.URI {
		return drop("Move without a valid target")
	}
	last, err := h.Store.LastMove(ctx, old.ID)
	if err != nil {
		return err
	}
	if !last.IsZero() && h.Now().Sub(last) < ReceivedMoveCooldown {
		return drop("%s already moved on %s", old.URI, last.Format(time.DateOnly))
	}
	if !p.moves.Allow(hostOf(old.URI)).Allowed {
		return drop("too many Moves from %s", hostOf(old.URI))
	}
	target, aka, err := h.FreshAliases(ctx, doc.Target.ID)
	if err != nil {
		return drop("Move to %s, which cannot be fetched", doc.Target.ID)
	}
	if target.SuspendedAt != nil || target.MovedToAccountID != 0 {
		return drop("Move to %s, which is suspended or moved", target.URI)
	}
	if !slices.Contains(aka, old.URI) {
		return drop("Move to %s, whose alsoKnownAs does not name %s", target.URI, old.URI)
	}
	if err := h.Store.RecordMove(ctx, old.ID, target.ID, ReceivedMoveCooldown); err != nil {
		if domain.KindOf(err) == domain.KindRateLimited {
			return drop("%v", err)
		}
		return err
	}
	moved, err := h.Store.MoveFollowers(ctx, old.ID, target.ID)
	if err != nil {
		return err
	}
	for _, m := range moved {
		if _, err := p.graph.Follow(ctx, m.Follower, target.ID, m.Options); err != nil {
			h.Log.Info("move: follow the new account", "follower", m.Follower, "target", target.ID, "err", err)
		}
	}
	return nil
}

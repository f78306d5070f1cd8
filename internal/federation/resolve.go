package federation

import (
	"context"
	"strings"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// Bounds of fetching objects.
const (
	// MaxReplyDepth is how many missing ancestors of a received reply are
	// fetched, one after the other.
	MaxReplyDepth = 5
	// maxObjectDocument bounds a fetched note.
	maxObjectDocument = 1 << 20
)

// ResolveAccount finds username@host: a local account when host is this
// server, a stored remote account when fresh, else WebFinger then the
// actor (implements the Mastodon API's Resolver).
func (h *Handler) ResolveAccount(ctx context.Context, username, host string) (*domain.Account, error) {
	r := h.resolver()
	host = strings.ToLower(host)
	if host == "" || host == strings.ToLower(h.Cfg.Domain) || host == hostOf(h.Cfg.URL) {
		return h.Store.AccountByHandle(ctx, username, "")
	}
	if ra, err := h.Store.AccountByHandle(ctx, username, host); err == nil {
		return r.account(ctx, ra.URI)
	} else if domain.KindOf(err) != domain.KindNotFound {
		return nil, err
	}
	if err := r.fetchable(ctx, "https://"+host+"/"); err != nil {
		return nil, domain.NotFound()
	}
	id, err := h.WebFinger(ctx, username, host)
	if err != nil {
		h.Log.Debug("resolve account", "acct", username+"@"+host, "err", err)
		return nil, domain.NotFound()
	}
	a, err := r.account(ctx, id)
	if err != nil {
		h.Log.Debug("resolve account", "acct", username+"@"+host, "err", err)
		return nil, domain.NotFound()
	}
	return a, nil
}

// ResolveURL finds the account or status an http(s) URL names: a stored one
// by uri or url, else the document fetched from the URL (implements the
// Mastodon API's Resolver). Anything else is not found.
func (h *Handler) ResolveURL(ctx context.Context, rawURL string) (*domain.Account, *domain.Status, error) {
	r := h.resolver()
	if hostOf(rawURL) == "" {
		return nil, nil, domain.NotFound()
	}
	if a, err := h.Store.AccountByURL(ctx, rawURL); err == nil {
		return a, nil, nil
	}
	if st, err := h.Store.StatusByURL(ctx, rawURL); err == nil {
		return nil, st, nil
	}
	if r.isLocal(rawURL) {
		if a, err := r.localAccount(ctx, rawURL); err == nil {
			return a, nil, nil
		}
		return nil, nil, domain.NotFound()
	}
	if err := r.fetchable(ctx, rawURL); err != nil {
		return nil, nil, domain.NotFound()
	}
	body, err := h.SignedGet(ctx, rawURL, maxObjectDocument)
	if err != nil {
		h.Log.Debug("resolve url", "url", rawURL, "err", err)
		return nil, nil, domain.NotFound()
	}
	doc, err := activitypub.Parse(body)
	if err != nil {
		return nil, nil, domain.NotFound()
	}
	if activitypub.IsActorType(doc.Type) {
		a, err := r.storeActor(ctx, rawURL, doc)
		if err != nil {
			h.Log.Debug("resolve url", "url", rawURL, "err", err)
			return nil, nil, domain.NotFound()
		}
		return a, nil, nil
	}
	if !isNoteType(doc.Type) {
		return nil, nil, domain.NotFound()
	}
	// A profile or post page may answer with a document of another host
	// (its canonical id): that one is fetched from its own origin.
	if hostOf(doc.ID) != hostOf(rawURL) {
		st, err := r.status(ctx, doc.ID, 0)
		if err != nil {
			return nil, nil, domain.NotFound()
		}
		return nil, st, nil
	}
	st, err := r.storeNote(ctx, doc, 0)
	if err != nil {
		h.Log.Debug("resolve url", "url", rawURL, "err", err)
		return nil, nil, domain.NotFound()
	}
	return nil, st, nil
}

// status returns the status with this id: stored, or fetched from its
// origin and stored (with up to MaxReplyDepth-depth missing ancestors).
func (r *resolver) status(ctx context.Context, id string, depth int) (*domain.Status, error) {
	if st, err := r.h.Store.StatusByURI(ctx, id); err == nil {
		return st, nil
	} else if domain.KindOf(err) != domain.KindNotFound {
		return nil, err
	}
	if r.isLocal(id) {
		return nil, domain.NotFound() // a local status that does not exist
	}
	if depth > MaxReplyDepth {
		return nil, drop("reply chain deeper than %d", MaxReplyDepth)
	}
	if err := r.fetchable(ctx, id); err != nil {
		return nil, err
	}
	if r.backfill != nil && !r.backfill.Allow(hostOf(id)).Allowed {
		return nil, drop("fetch rate of %s exceeded", hostOf(id))
	}
	body, err := r.h.SignedGet(ctx, id, maxObjectDocument)
	if err != nil {
		return nil, err
	}
	doc, err := activitypub.Parse(body)
	if err != nil {
		return nil, err
	}
	if doc.ID != id || hostOf(doc.ID) != hostOf(id) {
		return nil, drop("object fetched from %s has id %q", id, doc.ID)
	}
	if !isNoteType(doc.Type) {
		return nil, drop("%s is a %q, not a note", id, doc.Type)
	}
	return r.storeNote(ctx, doc, depth)
}

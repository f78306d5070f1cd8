package federation

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Limits of received reports.
const (
	maxFlagObjects    = 100
	maxFlagCommentLen = 5000
)

// pendingKinds are the undone activities that may be pending requests.
var pendingKinds = map[activitypub.Type]string{"Like": store.RequestFavourite, "Announce": store.RequestReblog}

// undo reverts the actor's Follow, Like, Announce or Block, named by id
// (agora stores the ids it needs) or embedded; an undone Like or Announce
// still waiting for approval withdraws its request.
func (p *Processor) undo(ctx context.Context, doc *activitypub.Incoming) error {
	actor, err := p.r.knownAccount(ctx, doc.Actor.ID)
	if err != nil {
		return drop("Undo by an unknown actor")
	}
	var inner struct {
		Type   activitypub.Type `json:"type"`
		Actor  activitypub.Ref  `json:"actor"`
		Object activitypub.Ref  `json:"object"`
	}
	if doc.Object.Object != nil {
		if err := json.Unmarshal(doc.Object.Object, &inner); err != nil {
			return drop("Undo of a malformed object")
		}
		if inner.Actor.ID != "" && inner.Actor.ID != doc.Actor.ID {
			return drop("Undo of an activity of %s", inner.Actor.ID)
		}
	}
	id := doc.Object.ID
	// By id first: whatever the embedded type says, only what this actor did
	// is undone.
	if from, to, _, err := p.r.h.Store.FollowByURI(ctx, id); err == nil && from == actor.ID {
		return p.r.h.Store.Unfollow(ctx, from, to)
	}
	if a, st, err := p.r.h.Store.FavouriteByURI(ctx, id); err == nil && a == actor.ID {
		s, err := p.r.h.Store.Status(ctx, st)
		if err != nil {
			return err
		}
		return p.r.h.Store.Unfavourite(ctx, a, s)
	}
	if st, err := p.r.h.Store.StatusByURI(ctx, id); err == nil && st.ReblogOfID != 0 {
		return p.r.statuses.DeleteRemote(ctx, actor.ID, st)
	}
	// A Like or Announce still waiting for the local author's approval:
	// the request and its notification go.
	if req, err := p.r.h.Store.InteractionRequestByURI(ctx, id); err == nil && req.AccountID == actor.ID && req.Kind != store.RequestReply && req.Pending() {
		return p.r.h.Store.WithdrawRemoteInteraction(ctx, req)
	}
	if kind := pendingKinds[inner.Type]; kind != "" {
		st, err := p.r.h.Store.StatusByURI(ctx, inner.Object.ID)
		if err != nil {
			if local, ok := p.localStatus(ctx, inner.Object.ID); ok {
				st, err = local, nil
			}
		}
		if err == nil {
			req, err := p.r.h.Store.PendingInteraction(ctx, actor.ID, st.ID, kind)
			if err != nil {
				return err
			}
			if req != nil {
				return p.r.h.Store.WithdrawRemoteInteraction(ctx, req)
			}
		}
	}
	switch inner.Type {
	case "Follow":
		target, err := p.r.localAccount(ctx, inner.Object.ID)
		if err != nil {
			return drop("Undo Follow of %q, not a local account", inner.Object.ID)
		}
		return p.r.h.Store.Unfollow(ctx, actor.ID, target.ID)
	case "Like":
		st, err := p.r.h.Store.StatusByURI(ctx, inner.Object.ID)
		if err != nil {
			return drop("Undo Like of an unknown status")
		}
		return p.r.h.Store.Unfavourite(ctx, actor.ID, st)
	case "Block":
		target, err := p.r.localAccount(ctx, inner.Object.ID)
		if err != nil {
			return drop("Undo Block of %q, not a local account", inner.Object.ID)
		}
		return p.r.h.Store.Unblock(ctx, actor.ID, target.ID)
	case "Announce":
		return nil // a boost not stored here
	}
	return drop("Undo of unknown %q", id)
}

// announce records the actor's boost, fetching the boosted post when
// unknown (from its origin).
func (p *Processor) announce(ctx context.Context, doc *activitypub.Incoming) error {
	return p.announceBody(ctx, doc, nil)
}

// announceBody is announce given the Announce's JSON (nil when unknown),
// where a boost of another server's post that needs its author's
// authorization names it (approvals_check.go).
func (p *Processor) announceBody(ctx context.Context, doc *activitypub.Incoming, body []byte) error {
	if hostOf(doc.ID) == "" {
		return drop("Announce without an id")
	}
	// A relay's Announce, or a boost a relay forwarded (relays.go): the
	// post is fetched from its origin, without a boost.
	if handled, err := p.relayAnnounce(ctx, doc); handled || err != nil {
		return err
	}
	actor, err := p.r.account(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	if ok, err := p.r.h.Store.HasLocalFollowers(ctx, actor.ID); err != nil {
		return err
	} else if !ok {
		// Only a boost of a local post concerns a server where nobody
		// follows the booster.
		if !p.r.isLocal(doc.Object.ID) {
			return drop("nobody here follows %s", actor.URI)
		}
	}
	orig, err := p.r.status(ctx, doc.Object.ID, 0)
	if err != nil {
		return err
	}
	if err := p.r.interactionAuthorized(ctx, statuses.Reblog, doc.ID, body, actor, orig); err != nil {
		return err
	}
	vis := visibilityOf(doc.To, doc.Cc, actor.FollowersURL)
	_, err = p.r.statuses.ReblogRemote(ctx, actor, orig, doc.ID, vis, activitypub.ParseTime(doc.Published))
	return err
}

// like records the actor's favourite of a local status it may see (likes
// of other servers' posts are theirs to count, as in Mastodon).
func (p *Processor) like(ctx context.Context, doc *activitypub.Incoming) error {
	st, err := p.r.h.Store.StatusByURI(ctx, doc.Object.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		if a, ok := p.localStatus(ctx, doc.Object.ID); ok {
			st, err = a, nil
		}
	}
	if domain.KindOf(err) == domain.KindNotFound {
		return drop("Like of unknown %q", doc.Object.ID)
	}
	if err != nil {
		return err
	}
	if !st.Local {
		return drop("Like of %s, not a local post", doc.Object.ID)
	}
	actor, err := p.r.account(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	return p.r.statuses.FavouriteRemote(ctx, actor, st, doc.ID)
}

// localStatus finds a local status by the URL forms agora publishes
// (/users/NAME/statuses/ID and /@NAME/ID), for statuses stored without uri.
func (p *Processor) localStatus(ctx context.Context, id string) (*domain.Status, bool) {
	if !p.r.isLocal(id) {
		return nil, false
	}
	i := strings.LastIndexByte(id, '/')
	sid, ok := domain.ParseID(id[i+1:])
	if !ok {
		return nil, false
	}
	st, err := p.r.h.Store.Status(ctx, sid)
	if err != nil || !st.Local {
		return nil, false
	}
	return st, true
}

// block records the actor's block of a local account: follows between them
// end and neither reaches the other.
func (p *Processor) block(ctx context.Context, doc *activitypub.Incoming) error {
	target, err := p.r.localAccount(ctx, doc.Object.ID)
	if err != nil {
		return drop("Block of %q, not a local account", doc.Object.ID)
	}
	actor, err := p.r.account(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	return p.r.h.Store.Block(ctx, actor.ID, target.ID)
}

// flag files a report from another server into the moderation queue: the
// reported local account and statuses, the comment (content), with
// source "remote" and the reporting server named in the comment.
func (p *Processor) flag(ctx context.Context, a *store.InboxActivity, doc *activitypub.Incoming) error {
	if b, err := p.r.h.Store.DomainBlockFor(ctx, hostOf(doc.Actor.ID)); err != nil {
		return err
	} else if b != nil && b.RejectReports {
		return drop("reports from %s are rejected", b.Domain)
	}
	var objs struct {
		Object activitypub.Refs `json:"object"`
	}
	if err := json.Unmarshal([]byte(a.Body), &objs); err != nil {
		return drop("Flag with malformed objects")
	}
	if len(objs.Object) > maxFlagObjects {
		objs.Object = objs.Object[:maxFlagObjects]
	}
	var target *domain.Account
	var ids []domain.ID
	for _, o := range objs.Object {
		if acct, err := p.r.localAccount(ctx, o); err == nil {
			if target == nil {
				target = acct
			}
			continue
		}
		st, err := p.r.h.Store.StatusByURI(ctx, o)
		if err != nil {
			var ok bool
			if st, ok = p.localStatus(ctx, o); !ok {
				continue
			}
		}
		if st.Local && !slices.Contains(ids, st.ID) {
			ids = append(ids, st.ID)
		}
	}
	if target == nil && len(ids) > 0 {
		st, err := p.r.h.Store.Status(ctx, ids[0])
		if err != nil {
			return err
		}
		if target, err = p.r.h.Store.Account(ctx, st.AccountID); err != nil {
			return err
		}
	}
	if target == nil {
		return drop("Flag of nothing local")
	}
	sts, err := p.r.h.Store.Statuses(ctx, ids)
	if err != nil {
		return err
	}
	r := &store.Report{TargetAccountID: target.ID, Source: "remote", Category: "other", ContentURLs: []string{}}
	for _, id := range ids {
		if st := sts[id]; st != nil && st.AccountID == target.ID {
			r.StatusIDs = append(r.StatusIDs, id)
			if st.URL != "" {
				r.ContentURLs = append(r.ContentURLs, st.URL)
			}
		}
	}
	r.Comment = truncate(strings.TrimSpace(PlainText(doc.Content)), maxFlagCommentLen)
	r.NotifierName = hostOf(doc.Actor.ID)
	return p.r.h.Store.InsertReport(ctx, r)
}

package federation

import (
	"context"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Polite interaction requests received (GoToSocial 0.21): a LikeRequest,
// ReplyRequest or AnnounceRequest whose object is a local post and whose
// instrument is the Like, the reply's note or the Announce. Each is the
// impolite interaction asked for first, and is decided the same way
// (statuses.DecideInteraction): allowed at once, it is stored as if it had
// come alone and answered at once with an Accept carrying an
// authorization (result); needing approval, it waits for the author like
// an impolite one (their answer is the Accept or Reject); refused, it gets
// a Reject and is not stored. Every answer names the request (its id is
// kept with the interaction's request), as GoToSocial matches it.

// politeRequest is what a request type asks for.
type politeRequest struct {
	instrument activitypub.Type // the interaction's type (a reply's: any note type)
	kind       string           // store.Request*
	action     statuses.Interaction
}

var politeRequests = map[activitypub.Type]politeRequest{
	"LikeRequest":     {"Like", store.RequestFavourite, statuses.Favourite},
	"AnnounceRequest": {"Announce", store.RequestReblog, statuses.Reblog},
	"ReplyRequest":    {"", store.RequestReply, statuses.Reply},
}

// likeRequest, announceRequest and replyRequest are the apply() cases.
func (p *Processor) likeRequest(ctx context.Context, doc *activitypub.Incoming) error {
	return p.politeInteraction(ctx, doc, politeRequests["LikeRequest"])
}

func (p *Processor) announceRequest(ctx context.Context, doc *activitypub.Incoming) error {
	return p.politeInteraction(ctx, doc, politeRequests["AnnounceRequest"])
}

func (p *Processor) replyRequest(ctx context.Context, doc *activitypub.Incoming) error {
	return p.politeInteraction(ctx, doc, politeRequests["ReplyRequest"])
}

// politeInteraction handles one polite request.
func (p *Processor) politeInteraction(ctx context.Context, doc *activitypub.Incoming, r politeRequest) error {
	target, ok := p.localStatus(ctx, doc.Object.ID)
	if !ok {
		return drop("%s of %q, not a local post", doc.Type, doc.Object.ID)
	}
	inst, err := p.instrument(ctx, doc, r)
	if err != nil {
		return err
	}
	actor, err := p.r.account(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	if actor.SuspendedAt != nil {
		return drop("actor %s is suspended", actor.URI)
	}
	req := &store.InteractionRequest{ID: p.r.h.Store.IDs.Next(), Kind: r.kind, StatusID: target.ID,
		TargetAccountID: target.AccountID, AccountID: actor.ID, URI: inst.ID, RequestURI: doc.ID}
	d, err := p.r.statuses.DecideInteraction(ctx, actor, target, r.action)
	if domain.KindOf(err) == domain.KindForbidden {
		return p.refusePolite(ctx, req, err)
	}
	if err != nil {
		return err
	}
	// The interaction itself, exactly as when it comes alone: stored, or
	// held pending with its request.
	switch r.kind {
	case store.RequestFavourite:
		err = p.like(ctx, inst)
	case store.RequestReblog:
		err = p.announce(ctx, inst)
	case store.RequestReply:
		var st *domain.Status
		if st, err = p.r.storeNote(ctx, inst, 0); err == nil {
			req.ReplyID = st.ID
		}
	}
	if domain.KindOf(err) == domain.KindForbidden {
		return p.refusePolite(ctx, req, err) // e.g. a like of a post the actor may not see
	}
	if err != nil {
		return err
	}
	if d != statuses.Allowed {
		// Pending: the author answers, naming this request.
		pending, err := p.r.h.Store.InteractionRequestByURI(ctx, inst.ID)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil
		}
		if err != nil || pending.AccountID != actor.ID {
			return err
		}
		return p.r.h.Store.SetInteractionRequestURI(ctx, nil, pending.ID, doc.ID)
	}
	author, err := p.r.h.Store.Account(ctx, target.AccountID)
	if err != nil {
		return err
	}
	return p.r.h.Store.AuthorizeInteraction(ctx, req, statuses.AuthorizationURI(p.r.h.Cfg.URL, author.Username, req.ID))
}

// instrument is a request's interaction: embedded (the signed request
// vouches for it, from the actor's host) or fetched from the actor's
// host; it must be by the actor, of the request's type, and aimed at the
// request's object.
func (p *Processor) instrument(ctx context.Context, doc *activitypub.Incoming, r politeRequest) (*activitypub.Incoming, error) {
	if !sameHost(doc.Instrument.ID, doc.Actor.ID) {
		return nil, drop("%s whose instrument %q is not on the actor's host", doc.Type, doc.Instrument.ID)
	}
	inst, err := p.object(ctx, &activitypub.Incoming{Actor: doc.Actor, Object: doc.Instrument})
	if err != nil {
		return nil, err
	}
	by, aimed := inst.Actor.ID, inst.Object.ID
	if r.kind == store.RequestReply {
		if !isNoteType(inst.Type) {
			return nil, drop("ReplyRequest of a %q", inst.Type)
		}
		if by, err = noteAuthor(inst); err != nil {
			return nil, err
		}
		aimed = inst.InReplyTo.ID
	} else {
		if inst.Type != r.instrument {
			return nil, drop("%s of a %q", doc.Type, inst.Type)
		}
		if by == "" { // GoToSocial names the Like's author so
			by = inst.AttributedTo.ID
		}
		inst.Actor = doc.Actor
	}
	switch {
	case by != doc.Actor.ID:
		return nil, drop("%s by %s of an interaction by %q", doc.Type, doc.Actor.ID, by)
	case aimed != doc.Object.ID:
		return nil, drop("%s of %s whose interaction is with %q", doc.Type, doc.Object.ID, aimed)
	}
	return inst, nil
}

// refusePolite answers a request the post's policy refuses with a Reject
// (nothing is stored: req is only what the Reject names).
func (p *Processor) refusePolite(ctx context.Context, req *store.InteractionRequest, why error) error {
	p.r.h.Log.Info("polite interaction request refused", "uri", req.URI, "reason", why)
	return p.r.h.Store.FederateInteraction(ctx, req, store.InteractionRejected)
}

package federation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// The two ends of an approval: asking a remote author (a polite request)
// and answering a remote account (an Accept or Reject naming what it
// answers), then hearing a remote author's answer.

// requestURI is the id of the polite request agora sends for a local
// account's request.
func (h *Handler) requestURI(actor *domain.Account, req *store.InteractionRequest) string {
	return h.actorURI(actor) + "/interaction_requests/" + req.ID.String()
}

// askApproval sends, in tx, a local account's interaction with a remote
// post that needs its author's approval: GoToSocial's polite request
// (ReplyRequest, LikeRequest, AnnounceRequest: object the post,
// instrument the interaction, embedded) to the author's inbox alone. Its
// id is kept with the request, so that an Accept naming either the request
// or the interaction is matched.
func (h *Handler) askApproval(ctx context.Context, tx *sql.Tx, req *store.InteractionRequest, actor, author *domain.Account, targetURI string) error {
	act, err := h.interactionActivity(ctx, actor, req, targetURI, "")
	if err != nil || act == nil {
		return err
	}
	instrument := act
	if c, ok := act.(*activitypub.Activity); ok && c.Type == "Create" {
		instrument = c.Object // a ReplyRequest's instrument is the note itself
	}
	req.RequestURI = h.requestURI(actor, req)
	if err := h.Store.SetInteractionRequestURI(ctx, tx, req.ID, req.RequestURI); err != nil {
		return err
	}
	ask := activitypub.NewInteractionRequest(req.RequestURI, requestTypes[req.Kind], h.actorURI(actor), author.URI, targetURI, instrument)
	if req.Kind == store.RequestReply {
		ask.Context = activitypub.PolicyNoteContext()
	}
	return h.deliverTx(ctx, tx, actor.ID, ask, appendInbox(nil, author))
}

// answerRequest sends, in tx, a local author's Accept (with the
// authorization as result) or Reject of a remote account's interaction.
// A polite request is answered as GoToSocial does: object the request
// (id, type, actor, object, instrument by id), to the requester alone,
// who then distributes the interaction with its authorization. An
// impolite interaction is answered naming it (object the interaction,
// target the post); an accepted impolite reply is also addressed to
// Public and the author's followers, and delivered to their servers, so
// that third servers learn it is approved.
func (h *Handler) answerRequest(ctx context.Context, tx *sql.Tx, req *store.InteractionRequest, accept bool, actor, author *domain.Account, targetURI string) error {
	authorURI := h.actorURI(author)
	interacting, err := h.interactionURI(ctx, req)
	if err != nil {
		return err
	}
	ans := &activitypub.InteractionAnswer{Context: interactionContext, Type: "Accept", Actor: authorURI, To: []string{actor.URI},
		Object: interacting, Target: targetURI}
	if req.RequestURI != "" {
		ans.Object = activitypub.AnsweredRequest(req.RequestURI, requestTypes[req.Kind], actor.URI, targetURI, interacting)
	}
	var inboxes []string
	if accept {
		ans.Result = statuses.AuthorizationURI(h.Cfg.URL, author.Username, req.ID)
		ans.ID = ans.Result + acceptSuffix
		if req.Kind == store.RequestReply && req.RequestURI == "" {
			ans.Cc = []string{activitypub.Public, h.followersURI(author)}
			if inboxes, err = h.Store.DeliveryInboxes(ctx, author.ID, true, nil, true); err != nil {
				return err
			}
		}
	} else {
		ans.Type, ans.ID = "Reject", authorURI+"#rejects/interactions/"+req.ID.String()
	}
	return h.deliverTx(ctx, tx, author.ID, ans, appendInbox(inboxes, actor))
}

// requestEnvelope is an interaction request named by an Accept or Reject
// (GoToSocial's polite form): the interaction is its instrument.
type requestEnvelope struct {
	Type       string          `json:"type"`
	Instrument activitypub.Ref `json:"instrument"`
}

// answerInteraction handles an Accept or Reject of a local account's
// reply, like or boost that needed a remote author's approval, named by
// the polite request agora sent (by id, or embedded), by the request's
// instrument, or by the interaction itself; handled is false when doc
// answers something else. An Accept of another server's interaction with
// a post of the Accept's actor is kept as the proof a third server needs
// (approvals_check.go).
func (p *Processor) answerInteraction(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming, accept bool) (handled bool, err error) {
	h := p.r.h
	req, err := h.Store.InteractionRequestByRequestURI(ctx, doc.Object.ID)
	if errors.Is(err, domain.ErrNotFound) {
		uri := doc.Object.ID
		if doc.Object.Object != nil {
			var env requestEnvelope
			if json.Unmarshal(doc.Object.Object, &env) == nil && strings.HasSuffix(env.Type, "Request") && env.Instrument.ID != "" {
				uri = env.Instrument.ID
			}
		}
		if uri == "" {
			return false, nil
		}
		req, err = h.Store.InteractionRequestByURI(ctx, uri)
	}
	if errors.Is(err, domain.ErrNotFound) {
		if accept {
			return p.thirdPartyAccept(ctx, actor, doc)
		}
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if req.TargetAccountID != actor.ID {
		return true, drop("answer to an interaction with another author's post")
	}
	author, err := h.Store.Account(ctx, req.AccountID)
	if err != nil {
		return true, err
	}
	if !author.Local() {
		return true, drop("answer to a remote account's interaction")
	}
	return true, p.r.statuses.AnswerRemoteApproval(ctx, req, accept, authorizationOf(doc, actor))
}

// authorizationOf is the authorization an Accept grants: its result
// (GoToSocial 0.21 and agora send one); else, for older senders, agora's
// Accept id names it (acceptSuffix), or the Accept itself stands for it,
// as GoToSocial's older approvedBy did. It must be on the author's server.
func authorizationOf(doc *activitypub.Incoming, actor *domain.Account) string {
	if sameHost(doc.Result.ID, actor.URI) {
		return doc.Result.ID
	}
	auth := strings.TrimSuffix(doc.ID, acceptSuffix)
	if sameHost(auth, actor.URI) {
		return auth
	}
	return ""
}

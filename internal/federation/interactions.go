package federation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Interaction approvals over federation, as GoToSocial's "impolite" flow
// (docs/federation.md): an interaction that needs the author's approval
// is sent as usual (a Create of the reply, a Like, an Announce) to the
// author alone; the author's server answers with an Accept (object: the
// interaction's id, target: the post, result: an authorization served at
// /users/NAME/authorizations/ID) or a Reject. Once accepted, the
// interaction goes to its whole audience carrying the authorization
// (replyAuthorization, likeAuthorization, announceAuthorization, and the
// older approvedBy).

// interactionContext is the @context of the activities and objects here.
var interactionContext = []any{
	"https://www.w3.org/ns/activitystreams",
	activitypub.GoToSocialContext,
}

// interactionAnswer is the Accept or Reject of an interaction.
type interactionAnswer struct {
	Context any      `json:"@context,omitempty"`
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Actor   string   `json:"actor"`
	To      []string `json:"to"`
	Cc      []string `json:"cc,omitempty"`
	Object  string   `json:"object"`
	Target  string   `json:"target,omitempty"`
	Result  string   `json:"result,omitempty"`
}

// interactionAuthorization is GoToSocial's ReplyAuthorization,
// LikeAuthorization or AnnounceAuthorization.
type interactionAuthorization struct {
	Context           any    `json:"@context,omitempty"`
	ID                string `json:"id"`
	Type              string `json:"type"`
	AttributedTo      string `json:"attributedTo"`
	InteractingObject string `json:"interactingObject"`
	InteractionTarget string `json:"interactionTarget"`
}

// approvedNote is a reply's note carrying its authorization.
type approvedNote struct {
	*activitypub.PolicyNote
	ReplyAuthorization string `json:"replyAuthorization,omitempty"`
	ApprovedBy         string `json:"approvedBy,omitempty"`
}

// approvedActivity is a Like or Announce carrying its authorization.
type approvedActivity struct {
	*activitypub.Activity
	LikeAuthorization     string `json:"likeAuthorization,omitempty"`
	AnnounceAuthorization string `json:"announceAuthorization,omitempty"`
	ApprovedBy            string `json:"approvedBy,omitempty"`
}

var authorizationTypes = map[string]string{
	store.RequestReply: "ReplyAuthorization", store.RequestFavourite: "LikeAuthorization", store.RequestReblog: "AnnounceAuthorization",
}

// acceptSuffix ends the id of agora's Accept of an interaction: what
// precedes it is the authorization (the result), which a receiver that
// reads no result can still find.
const acceptSuffix = "#accept"

// registerInteractions adds the routes of interaction approvals.
func (h *Handler) registerInteractions(mux *http.ServeMux) {
	mux.HandleFunc("GET /users/{name}/authorizations/{id}", h.interactionAuthorization)
}

// interactionAuthorization serves the authorization of an accepted
// request, so that third servers can check an interaction's proof.
func (h *Handler) interactionAuthorization(w http.ResponseWriter, r *http.Request) {
	a := h.localAccount(w, r)
	if a == nil || !h.authorizedFetch(w, r, a) {
		return
	}
	ctx := r.Context()
	id, ok := domain.ParseID(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	req, err := h.Store.InteractionRequestByID(ctx, id)
	if err != nil || req.TargetAccountID != a.ID || req.AcceptedAt == nil {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	target, err := h.Store.Status(ctx, req.StatusID)
	if err != nil {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	interacting, err := h.interactionURI(ctx, req)
	if err != nil {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	writeAP(w, http.StatusOK, &interactionAuthorization{Context: interactionContext,
		ID: statuses.AuthorizationURI(h.Cfg.URL, a.Username, req.ID), Type: authorizationTypes[req.Kind],
		AttributedTo: h.actorURI(a), InteractingObject: interacting, InteractionTarget: h.statusURI(ctx, target)})
}

// interactionURI is the id of a request's interaction: the stored one, or
// the local reply's.
func (h *Handler) interactionURI(ctx context.Context, req *store.InteractionRequest) (string, error) {
	if req.URI != "" || req.Kind != store.RequestReply {
		return req.URI, nil
	}
	st, err := h.Store.Status(ctx, req.ReplyID)
	if err != nil {
		return "", err
	}
	return h.statusURI(ctx, st), nil
}

// FederateInteraction implements store.InteractionFederator: it renders
// what an event of req says and enqueues its deliveries in tx. It reads
// committed rows only (a reply's note is rendered once the reply is
// committed; see store.FederateInteraction).
func (h *Handler) FederateInteraction(ctx context.Context, tx *sql.Tx, req *store.InteractionRequest, event string) error {
	h.init()
	actor, err := h.Store.Account(ctx, req.AccountID)
	if err != nil {
		return err
	}
	author, err := h.Store.Account(ctx, req.TargetAccountID)
	if err != nil {
		return err
	}
	target, err := h.Store.Status(ctx, req.StatusID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil // gone: nothing to say
	}
	if err != nil {
		return err
	}
	targetURI := h.statusURI(ctx, target)
	switch event {
	case store.InteractionAccepted, store.InteractionRejected:
		if !author.Local() || actor.Local() {
			return nil
		}
		authorURI := h.actorURI(author)
		ans := &interactionAnswer{Context: interactionContext, Type: "Accept", Actor: authorURI, To: []string{actor.URI},
			Object: req.URI, Target: targetURI}
		var inboxes []string
		if event == store.InteractionAccepted {
			ans.Result = statuses.AuthorizationURI(h.Cfg.URL, author.Username, req.ID)
			ans.ID = ans.Result + acceptSuffix
			if req.Kind == store.RequestReply {
				// Third servers following the author learn that the reply
				// is approved (GoToSocial's Accept of an impolite reply).
				ans.Cc = []string{activitypub.Public, h.followersURI(author)}
				if inboxes, err = h.Store.DeliveryInboxes(ctx, author.ID, true, nil, true); err != nil {
					return err
				}
			}
		} else {
			ans.Type, ans.ID = "Reject", authorURI+"#rejects/interactions/"+req.ID.String()
		}
		return h.deliverTx(ctx, tx, author.ID, ans, appendInbox(inboxes, actor))
	case store.InteractionAsked:
		if !actor.Local() || author.Local() {
			return nil
		}
		act, err := h.interactionActivity(ctx, actor, req, targetURI, "")
		if err != nil || act == nil {
			return err
		}
		return h.deliverTx(ctx, tx, actor.ID, act, appendInbox(nil, author))
	case store.InteractionApproved:
		if !actor.Local() || author.Local() || req.Kind == store.RequestFavourite {
			return nil // a Like goes to the author alone, who has it
		}
		act, err := h.interactionActivity(ctx, actor, req, targetURI, req.AuthorizationURI)
		if err != nil || act == nil {
			return err
		}
		var to []domain.ID
		if req.Kind == store.RequestReply {
			ms, err := h.Store.MentionsOf(ctx, []domain.ID{req.ReplyID})
			if err != nil {
				return err
			}
			to = ms[req.ReplyID]
		}
		inboxes, err := h.Store.DeliveryInboxes(ctx, actor.ID, req.Visibility != domain.Direct, append(to, author.ID), true)
		if err != nil {
			return err
		}
		return h.deliverTx(ctx, tx, actor.ID, act, inboxes)
	}
	return fmt.Errorf("interaction event %q", event)
}

// interactionActivity renders a local account's interaction of a request
// (Create of the reply, Like, Announce) with its authorization when
// approved ("" while it is asked).
func (h *Handler) interactionActivity(ctx context.Context, actor *domain.Account, req *store.InteractionRequest, targetURI, auth string) (any, error) {
	actorURI := h.actorURI(actor)
	switch req.Kind {
	case store.RequestReply:
		st, err := h.Store.Status(ctx, req.ReplyID)
		if errors.Is(err, domain.ErrNotFound) {
			return nil, nil // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		shown := *st
		shown.Visibility = req.Visibility // still held while asked
		pn, err := h.statusPolicyNote(ctx, actor, &shown)
		if err != nil {
			return nil, err
		}
		c := activitypub.NewCreate(actorURI, pn.Note)
		c.Context, c.Object = activitypub.PolicyNoteContext(), &approvedNote{PolicyNote: pn, ReplyAuthorization: auth, ApprovedBy: auth}
		return c, nil
	case store.RequestFavourite:
		like := activitypub.NewLike(actorURI, targetURI, req.ID)
		return &approvedActivity{Activity: &activitypub.Activity{Context: interactionContext, ID: like.ID, Type: "Like",
			Actor: actorURI, To: []string{}, Cc: []string{}, Object: targetURI}, LikeAuthorization: auth, ApprovedBy: auth}, nil
	case store.RequestReblog:
		boost := &domain.Status{ID: req.ID, URI: req.URI, Visibility: req.Visibility, CreatedAt: req.CreatedAt}
		ann := activitypub.NewAnnounce(actorURI, h.followersURI(actor), boost, targetURI)
		ann.Context = interactionContext
		return &approvedActivity{Activity: ann, AnnounceAuthorization: auth, ApprovedBy: auth}, nil
	}
	return nil, fmt.Errorf("interaction kind %q", req.Kind)
}

// appendInbox adds an account's own inbox (an answer is aimed at it).
func appendInbox(inboxes []string, a *domain.Account) []string {
	inbox := a.InboxURL
	if inbox == "" {
		inbox = a.SharedInboxURL
	}
	for _, i := range inboxes {
		if i == inbox || i == a.SharedInboxURL {
			return inboxes
		}
	}
	if inbox == "" {
		return inboxes
	}
	return append(inboxes, inbox)
}

// deliverTx enqueues, in tx, the delivery of act signed by a local
// account to each inbox.
func (h *Handler) deliverTx(ctx context.Context, tx *sql.Tx, signer domain.ID, act any, inboxes []string) error {
	if len(inboxes) == 0 {
		return nil
	}
	body, err := json.Marshal(act)
	if err != nil {
		return err
	}
	params := make([]river.InsertManyParams, 0, len(inboxes))
	for _, inbox := range inboxes {
		params = append(params, river.InsertManyParams{Args: DeliverArgs{Inbox: inbox, ActorID: int64(signer), Body: string(body)},
			InsertOpts: &river.InsertOpts{MaxAttempts: DeliveryMaxAttempts}})
	}
	if _, err := h.Jobs.Client().InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("enqueue interaction deliveries: %w", err)
	}
	return nil
}

// requestEnvelope is an interaction request named by an Accept or Reject
// (GoToSocial's polite form): the interaction is its instrument.
type requestEnvelope struct {
	Type       string          `json:"type"`
	Instrument activitypub.Ref `json:"instrument"`
}

// answerInteraction handles an Accept or Reject of a reply, like or boost
// that needed the author's approval; handled is false when doc answers
// something else.
func (p *Processor) answerInteraction(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming, accept bool) (handled bool, err error) {
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
	h := p.r.h
	req, err := h.Store.InteractionRequestByURI(ctx, uri)
	if errors.Is(err, domain.ErrNotFound) {
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

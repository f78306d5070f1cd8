package federation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Interaction approvals over federation, as GoToSocial's interaction
// controls (docs/federation.md, "Interaction approvals"). A local
// interaction that needs a remote author's approval is sent politely: a
// LikeRequest, ReplyRequest or AnnounceRequest to the author alone, the
// interaction embedded as its instrument; the author's server answers
// with an Accept (result: an authorization) or a Reject naming the
// request (or, from servers that answer the impolite way, the
// interaction). Once accepted, the interaction goes to its whole audience
// carrying the authorization (replyAuthorization, likeAuthorization,
// announceAuthorization, and the older approvedBy). A local author's
// answers name what they answer: the polite request (with its instrument)
// when one came, else the interaction itself; authorizations are served
// at /users/NAME/authorizations/ID while the interaction lasts.

// interactionContext is the @context of the activities and objects here.
var interactionContext = activitypub.InteractionContext

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

// requestTypes are the polite requests of each kind.
var requestTypes = map[string]string{
	store.RequestReply: "ReplyRequest", store.RequestFavourite: "LikeRequest", store.RequestReblog: "AnnounceRequest",
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
	// An interaction undone or deleted takes its authorization with it.
	if live, err := h.Store.InteractionLive(ctx, req); err != nil {
		writeError(w, http.StatusServiceUnavailable, "Try again later")
		return
	} else if !live {
		writeError(w, http.StatusGone, "This authorization was withdrawn")
		return
	}
	interacting, err := h.interactionURI(ctx, req)
	if err != nil {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	writeAP(w, http.StatusOK, &activitypub.InteractionAuthorization{Context: interactionContext,
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
		return h.answerRequest(ctx, tx, req, event == store.InteractionAccepted, actor, author, targetURI)
	case store.InteractionAsked:
		if !actor.Local() || author.Local() {
			return nil
		}
		return h.askApproval(ctx, tx, req, actor, author, targetURI)
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

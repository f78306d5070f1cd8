package activitypub

import (
	"encoding/json"
	"strings"
)

// GoToSocial's interaction approvals (docs/federation.md, "Interaction
// approvals"): the polite requests (LikeRequest, ReplyRequest,
// AnnounceRequest), the Accept and Reject that answer them, the
// authorizations an Accept grants, and the properties by which an
// interaction carries its authorization.

// InteractionContext is the @context of these activities and objects.
var InteractionContext = []any{"https://www.w3.org/ns/activitystreams", GoToSocialContext}

// InteractionRequest is a LikeRequest, ReplyRequest or AnnounceRequest:
// Object is the post interacted with, Instrument the interaction itself
// (embedded when sent; its id when an answer names the request).
type InteractionRequest struct {
	Context    any    `json:"@context,omitempty"`
	ID         string `json:"id"`
	Type       string `json:"type"`
	Actor      string `json:"actor"`
	To         any    `json:"to,omitempty"`
	Object     string `json:"object"`
	Instrument any    `json:"instrument"`
}

// NewInteractionRequest is actor's request of type typ (LikeRequest,
// ReplyRequest, AnnounceRequest) to interact with object, addressed to
// its author alone, with the interaction embedded.
func NewInteractionRequest(id, typ, actor, author, object string, instrument any) *InteractionRequest {
	return &InteractionRequest{Context: InteractionContext, ID: id, Type: typ, Actor: actor, To: []string{author},
		Object: object, Instrument: instrument}
}

// InteractionAnswer is the Accept or Reject of an interaction. Object is
// the interaction's id (an impolite interaction) or the request answered
// (an *InteractionRequest naming its instrument by id).
type InteractionAnswer struct {
	Context any      `json:"@context,omitempty"`
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Actor   string   `json:"actor"`
	To      []string `json:"to"`
	Cc      []string `json:"cc,omitempty"`
	Object  any      `json:"object"`
	Target  string   `json:"target,omitempty"`
	Result  string   `json:"result,omitempty"`
}

// AnsweredRequest is the request an answer names: the requester's
// request with the instrument by id, as GoToSocial answers.
func AnsweredRequest(id, typ, requester, object, instrument string) *InteractionRequest {
	return &InteractionRequest{ID: id, Type: typ, Actor: requester, Object: object, Instrument: instrument}
}

// InteractionAuthorization is a ReplyAuthorization, LikeAuthorization or
// AnnounceAuthorization: AttributedTo (the post's author) lets
// InteractingObject (the reply, Like or Announce) interact with
// InteractionTarget (the post).
type InteractionAuthorization struct {
	Context           any    `json:"@context,omitempty"`
	ID                string `json:"id"`
	Type              string `json:"type"`
	AttributedTo      string `json:"attributedTo"`
	InteractingObject string `json:"interactingObject"`
	InteractionTarget string `json:"interactionTarget"`
}

// ReceivedAuthorization is an authorization dereferenced from another
// server: GoToSocial's (type ...Authorization), or the Accept older
// GoToSocial versions named in approvedBy (actor, object, target).
type ReceivedAuthorization struct {
	ID                string `json:"id"`
	Type              Type   `json:"type"`
	AttributedTo      Ref    `json:"attributedTo"`
	InteractingObject Ref    `json:"interactingObject"`
	InteractionTarget Ref    `json:"interactionTarget"`
	Actor             Ref    `json:"actor"`
	Object            Ref    `json:"object"`
	Target            Ref    `json:"target"`
}

// ParseAuthorization reads a dereferenced authorization; an Accept is
// read as the authorization it stands for.
func ParseAuthorization(b []byte) (*ReceivedAuthorization, error) {
	var a ReceivedAuthorization
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	if a.Type == "Accept" {
		a.AttributedTo, a.InteractingObject, a.InteractionTarget = a.Actor, a.Object, a.Target
	}
	return &a, nil
}

// Authorizes reports whether the authorization is of the kind typ
// (ReplyAuthorization, ...; an Accept from an older server stands for any).
func (a *ReceivedAuthorization) Authorizes(typ string) bool {
	return string(a.Type) == typ || a.Type == "Accept"
}

// Authorizations are the authorizations an interaction claims: the
// current properties and GoToSocial's older approvedBy.
type Authorizations struct {
	Reply      Ref `json:"replyAuthorization"`
	Like       Ref `json:"likeAuthorization"`
	Announce   Ref `json:"announceAuthorization"`
	ApprovedBy Ref `json:"approvedBy"`
}

// ParseAuthorizations reads them from a note or activity's JSON (nothing
// from malformed JSON).
func ParseAuthorizations(b []byte) Authorizations {
	var a Authorizations
	if len(b) > 0 {
		_ = json.Unmarshal(b, &a)
	}
	return a
}

// For returns the authorization claimed for an interaction of type typ
// (ReplyAuthorization, LikeAuthorization, AnnounceAuthorization), else
// approvedBy.
func (a Authorizations) For(typ string) string {
	var id string
	switch typ {
	case "ReplyAuthorization":
		id = a.Reply.ID
	case "LikeAuthorization":
		id = a.Like.ID
	case "AnnounceAuthorization":
		id = a.Announce.ID
	}
	if id == "" {
		id = a.ApprovedBy.ID
	}
	return strings.TrimSpace(id)
}

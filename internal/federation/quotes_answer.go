package federation

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// The quoting side of FEP-044f: the answer to a local quote's QuoteRequest
// (an Accept whose result is a QuoteAuthorization, or a Reject), and the
// Delete of that authorization when the quoted author detaches their post.

// answerQuote handles an Accept or Reject of a QuoteRequest this server
// sent; handled is false when doc answers something else. An Accept
// counts only with a QuoteAuthorization fetched from the quoted author's
// server that names our quote and their post (verifyAuthorization).
func (p *Processor) answerQuote(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming, accept bool) (handled bool, err error) {
	noteURI, ok := strings.CutSuffix(doc.Object.ID, quoteRequestSuffix)
	if !ok {
		return false, nil
	}
	quoting, ok := p.localStatus(ctx, noteURI)
	if !ok {
		return true, drop("answer to the QuoteRequest of an unknown post %s", noteURI)
	}
	quotes, err := p.r.h.Store.QuotesOf(ctx, []domain.ID{quoting.ID})
	if err != nil {
		return true, err
	}
	q := quotes[quoting.ID]
	if q == nil || q.QuotedAccountID != actor.ID {
		return true, drop("answer to a QuoteRequest from %s, who is not the quoted author", actor.URI)
	}
	if !accept {
		return true, p.r.h.Store.AnswerLocalQuote(ctx, quoting.ID, actor.ID, false, "")
	}
	auth, err := p.answerResult(doc)
	if err != nil {
		return true, err
	}
	quoted, err := p.r.h.Store.Status(ctx, q.QuotedStatusID)
	if domain.KindOf(err) == domain.KindNotFound {
		return true, drop("Accept of a quote of a deleted post")
	}
	if err != nil {
		return true, err
	}
	if err := p.verifyAuthorization(ctx, auth, actor, p.r.h.statusURI(ctx, quoting), quoted.URI); err != nil {
		return true, err
	}
	return true, p.r.h.Store.AnswerLocalQuote(ctx, quoting.ID, actor.ID, true, auth)
}

// answerResult is the result (the QuoteAuthorization's id) of an Accept.
func (p *Processor) answerResult(doc *activitypub.Incoming) (string, error) {
	if doc.ID == "" {
		return "", drop("Accept of a QuoteRequest without an id")
	}
	if hostOf(doc.Result.ID) == "" {
		return "", drop("Accept of a QuoteRequest without a QuoteAuthorization")
	}
	return doc.Result.ID, nil
}

// quoteAuthorizationDoc is a received QuoteAuthorization.
type quoteAuthorizationDoc struct {
	ID                string           `json:"id"`
	Type              activitypub.Type `json:"type"`
	AttributedTo      activitypub.Ref  `json:"attributedTo"`
	InteractingObject activitypub.Ref  `json:"interactingObject"`
	InteractionTarget activitypub.Ref  `json:"interactionTarget"`
}

// verifyAuthorization fetches the QuoteAuthorization uri from its origin
// and checks it as Mastodon does: on the quoted author's server, by them,
// for our quote (quotingURI) of their post (quotedURI). Anything else is a
// forgery or a mistake, dropped; a failed fetch is retried.
func (p *Processor) verifyAuthorization(ctx context.Context, uri string, quotedAuthor *domain.Account, quotingURI, quotedURI string) error {
	if hostOf(uri) == "" || hostOf(uri) != hostOf(quotedAuthor.URI) {
		return drop("QuoteAuthorization %s is not on the quoted author's server", uri)
	}
	if p.r.isLocal(uri) {
		return drop("QuoteAuthorization %s claims to be local", uri)
	}
	if err := p.r.fetchable(ctx, uri); err != nil {
		return err
	}
	body, err := p.r.h.SignedGet(ctx, uri, maxObjectDocument)
	if err != nil {
		return err
	}
	var a quoteAuthorizationDoc
	if err := json.Unmarshal(body, &a); err != nil {
		return drop("QuoteAuthorization %s: %v", uri, err)
	}
	switch {
	case a.ID != uri || a.Type != "QuoteAuthorization":
		return drop("%s is not the QuoteAuthorization it claims to be", uri)
	case a.AttributedTo.ID != quotedAuthor.URI:
		return drop("QuoteAuthorization %s is not by the quoted author", uri)
	case a.InteractingObject.ID != quotingURI || a.InteractionTarget.ID != quotedURI:
		return drop("QuoteAuthorization %s is for another quote", uri)
	}
	return nil
}

// deleteQuoteAuthorization applies the Delete of a QuoteAuthorization (the
// quoted author detached their post from a local quote, FEP-044f): the
// quote is revoked and no longer shows the quoted post. A Delete of
// anything else does nothing here. process.go's delete calls it for
// objects it does not know.
func (p *Processor) deleteQuoteAuthorization(ctx context.Context, doc *activitypub.Incoming) error {
	uri := doc.Object.ID
	if hostOf(uri) == "" || hostOf(uri) != hostOf(doc.Actor.ID) {
		return nil
	}
	actor, err := p.r.h.Store.AccountByURI(ctx, doc.Actor.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = p.r.h.Store.RevokeQuoteAuthorization(ctx, uri, actor.ID)
	return err
}

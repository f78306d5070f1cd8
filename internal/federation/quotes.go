package federation

import (
	"context"
	"html"
	"net/http"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Quote posts over federation (FEP-044f), outgoing side: a local quote's
// note names the quoted post (quote, and the older quoteUri and
// _misskey_quote) with the quoted author's QuoteAuthorization, served at
// QUOTED/quotes/QUOTING while the quote stays accepted; every note
// carries its canQuote policy. Incoming side: a QuoteRequest of a local
// post is answered per its policy (quoteRequest).

// quotesOf loads the quotes statuses ids make and the statuses their
// accepted ones quote.
func (h *Handler) quotesOf(ctx context.Context, ids []domain.ID) (map[domain.ID]*store.Quote, map[domain.ID]*domain.Status, error) {
	quotes, err := h.Store.QuotesOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var quotedIDs []domain.ID
	for _, q := range quotes {
		if q.State == store.QuoteAccepted {
			quotedIDs = append(quotedIDs, q.QuotedStatusID)
		}
	}
	quoted := map[domain.ID]*domain.Status{}
	if len(quotedIDs) > 0 {
		if quoted, err = h.Store.Statuses(ctx, quotedIDs); err != nil {
			return nil, nil, err
		}
	}
	return quotes, quoted, nil
}

// quotePolicyValues is a status's quote policy as interaction policy
// values (the author may always quote).
func quotePolicyValues(st *domain.Status) []string {
	switch statuses.QuotePolicyOf(st) {
	case domain.QuotePublic:
		return []string{store.PolicyPublic}
	case domain.QuoteFollowers:
		return []string{store.PolicyAuthor, store.PolicyFollowers}
	}
	return []string{store.PolicyAuthor}
}

// addQuote adds to a local status's note the post it quotes, when the
// quote is accepted and the quoted post still exists, with the inline
// "RE:" link servers without quotes show (as Mastodon's).
func (h *Handler) addQuote(ctx context.Context, pn *activitypub.PolicyNote, st *domain.Status, q *store.Quote, quoted map[domain.ID]*domain.Status) {
	if q == nil || q.State != store.QuoteAccepted {
		return
	}
	qs := quoted[q.QuotedStatusID]
	if qs == nil {
		return
	}
	uri := h.statusURI(ctx, qs)
	if uri == "" {
		return
	}
	pn.Quote, pn.QuoteURI, pn.MisskeyQuote = uri, uri, uri
	if qs.Local {
		pn.QuoteAuthorization = uri + "/quotes/" + st.ID.String()
	}
	link := qs.URL
	if link == "" {
		link = uri
	}
	inline := `<p class="quote-inline">RE: <a href="` + html.EscapeString(link) + `">` + html.EscapeString(link) + `</a></p>`
	pn.Content += inline
	for lang, c := range pn.ContentMap {
		pn.ContentMap[lang] = c + inline
	}
}

// quoteAuthorization serves GET /users/{name}/statuses/{id}/quotes/{quoting}:
// the QuoteAuthorization of an accepted quote of a local public or
// unlisted post; gone once revoked (the quoting server checks it).
func (h *Handler) quoteAuthorization(w http.ResponseWriter, r *http.Request) {
	id, ok1 := domain.ParseID(r.PathValue("id"))
	quoting, ok2 := domain.ParseID(r.PathValue("quoting"))
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	notFound := func() { writeError(w, http.StatusNotFound, "Record not found") }
	if !ok1 || !ok2 {
		notFound()
		return
	}
	ctx := r.Context()
	st, err := h.Store.Status(ctx, id)
	if err != nil || st.AccountID != a.ID || !statuses.Quotable(st) {
		notFound()
		return
	}
	quotes, err := h.Store.QuotesOf(ctx, []domain.ID{quoting})
	if err != nil {
		h.Log.Error("load quote", "id", quoting, "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return
	}
	q := quotes[quoting]
	if q == nil || q.QuotedStatusID != id || q.State != store.QuoteAccepted {
		notFound()
		return
	}
	quotingStatus, err := h.Store.Status(ctx, quoting)
	if err != nil {
		notFound()
		return
	}
	uri := h.statusURI(ctx, st)
	writeAP(w, http.StatusOK, &activitypub.QuoteAuthorization{Context: activitypub.QuoteAuthorizationContext,
		ID: uri + "/quotes/" + quoting.String(), Type: "QuoteAuthorization", AttributedTo: h.actorURI(a),
		InteractingObject: h.statusURI(ctx, quotingStatus), InteractionTarget: uri})
}

// quoteRequest answers a remote actor's QuoteRequest of a local post
// (object) by its own post (instrument, fetched when not known): Accept
// with a QuoteAuthorization when the post's quote policy lets the actor
// quote it and the actor may see it, Reject otherwise.
func (p *Processor) quoteRequest(ctx context.Context, doc *activitypub.Incoming) error {
	if hostOf(doc.ID) == "" {
		return drop("QuoteRequest without an id")
	}
	actor, err := p.r.account(ctx, doc.Actor.ID)
	if err != nil {
		return err
	}
	quoted, ok := p.localStatus(ctx, doc.Object.ID)
	if !ok {
		return drop("QuoteRequest of %q, not a local post", doc.Object.ID)
	}
	if hostOf(doc.Instrument.ID) != hostOf(actor.URI) {
		return drop("QuoteRequest for a post %q not on the actor's server", doc.Instrument.ID)
	}
	quoting, err := p.r.status(ctx, doc.Instrument.ID, 0)
	if err != nil {
		return err
	}
	if quoting.AccountID != actor.ID {
		return drop("QuoteRequest for a post of another actor")
	}
	rel, err := p.r.h.Store.ViewerRelations(ctx, actor.ID, []domain.ID{quoted.AccountID}, []domain.ID{quoted.ID})
	if err != nil {
		return err
	}
	accept := statuses.Visible(quoted, actor.ID, rel) &&
		statuses.QuoteDecision(quoted, actor.ID, rel.Following[quoted.AccountID], rel.Blocked[quoted.AccountID]) == "automatic"
	return p.r.h.Store.AnswerRemoteQuote(ctx, quoting, quoted, doc.ID, accept)
}

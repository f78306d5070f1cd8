package federation

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Quote posts over federation (FEP-044f), outgoing side: a local quote's
// note names the quoted post (quote, and the older quoteUri and
// _misskey_quote) with the quoted author's QuoteAuthorization: for a
// local post, served at QUOTED/quotes/QUOTING while the quote stays
// accepted; for a remote post, the one its server issued in its Accept
// (quotes_answer.go). A quote of a remote post asks with a QuoteRequest
// and is named while pending too, so that the quoted server can check the
// request. Every note carries its canQuote policy. Incoming side: a
// QuoteRequest of a local post is answered per its policy (quoteRequest);
// a remote note's canQuote is kept and its quote of a local post recorded
// (keepQuote).

// quotesOf loads the quotes statuses ids make and the statuses their
// accepted and pending ones quote.
func (h *Handler) quotesOf(ctx context.Context, ids []domain.ID) (map[domain.ID]*store.Quote, map[domain.ID]*domain.Status, error) {
	quotes, err := h.Store.QuotesOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var quotedIDs []domain.ID
	for _, q := range quotes {
		if q.State == store.QuoteAccepted || q.State == store.QuotePending {
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
// quote is accepted (or, for a remote post, pending its answer) and the
// quoted post still exists, with the inline "RE:" link servers without
// quotes show (as Mastodon's), and the authorization once there is one.
func (h *Handler) addQuote(ctx context.Context, pn *activitypub.PolicyNote, st *domain.Status, q *store.Quote, quoted map[domain.ID]*domain.Status) {
	if q == nil {
		return
	}
	qs := quoted[q.QuotedStatusID]
	if qs == nil || !(q.State == store.QuoteAccepted || (q.State == store.QuotePending && !qs.Local)) {
		return
	}
	uri := h.statusURI(ctx, qs)
	if uri == "" {
		return
	}
	pn.Quote, pn.QuoteURI, pn.MisskeyQuote = uri, uri, uri
	switch {
	case q.State != store.QuoteAccepted:
	case qs.Local:
		pn.QuoteAuthorization = uri + "/quotes/" + st.ID.String()
	default:
		pn.QuoteAuthorization = q.AuthorizationURI
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

// quoteRequestSuffix makes the id of a local quote's QuoteRequest from its
// note's: answers name it, and it leads back to the quote.
const quoteRequestSuffix = "#quote-request"

// quoteRequestContext is the @context of a QuoteRequest: the embedded
// note's terms and the activity's.
func quoteRequestContext() []any {
	return append(activitypub.PolicyNoteContext(), map[string]string{"QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest"})
}

// quoteRequestActivity is FEP-044f's QuoteRequest: actor asks the author
// of object (the quoted post) to let instrument (the quote, embedded)
// quote it.
type quoteRequestActivity struct {
	Context    any      `json:"@context"`
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	Actor      string   `json:"actor"`
	To         []string `json:"to"`
	Object     string   `json:"object"`
	Instrument any      `json:"instrument"`
}

// renderQuoteRequest renders the QuoteRequest of actor's quote quoting,
// addressed to target (the quoted author). ErrNotFound when the quote or
// the quoted post is gone.
func (h *Handler) renderQuoteRequest(ctx context.Context, actor, target *domain.Account, quoting domain.ID) (any, error) {
	st, err := h.Store.Status(ctx, quoting)
	if err != nil {
		return nil, err
	}
	quotes, err := h.Store.QuotesOf(ctx, []domain.ID{quoting})
	if err != nil {
		return nil, err
	}
	q := quotes[quoting]
	if q == nil || q.QuotedAccountID != target.ID {
		return nil, domain.NotFound()
	}
	quoted, err := h.Store.Status(ctx, q.QuotedStatusID)
	if err != nil {
		return nil, err
	}
	note, err := h.statusPolicyNote(ctx, actor, st)
	if err != nil {
		return nil, err
	}
	return &quoteRequestActivity{Context: quoteRequestContext(), ID: h.statusURI(ctx, st) + quoteRequestSuffix, Type: "QuoteRequest",
		Actor: h.actorURI(actor), To: []string{target.URI}, Object: h.statusURI(ctx, quoted), Instrument: note}, nil
}

// remoteQuotePolicy reads a note's canQuote as Mastodon does: Public, the
// author's followers and following collections; the author itself is
// left out (one may always quote oneself); any other actor makes the
// policy one agora cannot evaluate. No canQuote lets nobody quote.
func remoteQuotePolicy(doc *activitypub.Incoming, author *domain.Account) statuses.RemoteQuotePolicy {
	var p statuses.RemoteQuotePolicy
	var raw struct {
		CanQuote *activitypub.IncomingRule `json:"canQuote"`
	}
	if len(doc.RawPolicy) == 0 || doc.RawPolicy[0] != '{' || json.Unmarshal(doc.RawPolicy, &raw) != nil || raw.CanQuote == nil {
		return p
	}
	values := func(uris []string) []string {
		var out []string
		add := func(v string) {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		for _, u := range uris {
			switch {
			case isPublic(u):
				add(statuses.QuoteByPublic)
			case author.FollowersURL != "" && u == author.FollowersURL:
				add(statuses.QuoteByFollowers)
			case u == strings.TrimSuffix(author.URI, "/")+"/following":
				add(statuses.QuoteByFollowing)
			case u == author.URI:
			default:
				add(statuses.QuoteByUnsupported)
			}
		}
		return out
	}
	p.Automatic, p.Manual = values(raw.CanQuote.Automatic()), values(raw.CanQuote.Manual())
	return p
}

// keepQuote records what a stored remote note of author says about
// quotes: its canQuote (who may quote it from here); its quote of a
// local post, pending until this server answers its QuoteRequest (only
// that answer makes such a quote accepted, so a quoteAuthorization the
// note claims counts only when this server issued it and still holds
// it); its quote of a remote post, accepted when that post's author
// consents (remoteQuote).
func (r *resolver) keepQuote(ctx context.Context, doc *activitypub.Incoming, author *domain.Account, st *domain.Status) error {
	if p := remoteQuotePolicy(doc, author).String(); p != st.QuotePolicy {
		if err := r.h.Store.SetQuotePolicy(ctx, st.ID, p); err != nil {
			return err
		}
		st.QuotePolicy = p
	}
	uri := doc.QuotedURI()
	if uri == "" {
		return r.dropQuoteLink(ctx, doc, st)
	}
	if !r.isLocal(uri) {
		return r.remoteQuote(ctx, doc, author, st, uri) // quotes_remote.go
	}
	quoted, ok := (&Processor{r: r}).localStatus(ctx, uri)
	if !ok || !statuses.Quotable(quoted) {
		return nil
	}
	return r.h.Store.RecordRemoteQuote(ctx, st, quoted)
}

// quoteInline matches the RE: paragraph of a quote (process_notes.go adds
// it, sanitize.go keeps its class).
var quoteInline = regexp.MustCompile(`<p class="quote-inline">.*?</p>`)

// dropQuoteLink removes the RE: link of a stored remote quote whose note
// now names no quote and shows no RE: link: its author's server sends
// such an Update, without "updated" (no edit), when the quoted author
// detached the quote.
func (r *resolver) dropQuoteLink(ctx context.Context, doc *activitypub.Incoming, st *domain.Status) error {
	if st.Local || !strings.Contains(st.Content, `class="quote-inline"`) {
		return nil
	}
	if body, _ := doc.Text(); strings.Contains(body, `class="quote-inline"`) {
		return nil
	}
	content := quoteInline.ReplaceAllString(st.Content, "")
	if err := r.h.Store.DropRemoteQuoteLink(ctx, st, content); err != nil {
		return err
	}
	st.Content = content
	return nil
}

package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// quoteChoices are the forms' choices of who may quote a post, as
// Mastodon's quote_approval_policy.
var quoteChoices = []string{domain.QuotePublic, domain.QuoteFollowers, domain.QuoteNobody}

// quoteView is the quote a status makes: the quoted post in short, or
// only the sentence of its state (revoked, deleted, pending, not visible).
type quoteView struct {
	State  string
	Status *statusView // nil unless accepted and visible to the viewer
}

// quoteViewOf describes st's quote for the viewer from a loaded bundle
// (the visibility rule was applied by Load); nil when st quotes nothing.
func (h *Handler) quoteViewOf(b *statuses.Bundle, st *domain.Status, emojis emojiSet) *quoteView {
	quoted, state := b.QuotedStatus(st)
	if state == "" {
		return nil
	}
	if quoted == nil {
		return &quoteView{State: state}
	}
	author := b.Accounts[quoted.AccountID]
	if author == nil {
		return &quoteView{State: "unauthorized"}
	}
	v := &statusView{
		ID: quoted.ID.String(), Path: profilePath(author) + "/" + quoted.ID.String(), Account: h.accountViewWith(author, emojis),
		Content:     h.emojifyHTML(template.HTML(quoted.Content), author.Domain, emojis),
		SpoilerText: quoted.SpoilerText, Visibility: quoted.Visibility,
		Language: quoted.Language, CreatedAt: quoted.CreatedAt, ISO: isoTime(quoted.CreatedAt),
	}
	if quoted.SpoilerText != "" {
		v.spoilerHTML = h.emojifyText(quoted.SpoilerText, author.Domain, emojis)
	}
	return &quoteView{State: state, Status: v}
}

// quoteBox is what the status page offers about quoting its status: a
// link to quote it, for the author the form to change who may, and for
// the author of a post it quotes the button to detach it.
type quoteBox struct {
	Policy   string // public | followers | nobody; "" for a post that cannot be quoted
	Author   string
	CanQuote bool
	CanEdit  bool
	StatusID string
	// DetachFrom is the viewer's own post this status quotes ("" : none).
	DetachFrom string
}

// quoteBoxOf applies the service's rule (statuses.QuoteDecision) for
// the viewer.
func (h *Handler) quoteBoxOf(ctx context.Context, q *request, st *domain.Status, author string) (*quoteBox, error) {
	b := &quoteBox{Author: author, StatusID: st.ID.String()}
	if statuses.Quotable(st) && st.Local {
		b.Policy = statuses.QuotePolicyOf(st) // others cannot be quoted at all: nothing to say
	}
	if q.acct == nil {
		return b, nil
	}
	rel, err := h.Store.ViewerRelations(ctx, q.acct.ID, []domain.ID{st.AccountID}, nil)
	if err != nil {
		return nil, err
	}
	// A remote author may still approve (manual) or judge a policy agora
	// cannot read (unknown): the quote then waits for their answer.
	switch statuses.QuoteDecision(st, q.acct.ID, rel.Following[st.AccountID], rel.Blocked[st.AccountID]) {
	case "automatic", "manual", "unknown":
		b.CanQuote = true
	}
	b.CanEdit = st.AccountID == q.acct.ID && statuses.Quotable(st)
	quotes, err := h.Store.QuotesOf(ctx, []domain.ID{st.ID})
	if err != nil {
		return nil, err
	}
	if qt := quotes[st.ID]; qt != nil && qt.State == store.QuoteAccepted && qt.QuotedAccountID == q.acct.ID {
		b.DetachFrom = qt.QuotedStatusID.String()
	}
	return b, nil
}

// quotePage is GET /web/statuses/{id}/quote: the compose form with the
// post to quote under it, for a viewer its author lets quote it.
func (h *Handler) quotePage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.quoteCompose(q, id, nil, http.StatusOK)
}

// quoteCompose renders the quote form of id (form: sent back with an
// error, or nil for a fresh one).
func (h *Handler) quoteCompose(q *request, id domain.ID, form *composeForm, status int) {
	sts, err := h.loadStatuses(q.r.Context(), q.viewer(), []domain.ID{id}, "")
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if len(sts) == 0 || sts[0].BoostedBy != nil {
		h.fail(q.w, q.r, domain.NotFound())
		return
	}
	quoted := sts[0]
	if form == nil {
		form = h.newCompose(q, nil)
	}
	form.QuotedStatus, form.QuotePolicies = quoted.ID, true
	form.Heading = q.v.Tr("qt_heading", quoted.Account.Acct)
	// The form goes home once posted, where the new quote shows.
	q.v.Title, q.v.Path = form.Heading, "/"
	q.v.Data = &timelineData{Heading: form.Heading, Compose: form, Statuses: sts}
	h.render(q, status, "timeline")
}

// quotedID reads the compose form's quoted_status_id (0 : none).
func quotedID(v string) (domain.ID, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Invalid("quoted_status_id: not an id")
	}
	return domain.ID(id), nil
}

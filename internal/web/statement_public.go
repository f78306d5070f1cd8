package web

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// publicStatementData is the public page of a statement of reasons
// addressed to an account on another server (docs/moderation.md): opened
// by the unguessable link of the direct message it received, without an
// account; the appeal asks for an e-mail address to answer to.
type publicStatementData struct {
	D          *store.Decision
	Text       []string
	Appeals    []*store.Appeal
	CanAppeal  bool
	Closed     string // why no appeal can be sent, when CanAppeal is false
	MaxAppeal  int
	AppealText string
	Email      string
	Error      string
	Action     string // the form's address (with the token)
}

// registerPublicStatements adds the public statement pages.
func (h *Handler) registerPublicStatements(mux *http.ServeMux) {
	mux.HandleFunc("GET "+moderation.PublicStatementPath+"{token}", h.publicStatementPage)
	mux.HandleFunc("POST "+moderation.PublicStatementPath+"{token}/appeal", h.postPublicAppeal)
}

func (h *Handler) publicStatementPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	h.showPublicStatement(q, http.StatusOK, &publicStatementData{})
}

func (h *Handler) showPublicStatement(q *request, status int, data *publicStatementData) {
	// The token is a credential: keep it out of search engines and of the
	// Referer sent to the sites the page links to.
	q.w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	q.w.Header().Set("Referrer-Policy", "no-referrer")
	ctx := q.r.Context()
	token := q.r.PathValue("token")
	d, err := h.mod().PublicStatement(ctx, token)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	rules, err := h.Store.Rules(ctx)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	appeals, err := h.mod().AppealsOf(ctx, d.ID)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	data.D, data.Appeals, data.MaxAppeal = d, appeals, moderation.MaxAppealLen
	data.Text = strings.Split(moderation.RemoteStatementText(d, rules), "\n\n")
	data.Action = moderation.PublicStatementPath + token + "/appeal"
	data.CanAppeal = true
	for _, a := range appeals {
		if a.State == "pending" {
			data.CanAppeal, data.Closed = false, q.v.Tr("pstatement_pending")
		}
	}
	if err := moderation.AppealOpen(d, h.Store.Now()); err != nil && data.CanAppeal {
		data.CanAppeal, data.Closed = false, errorMessage(err)
	}
	q.v.Title, q.v.Data = q.v.Tr("statement_title"), data
	h.render(q, status, "statement_public")
}

func (h *Handler) postPublicAppeal(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, false)
	if q == nil {
		return
	}
	token, text, email := r.PathValue("token"), r.PostForm.Get("text"), r.PostForm.Get("email")
	if _, err := h.mod().PublicAppeal(r.Context(), token, text, email); err != nil {
		if domain.KindOf(err) == domain.KindInvalid {
			h.showPublicStatement(q, http.StatusUnprocessableEntity, &publicStatementData{AppealText: text, Email: email, Error: errorMessage(err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = moderation.PublicStatementPath + token
	h.done(q, "flash_pstatement_appeal_sent", map[string]string{"ok": "1"})
}

package web

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// appealRow is one pending appeal in /admin/appeals.
type appealRow struct {
	A        *store.Appeal
	D        *store.Decision
	Target   *domain.Account
	By       *domain.Account // who appealed: the affected account or a notifier
	Date     string
	OwnCall  bool // the viewer took the decision: another moderator must decide
	Notifier bool // appealed by the notifier, not the affected account
}

// appealsPage is GET /admin/appeals: the pending appeals, oldest first.
func (h *Handler) appealsPage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	ctx := r.Context()
	as, err := h.mod().Appeals(ctx, q.user, "pending")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([]*appealRow, 0, len(as))
	var ids []domain.ID
	for _, a := range as {
		d, err := h.Store.Decision(ctx, a.DecisionID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		rows = append(rows, &appealRow{A: a, D: d, Date: q.v.Date(a.CreatedAt), OwnCall: d.DecidedBy == q.acct.ID,
			Notifier: a.AccountID != d.TargetAccountID})
		ids = append(ids, d.TargetAccountID, a.AccountID)
	}
	accts, err := h.Store.Accounts(ctx, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, x := range rows {
		x.Target, x.By = accts[x.D.TargetAccountID], accts[x.A.AccountID]
	}
	q.v.Title, q.v.Sub, q.v.Data = q.v.Tr("mod_appeals_title"), "appeals", rows
	h.renderMod(q, http.StatusOK, "moderation_appeals")
}

// appealData is an appeal page: the decision and its statement, the
// appeal, and the form to decide it.
type appealData struct {
	appealRow
	Statement []string
	Decider   *domain.Account
	Response  string
	Error     string
	MaxResp   int
}

func (h *Handler) appealPage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	h.showAppeal(q, http.StatusOK, "", "")
}

func (h *Handler) showAppeal(q *request, status int, response, errMsg string) {
	ctx := q.r.Context()
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	a, err := h.Store.Appeal(ctx, id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d, err := h.mod().Statement(ctx, q.user, a.DecisionID)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	rules, err := h.Store.Rules(ctx)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	accts, err := h.Store.Accounts(ctx, []domain.ID{d.TargetAccountID, a.AccountID, d.DecidedBy})
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	data := &appealData{appealRow: appealRow{A: a, D: d, Target: accts[d.TargetAccountID], By: accts[a.AccountID],
		Date: q.v.Date(a.CreatedAt), OwnCall: d.DecidedBy == q.acct.ID, Notifier: a.AccountID != d.TargetAccountID},
		Statement: strings.Split(moderation.StatementText(d, rules), "\n\n"), Decider: accts[d.DecidedBy],
		Response: response, Error: errMsg, MaxResp: moderation.MaxResponseLen}
	q.v.Title, q.v.Sub, q.v.Data = q.v.Tr("mod_appeal_title", a.ID.String()), "appeals", data
	h.renderMod(q, status, "moderation_appeal")
}

// postAppealDecision is POST /admin/appeals/{id} {do: approve|reject,
// response}. The service refuses the moderator who took the decision (four
// eyes); the page says so.
func (h *Handler) postAppealDecision(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	do, response := r.PostForm.Get("do"), r.PostForm.Get("response")
	if do != "approve" && do != "reject" {
		h.showAppeal(q, http.StatusUnprocessableEntity, response, q.v.Tr("mod_err_unknown_action"))
		return
	}
	a, err := h.mod().DecideAppeal(r.Context(), q.user, id, do == "approve", response)
	if err != nil {
		if st := formStatus(err); st != 0 {
			h.showAppeal(q, st, response, h.modError(q, err))
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/admin/appeals"
	h.done(q, "flash_mod_appeal_"+a.State, map[string]string{"state": a.State})
}

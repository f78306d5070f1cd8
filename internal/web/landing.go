package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"

	"github.com/agora-social/agora/internal/store"
)

// landingData is what the landing page shows a visitor.
type landingData struct {
	Rules    []store.Rule
	Open     bool
	Users    string
	Contact  string
	Statuses []*statusView
}

// landing is / for visitors: what this server is, its rules, how to join,
// and its latest public posts.
func (h *Handler) landing(q *request) {
	ctx := q.r.Context()
	rules, err := h.Store.Rules(ctx)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	users, err := h.Store.CountLocalAccounts(ctx)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	items, err := h.statuses.Public(ctx, 0, store.PublicFilter{Local: true}, domain.Page{Limit: PageSize})
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	sts, err := h.loadStatuses(ctx, 0, store.IDsOf(items), "")
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	reg := h.Cfg.Registrations
	q.v.Title, q.v.Nav = h.Cfg.InstanceTitle, "landing"
	q.v.Data = &landingData{Rules: rules, Open: reg == "open" || reg == "approval", Users: formatNumber(q.v.Lang, users),
		Contact: h.Cfg.ContactEmail, Statuses: sts}
	h.render(q, http.StatusOK, "landing")
}

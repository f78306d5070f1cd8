package web

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/store"
)

// A suspended account's browser may still read its statements of reasons
// and appeal them (DSA Art. 20), download its data (the export page; not
// the import), change its password and log out (the log out form belongs
// to the OAuth pages); nothing else, as with its API tokens (see
// mastodon.suspendedMayUse).
func suspendedMayUse(r *http.Request) bool {
	p := r.URL.Path
	return p == "/statements" || strings.HasPrefix(p, "/statements/") || strings.HasPrefix(p, "/auth/password") ||
		p == "/settings/export" || strings.HasPrefix(p, "/settings/export/")
}

// refuseSuspended answers a suspended viewer's request for anything else:
// the home page goes to the statements, the rest is refused with them.
func (h *Handler) refuseSuspended(q *request) {
	if q.r.Method == http.MethodGet && q.r.URL.Path == "/" {
		http.Redirect(q.w, q.r, "/statements", http.StatusSeeOther)
		return
	}
	if wantsJSON(q.r) {
		writeJSON(q.w, http.StatusForbidden, map[string]string{"error": q.v.Tr("suspended_notice")})
		return
	}
	h.renderStatements(q, http.StatusForbidden)
}

// statementsData is the list of the decisions about the viewer's account.
type statementsData struct {
	Decisions []statementRow
}

type statementRow struct {
	ID, Action, Date string
	Overruled        bool
}

// statementsPage is GET /statements: the statements of reasons addressed
// to the viewer, newest first, each linking to its page and appeal form.
func (h *Handler) statementsPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	h.renderStatements(q, http.StatusOK)
}

func (h *Handler) renderStatements(q *request, status int) {
	ds, err := h.mod().Statements(q.r.Context(), q.acct.ID)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d := &statementsData{}
	for _, x := range newestFirst(ds) {
		d.Decisions = append(d.Decisions, statementRow{ID: x.ID.String(), Action: q.v.Tr("decision_is_" + x.Action),
			Date: q.v.Date(x.DecidedAt), Overruled: x.OverruledAt != nil})
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("statements_title"), "settings", "statements", d, "/statements"
	h.render(q, status, "statements")
}

// newestFirst orders decisions by decision time, newest first.
func newestFirst(ds []*store.Decision) []*store.Decision {
	out := append([]*store.Decision(nil), ds...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].DecidedAt.After(out[j-1].DecidedAt); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

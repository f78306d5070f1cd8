package web

import (
	"net/http"
	"net/url"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// QueuePageSize is how many reports one page of /admin/reports lists.
const QueuePageSize = 50

// queueRow is one report in the queue page.
type queueRow struct {
	R        *store.Report
	Target   *domain.Account
	Assigned *domain.Account // nil when nobody took it
}

// queueData is the queue page: its filter, its rows and the next page.
type queueData struct {
	State  string // "" (open and escalated), open, escalated, resolved
	Mine   bool   // only the reports assigned to the viewer
	States []string
	Rows   []queueRow
	Next   string
}

// moderator begins a moderators-only page: a signed-out visitor is sent to
// sign in, anyone else without the role gets 403.
func (h *Handler) moderator(w http.ResponseWriter, r *http.Request) *request {
	q := h.begin(w, r)
	if q == nil {
		return nil
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return nil
	}
	if err := moderation.RequireModerator(q.user); err != nil {
		h.fail(w, r, err)
		return nil
	}
	q.v.Nav = "admin"
	return q
}

// modForm begins a moderators-only form post (CSRF checked, role checked:
// the service checks it again).
func (h *Handler) modForm(w http.ResponseWriter, r *http.Request) *request {
	q := h.form(w, r, true)
	if q == nil {
		return nil
	}
	if err := moderation.RequireModerator(q.user); err != nil {
		h.fail(w, r, err)
		return nil
	}
	q.v.Nav = "admin"
	return q
}

// pathID reads the {id} of the path; ok is false (and 404 answered) when
// it is not an id.
func (h *Handler) pathID(q *request) (domain.ID, bool) {
	id, ok := domain.ParseID(q.r.PathValue("id"))
	if !ok {
		h.fail(q.w, q.r, domain.NotFound())
	}
	return id, ok
}

// queueID reads an optional id parameter of a list page; a malformed one
// is ignored (it only moves the page).
func queueID(v url.Values, key string) domain.ID {
	id, _ := domain.ParseID(v.Get(key))
	return id
}

// queuePage is GET /admin/reports?state=&mine=1&after=: the moderation
// queue, trusted flaggers first as in the API's queue.
func (h *Handler) queuePage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	qs := r.URL.Query()
	d := &queueData{State: qs.Get("state"), Mine: qs.Get("mine") == "1", States: []string{"open", "escalated", "resolved"}}
	f := moderation.QueueFilter{State: d.State}
	if d.Mine {
		f.AssignedTo = q.acct.ID
	}
	rs, next, err := h.mod().QueuePage(r.Context(), q.user, f, queueID(qs, "after"), QueuePageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]domain.ID, 0, 2*len(rs))
	for _, x := range rs {
		ids = append(ids, x.TargetAccountID)
		if x.AssignedAccountID != 0 {
			ids = append(ids, x.AssignedAccountID)
		}
	}
	accts, err := h.Store.Accounts(r.Context(), ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, x := range rs {
		if a := accts[x.TargetAccountID]; a != nil {
			d.Rows = append(d.Rows, queueRow{R: x, Target: a, Assigned: accts[x.AssignedAccountID]})
		}
	}
	if next != 0 {
		nq := url.Values{"after": {next.String()}}
		if d.State != "" {
			nq.Set("state", d.State)
		}
		if d.Mine {
			nq.Set("mine", "1")
		}
		d.Next = "/admin/reports?" + nq.Encode()
	}
	q.v.Title, q.v.Sub, q.v.Data = q.v.Tr("queue_title"), "reports", d
	h.renderMod(q, http.StatusOK, "moderation")
}

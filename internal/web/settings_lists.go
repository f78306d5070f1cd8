package web

import (
	"net/http"
	"strconv"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/lists"
	"github.com/agora-social/agora/internal/store"
)

// MaxListCandidates bounds the followed accounts the list page offers to
// add (the most recently followed first).
const MaxListCandidates = 200

// listsData is the lists page.
type listsData struct {
	Lists    []*store.List
	Title    string // the new list's title, as typed
	Error    string
	MaxTitle int
}

// listData is one list's management page.
type listData struct {
	List       *store.List
	Members    []*accountView
	Candidates []*accountView // followed accounts not in the list
	Error      string
	MaxTitle   int
}

func (h *Handler) lists() *lists.Service { return &lists.Service{Store: h.Store} }

// listsPage is GET /lists: the viewer's lists and a form for a new one.
func (h *Handler) listsPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	h.renderLists(q, http.StatusOK, &listsData{})
}

func (h *Handler) renderLists(q *request, status int, d *listsData) {
	ls, err := h.Store.Lists(q.r.Context(), q.acct.ID)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d.Lists, d.MaxTitle = ls, lists.MaxTitleLen
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("lists_title"), "lists", "lists", d, "/lists"
	h.render(q, status, "lists")
}

// createList is POST /lists.
func (h *Handler) createList(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	title := r.PostForm.Get("title")
	l, err := h.lists().Create(r.Context(), q.acct.ID, lists.Changes{Title: &title})
	if err != nil {
		if domain.KindOf(err) != domain.KindInvalid {
			h.fail(w, r, err)
			return
		}
		h.renderLists(q, http.StatusUnprocessableEntity, &listsData{Title: title, Error: h.listError(q.v, err)})
		return
	}
	q.v.Path = "/lists/" + l.ID.String() + "/edit"
	h.done(q, "flash_list_created", nil)
}

// listError words a list error in the page's language when it can.
func (h *Handler) listError(v *view, err error) string {
	switch msg := errorMessage(err); {
	case msg == "Validation failed: Title can't be blank":
		return v.Tr("err_list_title")
	default:
		return v.Err(err)
	}
}

// ownList loads the viewer's list named in the path.
func (h *Handler) ownedList(q *request) (*store.List, error) {
	id, err := pathID(q.r, "id")
	if err != nil {
		return nil, err
	}
	return h.Store.List(q.r.Context(), q.acct.ID, id)
}

// listTimelinePage is GET /lists/{id}: the list's timeline.
func (h *Handler) listTimelinePage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	l, err := h.ownedList(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, err := pageOf(r, PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids, err := h.Store.ListTimeline(r.Context(), q.acct.ID, l, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items := make([]store.PageItem, len(ids))
	for i, id := range ids {
		items[i] = store.PageItem{Cursor: id, ID: id}
	}
	h.timeline(q, http.StatusOK, "lists", items, pg, &timelineData{Heading: l.Title, Empty: q.v.Tr("empty_list_timeline"),
		Links: []link{{"/lists/" + l.ID.String() + "/edit", q.v.Tr("list_manage")}, {"/lists", q.v.Tr("lists_all")}}, filterContext: "home"})
}

// listEditPage is GET /lists/{id}/edit: rename, delete, members.
func (h *Handler) listEditPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	l, err := h.ownedList(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderList(q, http.StatusOK, &listData{List: l})
}

func (h *Handler) renderList(q *request, status int, d *listData) {
	ctx := q.r.Context()
	memberIDs, _, err := h.Store.ListMembers(ctx, d.List.ID, domain.Page{})
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	members, err := h.Store.AccountsOrdered(ctx, memberIDs)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	in := map[domain.ID]bool{}
	for _, a := range members {
		in[a.ID] = true
		d.Members = append(d.Members, h.accountView(a))
	}
	following, err := h.Store.Following(ctx, q.acct.ID, domain.Page{Limit: MaxListCandidates})
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	for _, f := range following {
		if !in[f.Account.ID] && f.Account.SuspendedAt == nil {
			d.Candidates = append(d.Candidates, h.accountView(f.Account))
		}
	}
	d.MaxTitle = lists.MaxTitleLen
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data = q.v.Tr("list_edit_title", d.List.Title), "lists", "lists", d
	q.v.Path = "/lists/" + d.List.ID.String() + "/edit"
	h.render(q, status, "list")
}

// updateList is POST /lists/{id} with do= rename, delete, add or remove
// (with account_id).
func (h *Handler) updateList(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	l, err := h.ownedList(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx, v := r.Context(), r.PostForm
	q.v.Path = "/lists/" + l.ID.String() + "/edit"
	var flash string
	switch v.Get("do") {
	case "rename":
		title := v.Get("title")
		if _, err = h.lists().Update(ctx, q.acct.ID, l.ID, lists.Changes{Title: &title}); domain.KindOf(err) == domain.KindInvalid {
			h.renderList(q, http.StatusUnprocessableEntity, &listData{List: l, Error: h.listError(q.v, err)})
			return
		}
		flash = "flash_list_renamed"
	case "delete":
		err, flash, q.v.Path = h.Store.DeleteList(ctx, q.acct.ID, l.ID), "flash_list_deleted", "/lists"
	case "add", "remove":
		id, perr := strconv.ParseInt(v.Get("account_id"), 10, 64)
		if perr != nil || id <= 0 {
			err = domain.Invalid("account_id: not an id")
			break
		}
		ids := []domain.ID{domain.ID(id)}
		if v.Get("do") == "add" {
			err, flash = h.lists().AddAccounts(ctx, q.acct.ID, l.ID, ids), "flash_list_added"
		} else {
			err, flash = h.lists().RemoveAccounts(ctx, q.acct.ID, l.ID, ids), "flash_list_removed"
		}
	default:
		err = domain.Invalid("do: must be rename, delete, add or remove")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, flash, nil)
}

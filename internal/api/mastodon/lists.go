package mastodon

import (
	"context"
	"net/http"
	"net/url"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/lists"
	"github.com/agora-social/agora/internal/store"
)

// registerLists adds lists, filters, markers, preferences, tags, search,
// conversations and the small endpoints (announcements, trends, suggestions).
func (a *API) registerLists(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/lists", a.endpoint(userOnly, "read:lists", a.getLists))
	mux.HandleFunc("POST /api/v1/lists", a.endpoint(userOnly, "write:lists", a.createList))
	mux.HandleFunc("GET /api/v1/lists/{id}", a.endpoint(userOnly, "read:lists", a.getList))
	mux.HandleFunc("PUT /api/v1/lists/{id}", a.endpoint(userOnly, "write:lists", a.updateList))
	mux.HandleFunc("DELETE /api/v1/lists/{id}", a.endpoint(userOnly, "write:lists", a.deleteList))
	mux.HandleFunc("GET /api/v1/lists/{id}/accounts", a.endpoint(userOnly, "read:lists", a.getListAccounts))
	mux.HandleFunc("POST /api/v1/lists/{id}/accounts", a.endpoint(userOnly, "write:lists", a.addListAccounts))
	mux.HandleFunc("DELETE /api/v1/lists/{id}/accounts", a.endpoint(userOnly, "write:lists", a.removeListAccounts))
	mux.HandleFunc("GET /api/v1/accounts/{id}/lists", a.endpoint(userOnly, "read:lists", a.getAccountLists))
	mux.HandleFunc("GET /api/v1/timelines/list/{id}", a.endpoint(userOnly, "read:lists", a.listTimeline))
	a.registerFilters(mux)
	a.registerMarkers(mux)
	a.registerPreferences(mux)
	a.registerTags(mux)
	a.registerSearch(mux)
	a.registerConversations(mux)
	a.registerMisc(mux)
}

// List is Mastodon's List entity.
type List struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func renderList(l *store.List) List {
	return List{ID: l.ID.String(), Title: l.Title, RepliesPolicy: l.RepliesPolicy, Exclusive: l.Exclusive}
}

func renderLists(ls []*store.List) []List {
	out := make([]List, 0, len(ls))
	for _, l := range ls {
		out = append(out, renderList(l))
	}
	return out
}

func (a *API) lists() *lists.Service { return &lists.Service{Store: a.Store} }

func (a *API) getLists(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ls, err := a.Store.Lists(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	rest.OK(w, renderLists(ls))
	return nil
}

// listChanges reads title, replies_policy and exclusive when present.
func listChanges(p *rest.Params) (lists.Changes, error) {
	var c lists.Changes
	if p.Has("title") {
		t := p.String("title")
		c.Title = &t
	}
	if p.Has("replies_policy") {
		rp := p.String("replies_policy")
		c.RepliesPolicy = &rp
	}
	if p.Has("exclusive") {
		ex, err := p.Bool("exclusive", false)
		if err != nil {
			return c, err
		}
		c.Exclusive = &ex
	}
	return c, nil
}

func (a *API) createList(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	c, err := listChanges(p)
	if err != nil {
		return err
	}
	l, err := a.lists().Create(r.Context(), v.Account.ID, c)
	if err != nil {
		return err
	}
	rest.OK(w, renderList(l))
	return nil
}

func (a *API) getList(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := a.Store.List(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	rest.OK(w, renderList(l))
	return nil
}

func (a *API) updateList(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	c, err := listChanges(p)
	if err != nil {
		return err
	}
	l, err := a.lists().Update(r.Context(), v.Account.ID, id, c)
	if err != nil {
		return err
	}
	rest.OK(w, renderList(l))
	return nil
}

func (a *API) deleteList(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.DeleteList(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, struct{}{})
	return nil
}

// Page sizes of list members (limit=0 means all, as in Mastodon).
const (
	DefaultListAccounts = 40
	MaxListAccountsPage = 80
)

func (a *API) getListAccounts(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.Store.List(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	all := p.String("limit") == "0"
	if all {
		p = rest.NewParams(withoutLimit(r))
	}
	pg, err := p.Page(DefaultListAccounts, MaxListAccountsPage)
	if err != nil {
		return err
	}
	if all {
		pg.Limit = 0
	}
	accountIDs, pageIDs, err := a.Store.ListMembers(r.Context(), id, pg)
	if err != nil {
		return err
	}
	accts, err := a.Store.AccountsOrdered(r.Context(), accountIDs)
	if err != nil {
		return err
	}
	out := make([]*Account, 0, len(accts))
	for _, acct := range accts {
		out = append(out, a.renderAccount(acct))
	}
	if !all && len(pageIDs) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, pageIDs[0], pageIDs[len(pageIDs)-1], len(pageIDs))
	}
	rest.OK(w, out)
	return nil
}

// withoutLimit is the query without limit (limit=0 means "all").
func withoutLimit(r *http.Request) url.Values {
	q := r.URL.Query()
	q.Del("limit")
	return q
}

func (a *API) addListAccounts(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.changeListAccounts(w, r, v, a.lists().AddAccounts)
}

func (a *API) removeListAccounts(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.changeListAccounts(w, r, v, a.lists().RemoveAccounts)
}

func (a *API) changeListAccounts(w http.ResponseWriter, r *http.Request, v *Viewer,
	change func(ctx context.Context, owner, id domain.ID, accountIDs []domain.ID) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	ids, err := p.IDs("account_ids", lists.MaxAccountsPerCall)
	if err != nil {
		return err
	}
	if err := change(r.Context(), v.Account.ID, id, ids); err != nil {
		return err
	}
	rest.OK(w, struct{}{})
	return nil
}

func (a *API) getAccountLists(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.Store.Account(r.Context(), id); err != nil {
		return err
	}
	ls, err := a.Store.ListsContaining(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	rest.OK(w, renderLists(ls))
	return nil
}

// Page sizes of the list timeline, as Mastodon's.
const (
	DefaultListTimeline = 20
	MaxListTimeline     = 40
)

func (a *API) listTimeline(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := a.Store.List(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(DefaultListTimeline, MaxListTimeline)
	if err != nil {
		return err
	}
	ids, err := a.Store.ListTimeline(r.Context(), v.Account.ID, l, pg)
	if err != nil {
		return err
	}
	return a.writeListPage(w, r, v, ids, "home")
}

// writeListPage renders statuses and sets the Link header from the ids
// the store returned (rendering may drop some, the page bounds stay).
func (a *API) writeListPage(w http.ResponseWriter, r *http.Request, v *Viewer, ids []domain.ID, filterContext string) error {
	out, err := a.renderStatuses(r.Context(), v, ids, filterContext)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, ids[0], ids[len(ids)-1], len(ids))
	}
	if out == nil {
		out = []any{}
	}
	rest.OK(w, out)
	return nil
}

// FilterResult is Mastodon's FilterResult entity, set on a status's
// "filtered" array.
type FilterResult struct {
	Filter         any      `json:"filter"`
	KeywordMatches []string `json:"keyword_matches"`
	StatusMatches  []string `json:"status_matches"`
}

// filterResults returns, for each status the viewer's active filters match
// in filterContext (home, notifications, public, thread, account), the
// results to render in "filtered". Status rendering calls it.
func (a *API) filterResults(ctx context.Context, v *Viewer, filterContext string, statuses []*domain.Status) (map[domain.ID][]FilterResult, error) {
	out := map[domain.ID][]FilterResult{}
	if v.AccountID() == 0 || len(statuses) == 0 {
		return out, nil
	}
	active, err := a.filters().Active(ctx, v.AccountID(), filterContext)
	if err != nil {
		return nil, err
	}
	if len(active) == 0 {
		return out, nil
	}
	var polls map[domain.ID]*store.Poll
	if active.HasKeywords() {
		ids := make([]domain.ID, 0, len(statuses))
		for _, st := range statuses {
			ids = append(ids, st.ID)
		}
		if polls, _, err = a.Store.Polls(ctx, v.AccountID(), ids); err != nil {
			return nil, err
		}
	}
	for _, st := range statuses {
		var options []string
		if p := polls[st.ID]; p != nil {
			options = p.Options
		}
		for _, m := range active.Match(st, options) {
			out[st.ID] = append(out[st.ID], FilterResult{
				Filter: renderFilter(m.Filter), KeywordMatches: m.Keywords, StatusMatches: m.StatusIDs,
			})
		}
	}
	return out, nil
}

// hiddenByFilter reports whether one of the results hides the status
// (filter_action "hide"): the renderer drops such statuses.
func hiddenByFilter(results []FilterResult) bool {
	for _, r := range results {
		if f, ok := r.Filter.(FilterV2); ok && f.FilterAction == "hide" {
			return true
		}
	}
	return false
}

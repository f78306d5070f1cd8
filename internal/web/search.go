package web

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/search"
)

type searchData struct {
	Query    string
	Searched bool
	Accounts []*accountView
	Tags     []string
	Statuses []*statusView
}

// searchPage is GET /search?q=: accounts, hashtags and (by URL) posts,
// through the search service's rules.
func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	d := &searchData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Query != "" {
		res, err := h.search.Search(r.Context(), q.viewer(), search.Query{Q: d.Query, Limit: search.DefaultLimit})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Searched = true
		for _, a := range res.Accounts {
			d.Accounts = append(d.Accounts, h.accountView(a))
		}
		for _, t := range res.Hashtags {
			d.Tags = append(d.Tags, t.Name)
		}
		if d.Statuses, err = h.loadStatuses(r.Context(), q.viewer(), res.StatusIDs, "public"); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	q.v.Title, q.v.Nav, q.v.Data = q.v.Tr("nav_search"), "search", d
	h.render(q, http.StatusOK, "search")
}

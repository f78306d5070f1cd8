package mastodon

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/filters"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerFilters(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v2/filters", a.endpoint(userOnly, "read:filters", a.getFilters))
	mux.HandleFunc("POST /api/v2/filters", a.filtersWrite(a.createFilter))
	mux.HandleFunc("GET /api/v2/filters/{id}", a.endpoint(userOnly, "read:filters", a.getFilter))
	mux.HandleFunc("PUT /api/v2/filters/{id}", a.filtersWrite(a.updateFilter))
	mux.HandleFunc("DELETE /api/v2/filters/{id}", a.filtersWrite(a.deleteFilter))
	// /filters/{id}/keywords and /filters/keywords/{id} overlap as ServeMux
	// patterns, so one pattern per method dispatches both.
	mux.HandleFunc("GET /api/v2/filters/{a}/{b}", a.endpoint(userOnly, "read:filters", a.filterSub))
	mux.HandleFunc("POST /api/v2/filters/{a}/{b}", a.filtersWrite(a.filterSub))
	mux.HandleFunc("PUT /api/v2/filters/{a}/{b}", a.filtersWrite(a.filterSub))
	mux.HandleFunc("DELETE /api/v2/filters/{a}/{b}", a.filtersWrite(a.filterSub))

	mux.HandleFunc("GET /api/v1/filters", a.endpoint(userOnly, "read:filters", a.getFiltersV1))
	mux.HandleFunc("POST /api/v1/filters", a.filtersWrite(a.createFilterV1))
	mux.HandleFunc("GET /api/v1/filters/{id}", a.endpoint(userOnly, "read:filters", a.getFilterV1))
	mux.HandleFunc("PUT /api/v1/filters/{id}", a.filtersWrite(a.updateFilterV1))
	mux.HandleFunc("DELETE /api/v1/filters/{id}", a.filtersWrite(a.deleteFilterV1))
}

func (a *API) filters() *filters.Service { return &filters.Service{Store: a.Store} }

// FilterV2 is Mastodon's (v2) Filter entity.
type FilterV2 struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Context      []string        `json:"context"`
	ExpiresAt    *Time           `json:"expires_at"`
	FilterAction string          `json:"filter_action"`
	Keywords     []FilterKeyword `json:"keywords"`
	Statuses     []FilterStatus  `json:"statuses"`
}

// FilterKeyword is Mastodon's FilterKeyword entity.
type FilterKeyword struct {
	ID        string `json:"id"`
	Keyword   string `json:"keyword"`
	WholeWord bool   `json:"whole_word"`
}

// FilterStatus is Mastodon's FilterStatus entity.
type FilterStatus struct {
	ID       string `json:"id"`
	StatusID string `json:"status_id"`
}

// FilterV1 is Mastodon's V1::Filter entity (one keyword).
type FilterV1 struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	WholeWord    bool     `json:"whole_word"`
	ExpiresAt    *Time    `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
}

func renderKeyword(k store.FilterKeyword) FilterKeyword {
	return FilterKeyword{ID: k.ID.String(), Keyword: k.Keyword, WholeWord: k.WholeWord}
}

func renderFilterStatus(s store.FilterStatus) FilterStatus {
	return FilterStatus{ID: s.ID.String(), StatusID: s.StatusID.String()}
}

func renderFilter(f *store.Filter) FilterV2 {
	out := FilterV2{ID: f.ID.String(), Title: f.Title, Context: f.Context, ExpiresAt: timePtr(f.ExpiresAt),
		FilterAction: f.Action, Keywords: make([]FilterKeyword, 0, len(f.Keywords)), Statuses: make([]FilterStatus, 0, len(f.Statuses))}
	if out.Context == nil {
		out.Context = []string{}
	}
	for _, k := range f.Keywords {
		out.Keywords = append(out.Keywords, renderKeyword(k))
	}
	for _, s := range f.Statuses {
		out.Statuses = append(out.Statuses, renderFilterStatus(s))
	}
	return out
}

func renderFilterV1(v filters.V1) FilterV1 {
	return FilterV1{ID: v.Keyword.ID.String(), Phrase: v.Keyword.Keyword, Context: v.Filter.Context, WholeWord: v.Keyword.WholeWord,
		ExpiresAt: timePtr(v.Filter.ExpiresAt), Irreversible: v.Filter.Action == filters.ActionHide}
}

// expiresIn reads expires_in (seconds); an empty value means "never".
func expiresIn(p *rest.Params) (d *time.Duration, set bool, err error) {
	if !p.Has("expires_in") {
		return nil, false, nil
	}
	s := p.String("expires_in")
	if s == "" {
		return nil, true, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	maxSec := int64(filters.MaxExpiresIn / time.Second)
	if err != nil || n < 1 || n > maxSec {
		return nil, false, domain.Invalid("expires_in must be a whole number of seconds from 1 to %d", maxSec)
	}
	x := time.Duration(n) * time.Second
	return &x, true, nil
}

var keywordAttrRE = regexp.MustCompile(`^keywords_attributes\[(\d+)\]\[(\w+)\]$`)

// keywordChanges reads keywords_attributes, given as JSON objects, as
// Rails-indexed form fields (keywords_attributes[0][keyword]) or as
// keywords_attributes[][keyword] lists.
func keywordChanges(p *rest.Params) ([]store.KeywordChange, error) {
	idx := map[int]bool{}
	for _, k := range p.Keys("keywords_attributes[") {
		if m := keywordAttrRE.FindStringSubmatch(k); m != nil {
			n, _ := strconv.Atoi(m[1])
			idx[n] = true
		}
	}
	var out []store.KeywordChange
	read := func(get func(field string) string, has func(field string) bool) error {
		var c store.KeywordChange
		if s := get("id"); s != "" {
			id, ok := domain.ParseID(s)
			if !ok {
				return domain.Invalid("keywords_attributes: %q is not a valid id", s)
			}
			c.ID = id
		}
		c.Keyword = get("keyword")
		c.WholeWord = true
		if has("whole_word") {
			b, err := parseBool(get("whole_word"))
			if err != nil {
				return domain.Invalid("keywords_attributes: whole_word must be true or false")
			}
			c.WholeWord = b
		}
		if has("_destroy") {
			b, err := parseBool(get("_destroy"))
			if err != nil {
				return domain.Invalid("keywords_attributes: _destroy must be true or false")
			}
			c.Destroy = b
		}
		c.KeepText = !c.Destroy && c.ID != 0 && !has("keyword")
		out = append(out, c)
		return nil
	}
	keys := make([]int, 0, len(idx))
	for n := range idx {
		keys = append(keys, n)
	}
	slices.Sort(keys)
	for _, n := range keys {
		prefix := "keywords_attributes[" + strconv.Itoa(n) + "]["
		if err := read(func(f string) string { return p.String(prefix + f + "]") },
			func(f string) bool { return p.Has(prefix + f + "]") }); err != nil {
			return nil, err
		}
	}
	list := p.Strings("keywords_attributes[][keyword]")
	whole := p.Strings("keywords_attributes[][whole_word]")
	for i, kw := range list {
		ww := "true"
		if i < len(whole) {
			ww = whole[i]
		}
		if err := read(func(f string) string {
			switch f {
			case "keyword":
				return kw
			case "whole_word":
				return ww
			}
			return ""
		}, func(f string) bool { return f == "keyword" || f == "whole_word" }); err != nil {
			return nil, err
		}
	}
	if len(out) > filters.MaxKeywordsPerFilter {
		return nil, domain.Invalid("A filter cannot have more than %d keywords", filters.MaxKeywordsPerFilter)
	}
	return out, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "on", "yes", "t":
		return true, nil
	case "0", "false", "off", "no", "f", "":
		return false, nil
	}
	return false, domain.Invalid("not a boolean")
}

// filterChanges reads the v2 filter attributes present in p.
func filterChanges(p *rest.Params) (filters.Changes, error) {
	var c filters.Changes
	var err error
	if p.Has("title") {
		t := p.String("title")
		c.Title = &t
	}
	if p.Has("context") {
		c.Context = p.Strings("context")
		if c.Context == nil {
			c.Context = []string{}
		}
	}
	if p.Has("filter_action") {
		act := p.String("filter_action")
		c.Action = &act
	}
	if c.ExpiresIn, c.ExpiresSet, err = expiresIn(p); err != nil {
		return c, err
	}
	c.Keywords, err = keywordChanges(p)
	return c, err
}

func (a *API) getFilters(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	fs, err := a.Store.Filters(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	out := make([]FilterV2, 0, len(fs))
	for _, f := range fs {
		out = append(out, renderFilter(f))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) getFilter(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := a.Store.Filter(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	rest.OK(w, renderFilter(f))
	return nil
}

func (a *API) createFilter(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	c, err := filterChanges(p)
	if err != nil {
		return err
	}
	for _, k := range c.Keywords {
		if k.ID != 0 {
			return domain.Invalid("keywords_attributes: a new filter has no keyword %s", k.ID)
		}
	}
	f, err := a.filters().Create(r.Context(), v.Account.ID, c)
	if err != nil {
		return err
	}
	rest.OK(w, renderFilter(f))
	return nil
}

func (a *API) updateFilter(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	c, err := filterChanges(p)
	if err != nil {
		return err
	}
	f, err := a.filters().Update(r.Context(), v.Account.ID, id, c)
	if err != nil {
		return err
	}
	rest.OK(w, renderFilter(f))
	return nil
}

func (a *API) deleteFilter(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.DeleteFilter(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, struct{}{})
	return nil
}

// filterSub serves /api/v2/filters/{id}/keywords, /{id}/statuses,
// /keywords/{id} and /statuses/{id}.
func (a *API) filterSub(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	first, second := r.PathValue("a"), r.PathValue("b")
	ctx, owner := r.Context(), v.Account.ID
	switch {
	case first == "keywords" || first == "statuses":
		id, ok := domain.ParseID(second)
		if !ok {
			return domain.NotFound()
		}
		if first == "keywords" {
			return a.filterKeyword(w, r, owner, id)
		}
		switch r.Method {
		case http.MethodGet:
			fs, err := a.Store.FilterStatusByID(ctx, owner, id)
			if err != nil {
				return err
			}
			rest.OK(w, renderFilterStatus(*fs))
		case http.MethodDelete:
			if err := a.Store.DeleteFilterStatus(ctx, owner, id); err != nil {
				return err
			}
			rest.OK(w, struct{}{})
		default:
			return domain.NotFound()
		}
		return nil
	case second == "keywords" || second == "statuses":
		filterID, ok := domain.ParseID(first)
		if !ok {
			return domain.NotFound()
		}
		p, err := params(r)
		if err != nil {
			return err
		}
		switch r.Method {
		case http.MethodGet:
			f, err := a.Store.Filter(ctx, owner, filterID)
			if err != nil {
				return err
			}
			if second == "keywords" {
				rest.OK(w, renderFilter(f).Keywords)
			} else {
				rest.OK(w, renderFilter(f).Statuses)
			}
		case http.MethodPost:
			if second == "keywords" {
				ww, err := p.Bool("whole_word", true)
				if err != nil {
					return err
				}
				k, err := a.filters().AddKeyword(ctx, owner, filterID, p.String("keyword"), ww)
				if err != nil {
					return err
				}
				rest.OK(w, renderKeyword(*k))
			} else {
				sid, err := p.ID("status_id")
				if err != nil {
					return err
				}
				// A status the viewer may not see is "not found", so
				// filters cannot probe for private statuses.
				if sid != 0 {
					if seen, err := a.renderStatuses(ctx, v, []domain.ID{sid}, "thread"); err != nil {
						return err
					} else if len(seen) == 0 {
						return domain.NotFound()
					}
				}
				fs, err := a.filters().AddStatus(ctx, owner, filterID, sid)
				if err != nil {
					return err
				}
				rest.OK(w, renderFilterStatus(*fs))
			}
		default:
			return domain.NotFound()
		}
		return nil
	}
	return domain.NotFound()
}

// filterKeyword serves GET, PUT and DELETE /api/v2/filters/keywords/{id}.
func (a *API) filterKeyword(w http.ResponseWriter, r *http.Request, owner, id domain.ID) error {
	ctx := r.Context()
	switch r.Method {
	case http.MethodGet:
		k, err := a.Store.FilterKeyword(ctx, owner, id)
		if err != nil {
			return err
		}
		rest.OK(w, renderKeyword(*k))
	case http.MethodPut:
		p, err := params(r)
		if err != nil {
			return err
		}
		var kw *string
		var ww *bool
		if p.Has("keyword") {
			s := p.String("keyword")
			kw = &s
		}
		if p.Has("whole_word") {
			b, err := p.Bool("whole_word", true)
			if err != nil {
				return err
			}
			ww = &b
		}
		k, err := a.filters().UpdateKeyword(ctx, owner, id, kw, ww)
		if err != nil {
			return err
		}
		rest.OK(w, renderKeyword(*k))
	case http.MethodDelete:
		if err := a.Store.DeleteFilterKeyword(ctx, owner, id); err != nil {
			return err
		}
		rest.OK(w, struct{}{})
	default:
		return domain.NotFound()
	}
	return nil
}

// v1Changes reads the v1 filter attributes present in p.
func v1Changes(p *rest.Params) (filters.V1Changes, error) {
	var c filters.V1Changes
	var err error
	if p.Has("phrase") {
		s := p.String("phrase")
		c.Phrase = &s
	}
	if p.Has("context") {
		c.Context = p.Strings("context")
		if c.Context == nil {
			c.Context = []string{}
		}
	}
	if p.Has("irreversible") {
		b, err := p.Bool("irreversible", false)
		if err != nil {
			return c, err
		}
		c.Irreversible = &b
	}
	if p.Has("whole_word") {
		b, err := p.Bool("whole_word", true)
		if err != nil {
			return c, err
		}
		c.WholeWord = &b
	}
	c.ExpiresIn, c.ExpiresSet, err = expiresIn(p)
	return c, err
}

func (a *API) getFiltersV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	vs, err := a.filters().V1List(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	out := make([]FilterV1, 0, len(vs))
	for _, x := range vs {
		out = append(out, renderFilterV1(x))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) getFilterV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := a.filters().V1Get(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	rest.OK(w, renderFilterV1(x))
	return nil
}

func (a *API) createFilterV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	c, err := v1Changes(p)
	if err != nil {
		return err
	}
	if c.Context == nil {
		c.Context = []string{}
	}
	x, err := a.filters().V1Create(r.Context(), v.Account.ID, c)
	if err != nil {
		return err
	}
	rest.OK(w, renderFilterV1(x))
	return nil
}

func (a *API) updateFilterV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	c, err := v1Changes(p)
	if err != nil {
		return err
	}
	x, err := a.filters().V1Update(r.Context(), v.Account.ID, id, c)
	if err != nil {
		return err
	}
	rest.OK(w, renderFilterV1(x))
	return nil
}

func (a *API) deleteFilterV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.filters().V1Delete(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, struct{}{})
	return nil
}

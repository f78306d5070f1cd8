package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/filters"
	"github.com/agora-social/agora/internal/store"
)

// Filter form shape: new keywords get this many blank rows (no script
// needed to add more: save, and the form comes back with new blank rows).
const BlankKeywordRows = 3

// filterExpiries are the expiry choices of the filter form, in seconds
// ("" keeps the current expiry, "0" means never).
var filterExpiries = []struct {
	Value, Key string
}{
	{"1800", "expires_30m"}, {"3600", "expires_1h"}, {"21600", "expires_6h"}, {"43200", "expires_12h"},
	{"86400", "expires_1d"}, {"604800", "expires_1w"}, {"2592000", "expires_30d"},
}

// filterForm is one filter as the form shows it.
type filterForm struct {
	ID        string // empty for a new filter
	Title     string
	Context   map[string]bool
	Action    string
	Expires   string // the chosen expiry option
	ExpiresAt string // the current expiry, formatted; empty when none
	Expired   bool
	Keywords  []keywordRow
	Error     string
	Contexts  []string
	Expiries  []struct{ Value, Key string }
	MaxTitle  int
	MaxKw     int
}

// keywordRow is one row of the keywords table.
type keywordRow struct {
	ID        string // empty for a new keyword
	Keyword   string
	WholeWord bool
}

// filtersData is the filters page.
type filtersData struct {
	Filters []*filterForm
	New     *filterForm
}

func (h *Handler) newFilterForm() *filterForm {
	f := &filterForm{Context: map[string]bool{"home": true, "notifications": true, "public": true, "thread": true},
		Action: filters.ActionWarn, Expires: "0", Contexts: filters.Contexts, Expiries: filterExpiries,
		MaxTitle: filters.MaxTitleLen, MaxKw: filters.MaxKeywordLen}
	for range BlankKeywordRows {
		f.Keywords = append(f.Keywords, keywordRow{WholeWord: true})
	}
	return f
}

func (h *Handler) filterFormOf(v *view, f *store.Filter) *filterForm {
	out := h.newFilterForm()
	out.ID, out.Title, out.Action, out.Expires = f.ID.String(), f.Title, f.Action, ""
	out.Context = map[string]bool{}
	for _, c := range f.Context {
		out.Context[c] = true
	}
	if f.ExpiresAt != nil {
		out.ExpiresAt = v.Date(*f.ExpiresAt)
		out.Expired = !f.ExpiresAt.After(h.Store.Now())
	} else {
		out.Expires = "0"
	}
	rows := make([]keywordRow, 0, len(f.Keywords)+BlankKeywordRows)
	for _, k := range f.Keywords {
		rows = append(rows, keywordRow{ID: k.ID.String(), Keyword: k.Keyword, WholeWord: k.WholeWord})
	}
	out.Keywords = append(rows, out.Keywords...)
	return out
}

// signedIn begins a page for a signed-in viewer, else sends to log in.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request) *request {
	q := h.begin(w, r)
	if q == nil {
		return nil
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return nil
	}
	return q
}

// filtersPage is GET /settings/filters: the viewer's filters and a form
// for a new one.
func (h *Handler) filtersPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	h.renderFilters(q, http.StatusOK, h.newFilterForm())
}

func (h *Handler) renderFilters(q *request, status int, form *filterForm) {
	fs, err := h.Store.Filters(q.r.Context(), q.acct.ID)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d := &filtersData{New: form}
	for _, f := range fs {
		d.Filters = append(d.Filters, h.filterFormOf(q.v, f))
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("filters_title"), "settings", "filters", d, "/settings/filters"
	h.render(q, status, "filters")
}

// filterPage is GET /settings/filters/{id}: the form to edit a filter.
func (h *Handler) filterPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.Store.Filter(r.Context(), q.acct.ID, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderFilter(q, http.StatusOK, h.filterFormOf(q.v, f))
}

func (h *Handler) renderFilter(q *request, status int, form *filterForm) {
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data = q.v.Tr("filter_edit_title", form.Title), "settings", "filters", &filtersData{New: form}
	q.v.Path = "/settings/filters/" + form.ID
	h.render(q, status, "filters")
}

// readFilterForm reads the form into f (for showing it again) and the
// service's changes. Existing keywords whose text is emptied are removed.
func readFilterForm(r *http.Request, f *filterForm) filters.Changes {
	v := r.PostForm
	f.Title, f.Action, f.Expires = v.Get("title"), v.Get("filter_action"), v.Get("expires_in")
	c := filters.Changes{Title: &f.Title, Action: &f.Action, Context: []string{}}
	f.Context = map[string]bool{}
	for _, ctx := range v["context"] {
		f.Context[ctx] = true
		c.Context = append(c.Context, ctx)
	}
	if f.Expires != "" { // "" keeps the current expiry
		c.ExpiresSet = true
		secs, err := strconv.ParseInt(f.Expires, 10, 64)
		switch {
		case err != nil || secs < 0:
			d := time.Duration(-1) // refused by the service
			c.ExpiresIn = &d
		case secs > 0:
			d := time.Duration(secs) * time.Second
			c.ExpiresIn = &d
		} // 0: never
	}
	f.Keywords = f.Keywords[:0]
	n, _ := strconv.Atoi(v.Get("keyword_rows"))
	n = min(max(n, 0), filters.MaxKeywordsPerFilter+BlankKeywordRows)
	for i := range n {
		is := strconv.Itoa(i)
		row := keywordRow{ID: v.Get("keyword_id_" + is), Keyword: strings.TrimSpace(v.Get("keyword_" + is)), WholeWord: on(v, "whole_word_"+is)}
		id, _ := strconv.ParseInt(row.ID, 10, 64)
		switch {
		case id > 0 && (row.Keyword == "" || on(v, "remove_"+is)):
			c.Keywords = append(c.Keywords, store.KeywordChange{ID: domain.ID(id), Destroy: true})
			continue
		case id > 0:
			c.Keywords = append(c.Keywords, store.KeywordChange{ID: domain.ID(id), Keyword: row.Keyword, WholeWord: row.WholeWord})
		case row.Keyword != "":
			row.ID = ""
			c.Keywords = append(c.Keywords, store.KeywordChange{Keyword: row.Keyword, WholeWord: row.WholeWord})
		default:
			continue
		}
		f.Keywords = append(f.Keywords, row)
	}
	for range BlankKeywordRows {
		f.Keywords = append(f.Keywords, keywordRow{WholeWord: true})
	}
	return c
}

// formError is the first mistake the form can name in the page's
// language; the service checks everything else.
func (f *filterForm) formError(v *view) string {
	switch {
	case strings.TrimSpace(f.Title) == "":
		return v.Tr("err_filter_title")
	case len(f.Context) == 0:
		return v.Tr("err_filter_context")
	}
	return ""
}

// createFilter is POST /settings/filters.
func (h *Handler) createFilter(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	f := h.newFilterForm()
	c := readFilterForm(r, f)
	if f.Expires == "" || f.Expires == "0" {
		c.ExpiresSet, c.ExpiresIn = false, nil
	}
	if f.Error = f.formError(q.v); f.Error != "" {
		h.renderFilters(q, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := h.filters.Create(r.Context(), q.acct.ID, c); err != nil {
		if domain.KindOf(err) != domain.KindInvalid {
			h.fail(w, r, err)
			return
		}
		f.Error = q.v.Err(err)
		h.renderFilters(q, http.StatusUnprocessableEntity, f)
		return
	}
	q.v.Path = "/settings/filters"
	h.done(q, "flash_filter_saved", nil)
}

// updateFilter is POST /settings/filters/{id}: do=save or do=delete.
func (h *Handler) updateFilter(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/settings/filters"
	if r.PostForm.Get("do") == "delete" {
		if err := h.Store.DeleteFilter(r.Context(), q.acct.ID, id); err != nil {
			h.fail(w, r, err)
			return
		}
		h.done(q, "flash_filter_deleted", nil)
		return
	}
	stored, err := h.Store.Filter(r.Context(), q.acct.ID, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := h.filterFormOf(q.v, stored)
	c := readFilterForm(r, f)
	if f.Error = f.formError(q.v); f.Error != "" {
		h.renderFilter(q, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := h.filters.Update(r.Context(), q.acct.ID, id, c); err != nil {
		if domain.KindOf(err) != domain.KindInvalid {
			h.fail(w, r, err)
			return
		}
		f.Error = q.v.Err(err)
		h.renderFilter(q, http.StatusUnprocessableEntity, f)
		return
	}
	h.done(q, "flash_filter_saved", nil)
}

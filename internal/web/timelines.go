package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/search"
	"github.com/agora-social/agora/internal/store"
)

// pageOf reads max_id from the query: timeline pages go back in time with
// plain links.
func pageOf(r *http.Request, limit int) (domain.Page, error) {
	p := domain.Page{Limit: limit}
	if s := r.URL.Query().Get("max_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return p, domain.Invalid("max_id: not an id")
		}
		p.MaxID = domain.ID(id)
	}
	return p, nil
}

// root is / : the landing page for visitors, the home timeline when signed in.
func (h *Handler) root(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct == nil {
		h.landing(q)
		return
	}
	h.homeTimeline(q, nil, http.StatusOK)
}

// home is /home: the home timeline, or sign-in for visitors.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	}
	h.homeTimeline(q, nil, http.StatusOK)
}

// homeTimeline renders the home timeline with the compose form; a
// compose form that failed comes back filled in, with its error.
func (h *Handler) homeTimeline(q *request, form *composeForm, status int) {
	pg, err := pageOf(q.r, PageSize)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	items, err := h.statuses.Home(q.r.Context(), q.acct.ID, pg)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if form == nil {
		form = h.newCompose(q, nil)
	}
	anns, err := h.unreadAnnouncements(q)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	h.timeline(q, status, "home", items, pg, &timelineData{
		Heading: q.v.Tr("nav_home"), Compose: form, Poll: "/web/poll/home", Empty: q.v.Tr("empty_home"), filterContext: "home",
		Announcements: anns,
	})
}

// timeline renders a page of statuses.
func (h *Handler) timeline(q *request, status int, nav string, items []store.PageItem, pg domain.Page, d *timelineData) {
	sts, err := h.loadStatuses(q.r.Context(), q.viewer(), store.IDsOf(items), d.filterContext)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d.Statuses = sts
	d.Older = olderLink(q.r.URL.Path, items, pg.Limit)
	if pg.MaxID != 0 {
		d.Poll = "" // live updates only on the newest page
	}
	q.v.Title, q.v.Nav, q.v.Data = d.Heading, nav, d
	h.render(q, status, "timeline")
}

// federated is /public: every public post this server knows.
func (h *Handler) federated(w http.ResponseWriter, r *http.Request) {
	h.publicTimeline(w, r, store.PublicFilter{}, "federated")
}

// local is /public/local: public posts from this server's members.
func (h *Handler) local(w http.ResponseWriter, r *http.Request) {
	h.publicTimeline(w, r, store.PublicFilter{Local: true}, "local")
}

func (h *Handler) publicTimeline(w http.ResponseWriter, r *http.Request, f store.PublicFilter, nav string) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	pg, err := pageOf(r, PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.statuses.Public(r.Context(), q.viewer(), f, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.timeline(q, http.StatusOK, nav, items, pg, &timelineData{Heading: q.v.Tr("nav_" + nav),
		Intro: q.v.Tr("intro_"+nav, h.Cfg.Domain), Poll: "/web/poll/" + nav, Empty: q.v.Tr("empty_public"), filterContext: "public"})
}

// tag is /tags/NAME: public posts with a hashtag.
func (h *Handler) tag(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	name, _, ok := search.NormalizeTag(r.PathValue("name"))
	if !ok {
		h.fail(w, r, domain.NotFound())
		return
	}
	pg, err := pageOf(r, PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.statuses.Tag(r.Context(), q.viewer(), store.TagFilter{Tag: name}, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.timeline(q, http.StatusOK, "", items, pg, &timelineData{Heading: "#" + name, Empty: q.v.Tr("empty_tag"), filterContext: "public"})
}

// favourites is /favourites: the viewer's favourited posts.
func (h *Handler) favourites(w http.ResponseWriter, r *http.Request) {
	h.ownList(w, r, "favourites", h.Store.Favourites)
}

// bookmarks is /bookmarks: the viewer's bookmarked posts.
func (h *Handler) bookmarks(w http.ResponseWriter, r *http.Request) {
	h.ownList(w, r, "bookmarks", h.Store.Bookmarks)
}

func (h *Handler) ownList(w http.ResponseWriter, r *http.Request, nav string,
	list func(ctx context.Context, account domain.ID, p domain.Page) ([]store.PageItem, error)) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	}
	pg, err := pageOf(r, PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := list(r.Context(), q.acct.ID, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.timeline(q, http.StatusOK, nav, items, pg, &timelineData{Heading: q.v.Tr("nav_" + nav), Empty: q.v.Tr("empty_" + nav)})
}

// poll is GET /web/poll/{timeline}?since_id=: the statuses newer than
// since_id as an HTML fragment, for the page's script to insert (live
// updates until the streaming API exists).
func (h *Handler) poll(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	since, err := strconv.ParseInt(r.URL.Query().Get("since_id"), 10, 64)
	if err != nil || since < 0 {
		http.Error(w, "since_id: not an id", http.StatusUnprocessableEntity)
		return
	}
	pg := domain.Page{SinceID: domain.ID(since), Limit: MaxPollNew}
	var items []store.PageItem
	switch r.PathValue("timeline") {
	case "home":
		if q.acct == nil {
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		items, err = h.statuses.Home(r.Context(), q.acct.ID, pg)
	case "local":
		items, err = h.statuses.Public(r.Context(), q.viewer(), store.PublicFilter{Local: true}, pg)
	case "federated":
		items, err = h.statuses.Public(r.Context(), q.viewer(), store.PublicFilter{}, pg)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sts, err := h.loadStatuses(r.Context(), q.viewer(), store.IDsOf(items), pollContext(r.PathValue("timeline")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Forms in the fragment come back to the timeline's page.
	q.v.Path = map[string]string{"home": "/", "local": "/public/local", "federated": "/public"}[r.PathValue("timeline")]
	q.v.Data = &timelineData{Statuses: sts}
	var b strings.Builder
	if err := h.pages["timeline"].ExecuteTemplate(&b, "statuses", q.v); err != nil {
		h.fail(w, r, err)
		return
	}
	writeHTML(w, r, http.StatusOK, []byte(b.String()))
}

// pollContext is the filter context of a live-updated timeline.
func pollContext(timeline string) string {
	if timeline == "home" {
		return "home"
	}
	return "public"
}

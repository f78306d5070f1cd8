package mastodon

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Timeline limits: Mastodon's page sizes, and how many tags a hashtag
// timeline combines.
const (
	TimelineDefaultLimit = 20
	TimelineMaxLimit     = 40
	MaxTagsPerTimeline   = 4   // in each of any[], all[], none[]
	MaxTagNameChars      = 100 // characters of a hashtag
)

func (a *API) registerTimelines(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/timelines/home", a.endpoint(userOnly, "read:statuses", a.homeTimeline))
	mux.HandleFunc("GET /api/v1/timelines/public", a.endpoint(anyone, "read:statuses", a.publicTimeline))
	mux.HandleFunc("GET /api/v1/timelines/tag/{hashtag}", a.endpoint(anyone, "read:statuses", a.tagTimeline))
	mux.HandleFunc("GET /api/v1/timelines/link", a.endpoint(anyone, "read:statuses", a.linkTimeline))
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", a.endpoint(anyone, "read:statuses", a.accountStatuses))
	mux.HandleFunc("GET /api/v1/favourites", a.endpoint(userOnly, "read:favourites", a.favourites))
	mux.HandleFunc("GET /api/v1/bookmarks", a.endpoint(userOnly, "read:bookmarks", a.bookmarks))
}

// storeIDs returns the items' ids.
func storeIDs(items []store.PageItem) []domain.ID { return store.IDsOf(items) }

// setPageLink sets the Link header from the cursors of a page as the store
// returned it (rendering may drop items; the page bounds stay).
func setPageLink(w http.ResponseWriter, r *http.Request, base string, items []store.PageItem) {
	if len(items) > 0 {
		rest.SetLink(w, r, base, items[0].Cursor, items[len(items)-1].Cursor, len(items))
	}
}

// writeTimeline renders a page of statuses with its Link header.
func (a *API) writeTimeline(w http.ResponseWriter, r *http.Request, v *Viewer, items []store.PageItem, filterContext string) error {
	out, err := a.renderStatusList(r.Context(), v, storeIDs(items), filterContext)
	if err != nil {
		return err
	}
	setPageLink(w, r, a.Cfg.URL, items)
	rest.OK(w, out)
	return nil
}

// timelinePage reads the page parameters of a timeline.
func timelinePage(r *http.Request) (*rest.Params, domain.Page, error) {
	p, err := params(r)
	if err != nil {
		return nil, domain.Page{}, err
	}
	pg, err := p.Page(TimelineDefaultLimit, TimelineMaxLimit)
	return p, pg, err
}

// bools reads several boolean parameters, defaulting to false.
func bools(p *rest.Params, keys ...string) ([]bool, error) {
	out := make([]bool, len(keys))
	for i, k := range keys {
		b, err := p.Bool(k, false)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (a *API) homeTimeline(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	_, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	items, err := a.statusService().Home(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	return a.writeTimeline(w, r, v, items, "home")
}

func (a *API) publicTimeline(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	b, err := bools(p, "local", "remote", "only_media")
	if err != nil {
		return err
	}
	items, err := a.statusService().Public(r.Context(), v.AccountID(), store.PublicFilter{Local: b[0], Remote: b[1], OnlyMedia: b[2]}, pg)
	if err != nil {
		return err
	}
	return a.writeTimeline(w, r, v, items, "public")
}

// tagNames validates a list of hashtag names (a leading # is dropped).
func tagNames(key string, names []string) ([]string, error) {
	if len(names) > MaxTagsPerTimeline {
		return nil, domain.Invalid("%s: at most %d tags", key, MaxTagsPerTimeline)
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimPrefix(strings.TrimSpace(n), "#")
		if n == "" || len([]rune(n)) > MaxTagNameChars || strings.ContainsAny(n, " \t\n#") {
			return nil, domain.Invalid("%s: %q is not a valid hashtag", key, n)
		}
		out = append(out, strings.ToLower(n))
	}
	return out, nil
}

func (a *API) tagTimeline(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	tag, err := tagNames("hashtag", []string{r.PathValue("hashtag")})
	if err != nil {
		return err
	}
	f := store.TagFilter{Tag: tag[0]}
	if f.Any, err = tagNames("any", p.Strings("any")); err != nil {
		return err
	}
	if f.All, err = tagNames("all", p.Strings("all")); err != nil {
		return err
	}
	if f.None, err = tagNames("none", p.Strings("none")); err != nil {
		return err
	}
	b, err := bools(p, "local", "only_media")
	if err != nil {
		return err
	}
	f.Local, f.OnlyMedia = b[0], b[1]
	items, err := a.statusService().Tag(r.Context(), v.AccountID(), f, pg)
	if err != nil {
		return err
	}
	return a.writeTimeline(w, r, v, items, "public")
}

func (a *API) accountStatuses(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	b, err := bools(p, "pinned", "exclude_replies", "exclude_reblogs", "only_media")
	if err != nil {
		return err
	}
	f := store.AccountFilter{Pinned: b[0], ExcludeReplies: b[1], ExcludeReblogs: b[2], OnlyMedia: b[3]}
	if t := p.String("tagged"); t != "" {
		tags, err := tagNames("tagged", []string{t})
		if err != nil {
			return err
		}
		f.Tagged = tags[0]
	}
	items, err := a.statusService().AccountStatuses(r.Context(), v.AccountID(), id, f, pg)
	if err != nil {
		return err
	}
	return a.writeTimeline(w, r, v, items, "account")
}

func (a *API) favourites(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	_, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	items, err := a.Store.Favourites(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	return a.writeTimeline(w, r, v, items, "")
}

func (a *API) bookmarks(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	_, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	items, err := a.Store.Bookmarks(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	return a.writeTimeline(w, r, v, items, "")
}

// linkTimeline lists the public posts sharing a link (Mastodon 4.3's
// timelines/link, ?url=): those whose preview card is that URL's.
func (a *API) linkTimeline(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, pg, err := timelinePage(r)
	if err != nil {
		return err
	}
	u := p.String("url")
	if u == "" || len(u) > MaxLinkURLLen {
		return domain.Invalid("url: give the link, at most %d bytes", MaxLinkURLLen)
	}
	card, err := a.Store.CardByURL(r.Context(), u)
	if err != nil {
		return err
	}
	if card == nil {
		rest.OK(w, []any{})
		return nil
	}
	items, err := a.Store.LinkTimeline(r.Context(), card.ID, pg)
	if err != nil {
		return err
	}
	return a.writeTimeline(w, r, v, items, "public")
}

// MaxLinkURLLen bounds the url of the link timeline.
const MaxLinkURLLen = 2048

package mastodon

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/search"
	"github.com/agora-social/agora/internal/store"
)

func (a *API) registerTags(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/tags/{name}", a.endpoint(anyone, "", a.getTag))
	mux.HandleFunc("POST /api/v1/tags/{name}/follow", a.endpoint(userOnly, "write:follows", a.followTag))
	mux.HandleFunc("POST /api/v1/tags/{name}/unfollow", a.endpoint(userOnly, "write:follows", a.unfollowTag))
	mux.HandleFunc("GET /api/v1/followed_tags", a.endpoint(userOnly, "read:follows", a.getFollowedTags))
	mux.HandleFunc("GET /api/v1/featured_tags", a.endpoint(userOnly, "read:accounts", a.getFeaturedTags))
	mux.HandleFunc("POST /api/v1/featured_tags", a.endpoint(userOnly, "write:accounts", a.featureTag))
	mux.HandleFunc("DELETE /api/v1/featured_tags/{id}", a.endpoint(userOnly, "write:accounts", a.unfeatureTag))
	mux.HandleFunc("GET /api/v1/featured_tags/suggestions", a.endpoint(userOnly, "read:accounts", a.featuredTagSuggestions))
	mux.HandleFunc("GET /api/v1/accounts/{id}/featured_tags", a.endpoint(anyone, "", a.getAccountFeaturedTags))
}

func (a *API) search() *search.Service { return &search.Service{Store: a.Store, BaseURL: a.Cfg.URL} }

// Hashtag is Mastodon's full Tag entity (statuses carry the short one):
// history covers the last TagHistoryDays days, today first; following is
// shown to signed-in users only.
type Hashtag struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	URL       string       `json:"url"`
	History   []TagHistory `json:"history"`
	Following *bool        `json:"following,omitempty"`
}

// TagHistory is one day of a tag's use; Mastodon sends the numbers as strings.
type TagHistory struct {
	Day      string `json:"day"` // Unix time of midnight UTC
	Uses     string `json:"uses"`
	Accounts string `json:"accounts"`
}

// TagHistoryDays is how many days of use a Tag entity shows, as Mastodon.
const TagHistoryDays = 7

// FeaturedTag is Mastodon's FeaturedTag entity (statuses_count is a
// string there).
type FeaturedTag struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	URL           string  `json:"url"`
	StatusesCount string  `json:"statuses_count"`
	LastStatusAt  *string `json:"last_status_at"`
}

// renderTags renders tags with the viewer's following flags (one query).
func (a *API) renderTags(r *http.Request, v *Viewer, tags []*store.Tag) ([]Hashtag, error) {
	ids := make([]domain.ID, 0, len(tags))
	for _, t := range tags {
		if t.ID != 0 {
			ids = append(ids, t.ID)
		}
	}
	following, err := a.Store.FollowingTags(r.Context(), v.AccountID(), ids)
	if err != nil {
		return nil, err
	}
	history, err := a.Store.TagHistory(r.Context(), ids, TagHistoryDays)
	if err != nil {
		return nil, err
	}
	out := make([]Hashtag, 0, len(tags))
	for _, t := range tags {
		x := Hashtag{ID: t.ID.String(), Name: t.DisplayName, URL: a.Cfg.URL + "/tags/" + url.PathEscape(t.Name), History: []TagHistory{}}
		for _, d := range history[t.ID] {
			x.History = append(x.History, TagHistory{Day: strconv.FormatInt(d.Day.Unix(), 10),
				Uses: strconv.FormatInt(d.Uses, 10), Accounts: strconv.FormatInt(d.Accounts, 10)})
		}
		if t.ID == 0 {
			x.ID = ""
		}
		if v.AccountID() != 0 {
			f := following[t.ID]
			x.Following = &f
		}
		out = append(out, x)
	}
	return out, nil
}

func (a *API) renderTag(w http.ResponseWriter, r *http.Request, v *Viewer, t *store.Tag) error {
	out, err := a.renderTags(r, v, []*store.Tag{t})
	if err != nil {
		return err
	}
	rest.OK(w, out[0])
	return nil
}

func (a *API) getTag(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	t, err := a.search().Tag(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return a.renderTag(w, r, v, t)
}

func (a *API) followTag(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	t, err := a.search().FollowTag(r.Context(), v.Account.ID, r.PathValue("name"))
	if err != nil {
		return err
	}
	return a.renderTag(w, r, v, t)
}

func (a *API) unfollowTag(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	t, err := a.search().UnfollowTag(r.Context(), v.Account.ID, r.PathValue("name"))
	if err != nil {
		return err
	}
	return a.renderTag(w, r, v, t)
}

// Page sizes of followed tags (Phanpy asks for 200; Mastodon caps at 200).
const (
	DefaultFollowedTags = 100
	MaxFollowedTags     = 200
)

func (a *API) getFollowedTags(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(DefaultFollowedTags, MaxFollowedTags)
	if err != nil {
		return err
	}
	tags, pageIDs, err := a.Store.FollowedTags(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	out, err := a.renderTags(r, v, tags)
	if err != nil {
		return err
	}
	if len(pageIDs) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, pageIDs[0], pageIDs[len(pageIDs)-1], len(pageIDs))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) renderFeaturedTag(acct *domain.Account, f *store.FeaturedTag) FeaturedTag {
	out := FeaturedTag{ID: f.ID.String(), Name: f.Tag.DisplayName,
		URL:           a.Cfg.URL + "/@" + acct.Username + "/tagged/" + url.PathEscape(f.Tag.Name),
		StatusesCount: strconv.FormatInt(f.StatusesCount, 10)}
	if acct.URL != "" {
		out.URL = acct.URL + "/tagged/" + url.PathEscape(f.Tag.Name)
	}
	if f.LastStatusAt != nil {
		d := f.LastStatusAt.UTC().Format("2006-01-02")
		out.LastStatusAt = &d
	}
	return out
}

func (a *API) writeFeaturedTags(w http.ResponseWriter, r *http.Request, acct *domain.Account) error {
	fs, err := a.Store.FeaturedTags(r.Context(), acct.ID)
	if err != nil {
		return err
	}
	out := make([]FeaturedTag, 0, len(fs))
	for _, f := range fs {
		out = append(out, a.renderFeaturedTag(acct, f))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) getFeaturedTags(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.writeFeaturedTags(w, r, v.Account)
}

func (a *API) getAccountFeaturedTags(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	acct, err := a.Store.Account(r.Context(), id)
	if err != nil {
		return err
	}
	if acct.SuspendedAt != nil {
		rest.OK(w, []FeaturedTag{})
		return nil
	}
	return a.writeFeaturedTags(w, r, acct)
}

func (a *API) featureTag(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	f, err := a.search().FeatureTag(r.Context(), v.Account.ID, p.String("name"))
	if err != nil {
		return err
	}
	rest.OK(w, a.renderFeaturedTag(v.Account, f))
	return nil
}

func (a *API) unfeatureTag(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.UnfeatureTag(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, struct{}{})
	return nil
}

func (a *API) featuredTagSuggestions(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	tags, err := a.Store.TagSuggestions(r.Context(), v.Account.ID, search.MaxFeaturedTags)
	if err != nil {
		return err
	}
	out, err := a.renderTags(r, v, tags)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

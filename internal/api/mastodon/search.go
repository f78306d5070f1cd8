package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/search"
)

func (a *API) registerSearch(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v2/search", a.endpoint(anyone, "read:search", a.searchV2))
}

// SearchResults is Mastodon's (v2) Search entity.
type SearchResults struct {
	Accounts []*Account `json:"accounts"`
	Statuses []any      `json:"statuses"`
	Hashtags []Hashtag  `json:"hashtags"`
}

func (a *API) searchV2(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	q := search.Query{Q: p.String("q"), Type: p.String("type")}
	if q.Limit, err = p.Int("limit", search.DefaultLimit, 1, 1<<30); err != nil {
		return err
	}
	if q.Offset, err = p.Int("offset", 0, 0, search.MaxOffset); err != nil {
		return err
	}
	if q.Following, err = p.Bool("following", false); err != nil {
		return err
	}
	if q.Resolve, err = p.Bool("resolve", false); err != nil {
		return err
	}
	if q.AccountID, err = p.ID("account_id"); err != nil {
		return err
	}
	q.OffsetGiven = p.String("offset") != ""
	res, err := a.search().Search(r.Context(), v.AccountID(), q)
	if err != nil {
		return err
	}
	out := SearchResults{Accounts: make([]*Account, 0, len(res.Accounts)), Statuses: []any{}}
	for _, acct := range res.Accounts {
		out.Accounts = append(out.Accounts, a.renderAccount(acct))
	}
	if out.Hashtags, err = a.renderTags(r, v, res.Hashtags); err != nil {
		return err
	}
	if len(res.StatusIDs) > 0 {
		sts, err := a.renderStatuses(r.Context(), v, res.StatusIDs, "public")
		if err != nil {
			return err
		}
		if sts != nil {
			out.Statuses = sts
		}
	}
	rest.OK(w, out)
	return nil
}

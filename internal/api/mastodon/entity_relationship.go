package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
)

// Relationship is Mastodon's Relationship entity.
type Relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"` // null: all languages
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

func renderRelationship(r *domain.Relationship) *Relationship {
	return &Relationship{
		ID: r.ID.String(), Following: r.Following, ShowingReblogs: r.ShowingReblogs, Notifying: r.Notifying,
		Languages: r.Languages, FollowedBy: r.FollowedBy, Blocking: r.Blocking, BlockedBy: r.BlockedBy,
		Muting: r.Muting, MutingNotifications: r.MutingNotifications, Requested: r.Requested,
		RequestedBy: r.RequestedBy, DomainBlocking: r.DomainBlocking, Endorsed: r.Endorsed, Note: r.Note,
	}
}

// graphService returns the social graph service. It holds nothing but the store,
// so building it per request costs nothing.
func (a *API) graphService() *graph.Service { return graph.New(a.Store) }

// renderAccountPage writes a page of accounts with its Link header.
func (a *API) renderAccountPage(w http.ResponseWriter, r *http.Request, page *graph.AccountPage) {
	if page.Newest != 0 {
		rest.SetLink(w, r, a.Cfg.URL, page.Newest, page.Oldest, 1)
	}
	out := make([]*Account, 0, len(page.Accounts))
	for _, acct := range page.Accounts {
		out = append(out, a.renderAccount(acct))
	}
	rest.OK(w, out)
}

// accountPageParams reads the pagination of an account list.
func accountPageParams(r *http.Request) (domain.Page, error) {
	p, err := params(r)
	if err != nil {
		return domain.Page{}, err
	}
	return p.Page(graph.DefaultPageLimit, graph.MaxPageLimit)
}

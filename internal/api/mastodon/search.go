package mastodon

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
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
	var resolved *domain.Account
	if q.Resolve && v.AccountID() != 0 && q.Offset == 0 && (q.Type == "" || q.Type == search.TypeAccounts || q.Type == search.TypeStatuses) {
		// Resolved objects are stored, so the search below finds a
		// resolved status by its URL; a resolved account is put first.
		resolved = a.resolve(r.Context(), strings.TrimSpace(q.Q))
	}
	res, err := a.search().Search(r.Context(), v.AccountID(), q)
	if err != nil {
		return err
	}
	out := SearchResults{Accounts: make([]*Account, 0, len(res.Accounts)+1), Statuses: []any{}}
	if resolved != nil && (q.Type == "" || q.Type == search.TypeAccounts) {
		blocked, err := a.Store.BlockedEither(r.Context(), v.AccountID(), resolved.ID)
		if err != nil {
			return err
		}
		if !blocked && resolved.SuspendedAt == nil {
			out.Accounts = append(out.Accounts, a.renderAccount(resolved))
		}
	}
	for _, acct := range res.Accounts {
		if resolved != nil && acct.ID == resolved.ID {
			continue
		}
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

// remoteHandle is what search resolves as an account: user@host, with or
// without a leading @.
var remoteHandle = regexp.MustCompile(`^@?([A-Za-z0-9_.\-]+)@([A-Za-z0-9.\-]+(?::[0-9]+)?)$`)

// resolve fetches over federation the account or status q names (a
// handle or an http(s) URL), storing it; the account is returned. Failures
// are not errors: the search then finds what is known.
func (a *API) resolve(ctx context.Context, q string) *domain.Account {
	if a.Resolver == nil {
		return nil
	}
	if strings.HasPrefix(q, "https://") || strings.HasPrefix(q, "http://") {
		acct, _, err := a.Resolver.ResolveURL(ctx, q)
		if err != nil && domain.KindOf(err) != domain.KindNotFound {
			a.Log.Warn("search: resolve url", "err", err)
		}
		return acct
	}
	m := remoteHandle.FindStringSubmatch(q)
	if m == nil {
		return nil
	}
	acct, err := a.Resolver.ResolveAccount(ctx, m[1], m[2])
	if err != nil && domain.KindOf(err) != domain.KindNotFound {
		a.Log.Warn("search: resolve account", "err", err)
	}
	return acct
}

package mastodon

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
)

// Limits of account search (documented in docs/api.md).
const (
	AccountSearchDefaultLimit = 40
	AccountSearchMaxLimit     = 40
	AccountSearchMaxOffset    = 10000
	MaxLookupLen              = 300 // characters in acct
)

// registerAccountsExtra adds the account endpoints beyond sign-up and
// credentials: lookup, search, relationships and the social graph.
func (a *API) registerAccountsExtra(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/accounts/lookup", a.endpoint(anyone, "read:accounts", a.accountLookup))
	mux.HandleFunc("GET /api/v1/accounts/search", a.endpoint(userOnly, "read:accounts", a.accountSearch))
	mux.HandleFunc("GET /api/v1/accounts/relationships", a.endpoint(userOnly, "read:follows", a.accountRelationships))
	mux.HandleFunc("GET /api/v1/accounts/familiar_followers", a.endpoint(userOnly, "read:follows", a.accountFamiliarFollowers))
	mux.HandleFunc("GET /api/v1/endorsements", a.endpoint(userOnly, "read:accounts", a.listEndorsements))
	mux.HandleFunc("GET /api/v1/accounts/{id}/endorsements", a.endpoint(anyone, "read:accounts", a.listEndorsements))
	mux.HandleFunc("PATCH /api/v1/accounts/update_credentials", a.endpoint(userOnly, "write:accounts", a.updateCredentials))
	a.registerAccountsGraph(mux)
	a.registerFollowRequests(mux)
	a.registerBlocksMutes(mux)
	a.registerMigration(mux) // accounts_migration.go: aliases and moving away
}

// accountLookup is GET /api/v1/accounts/lookup?acct=user[@domain].
func (a *API) accountLookup(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	acct := strings.TrimPrefix(strings.TrimSpace(p.String("acct")), "@")
	if acct == "" {
		return domain.Invalid("acct is missing")
	}
	if len(acct) > MaxLookupLen {
		return domain.NotFound()
	}
	user, host, _ := strings.Cut(acct, "@")
	if strings.EqualFold(host, a.Cfg.Domain) {
		host = ""
	}
	found, err := a.Store.AccountByHandle(r.Context(), user, host)
	if host != "" && a.Resolver != nil && (domain.KindOf(err) == domain.KindNotFound || (err == nil && !found.Local())) {
		// A remote handle is resolved over federation (WebFinger, then
		// the actor), refreshing a stale one, as Mastodon does.
		found, err = a.Resolver.ResolveAccount(r.Context(), user, host)
	}
	if err != nil {
		return err
	}
	if found.SuspendedAt != nil && !found.Local() {
		return domain.NotFound()
	}
	rest.OK(w, a.renderAccount(found))
	return nil
}

// accountSearch is GET /api/v1/accounts/search (mention autocomplete).
func (a *API) accountSearch(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	limit, err := p.Int("limit", AccountSearchDefaultLimit, 1, 1<<30)
	if err != nil {
		return err
	}
	limit = min(limit, AccountSearchMaxLimit) // Mastodon caps rather than refusing
	offset, err := p.Int("offset", 0, 0, AccountSearchMaxOffset)
	if err != nil {
		return err
	}
	following, err := p.Bool("following", false)
	if err != nil {
		return err
	}
	if _, err := p.Bool("resolve", false); err != nil {
		return err
	}
	q := strings.TrimSpace(p.String("q"))
	out := []*Account{}
	if q == "" {
		rest.OK(w, out)
		return nil
	}
	found, err := a.Store.SearchAccounts(r.Context(), q, v.AccountID(), following, limit, offset)
	if err != nil {
		return err
	}
	ids := make([]domain.ID, len(found))
	for i, f := range found {
		ids[i] = f.ID
	}
	blocked, err := a.Store.BlockedAmong(r.Context(), v.AccountID(), ids)
	if err != nil {
		return err
	}
	for _, f := range found {
		if !blocked[f.ID] {
			out = append(out, a.renderAccount(f))
		}
	}
	rest.OK(w, out)
	return nil
}

// accountRelationships is GET /api/v1/accounts/relationships?id[]=...
func (a *API) accountRelationships(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	ids, err := p.IDs("id", graph.MaxRelationshipIDs)
	if err != nil {
		return err
	}
	rs, err := a.graphService().Relationships(r.Context(), v.AccountID(), ids)
	if err != nil {
		return err
	}
	out := make([]*Relationship, 0, len(rs))
	for _, rel := range rs {
		out = append(out, renderRelationship(rel))
	}
	rest.OK(w, out)
	return nil
}

// accountFamiliarFollowers is GET /api/v1/accounts/familiar_followers?id[]=...
func (a *API) accountFamiliarFollowers(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	ids, err := p.IDs("id", graph.MaxFamiliarIDs)
	if err != nil {
		return err
	}
	fam, err := a.graphService().FamiliarFollowers(r.Context(), v.AccountID(), ids)
	if err != nil {
		return err
	}
	type familiar struct {
		ID       string     `json:"id"`
		Accounts []*Account `json:"accounts"`
	}
	out := make([]familiar, 0, len(ids))
	seen := map[domain.ID]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		f := familiar{ID: id.String(), Accounts: make([]*Account, 0, len(fam[id]))}
		for _, acct := range fam[id] {
			f.Accounts = append(f.Accounts, a.renderAccount(acct))
		}
		out = append(out, f)
	}
	rest.OK(w, out)
	return nil
}

// listEndorsements lists featured accounts; agora has none yet.
func (a *API) listEndorsements(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	rest.OK(w, []*Account{})
	return nil
}

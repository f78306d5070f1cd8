package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
)

// registerMisc adds the small endpoints clients call at start-up:
// announcements, trends, suggestions, the directory, domain blocks (server
// and personal) and push subscriptions.
func (a *API) registerMisc(mux *http.ServeMux) {
	a.registerPolicies(mux)
	for _, p := range []string{"/api/v1/trends", "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"} {
		mux.HandleFunc("GET "+p, a.endpoint(anyone, "", a.emptyList))
	}
	mux.HandleFunc("GET /api/v1/suggestions", a.endpoint(userOnly, "read", a.suggestionsV1))
	mux.HandleFunc("GET /api/v2/suggestions", a.endpoint(userOnly, "read", a.suggestionsV2))
	mux.HandleFunc("DELETE /api/v1/suggestions/{id}", a.endpoint(userOnly, "read", a.dismissSuggestion))
	mux.HandleFunc("GET /api/v1/directory", a.endpoint(anyone, "", a.directory))
	a.registerDomainBlocks(mux)
	a.registerDomainAllows(mux)
	a.registerAdminRelays(mux) // admin_relays.go: /api/agora/v1/admin/relays
	a.registerAdminHosts(mux)  // admin_hosts.go: unavailable hosts
	a.registerInvites(mux)
	a.registerCommunityNotes(mux)
	a.registerSignUpBlocks(mux)
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		mux.HandleFunc(m+" /api/v1/push/subscription", a.endpoint(userOnly, "push", a.noPush))
	}
}

func (a *API) emptyList(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	rest.OK(w, []any{})
	return nil
}

// noPush answers push subscription calls: agora does not send Web Push, and
// a JSON 404 tells clients so instead of a subscription that never fires.
func (a *API) noPush(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return domain.E(domain.KindNotFound, "push is not supported")
}

// Suggestion limits, as Mastodon's.
const (
	DefaultSuggestions = 40
	MaxSuggestions     = 80
)

func (a *API) suggestedAccounts(r *http.Request, v *Viewer) ([]*Account, error) {
	p, err := params(r)
	if err != nil {
		return nil, err
	}
	limit, err := p.Int("limit", DefaultSuggestions, 1, MaxSuggestions)
	if err != nil {
		return nil, err
	}
	accts, err := a.Store.SuggestedAccounts(r.Context(), v.Account.ID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*Account, 0, len(accts))
	for _, acct := range accts {
		out = append(out, a.renderAccount(acct))
	}
	return out, nil
}

func (a *API) suggestionsV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	out, err := a.suggestedAccounts(r, v)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

// Suggestion is Mastodon's (v2) Suggestion entity.
type Suggestion struct {
	Source  string   `json:"source"`
	Sources []string `json:"sources"`
	Account *Account `json:"account"`
}

func (a *API) suggestionsV2(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	accts, err := a.suggestedAccounts(r, v)
	if err != nil {
		return err
	}
	out := make([]Suggestion, 0, len(accts))
	for _, acct := range accts {
		out = append(out, Suggestion{Source: "global", Sources: []string{"most_followed"}, Account: acct})
	}
	rest.OK(w, out)
	return nil
}

func (a *API) dismissSuggestion(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.DismissSuggestion(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, struct{}{})
	return nil
}

// Directory limits, as Mastodon's.
const (
	DefaultDirectory = 40
	MaxDirectory     = 80
	MaxDirectoryOff  = 10000
)

func (a *API) directory(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	limit, err := p.Int("limit", DefaultDirectory, 1, MaxDirectory)
	if err != nil {
		return err
	}
	offset, err := p.Int("offset", 0, 0, MaxDirectoryOff)
	if err != nil {
		return err
	}
	order := p.String("order")
	switch order {
	case "":
		order = "active"
	case "active", "new":
	default:
		return domain.Invalid("order must be active or new")
	}
	local, err := p.Bool("local", false)
	if err != nil {
		return err
	}
	accts, err := a.Store.DirectoryAccounts(r.Context(), order, local, limit, offset)
	if err != nil {
		return err
	}
	out := make([]*Account, 0, len(accts))
	for _, acct := range accts {
		out = append(out, a.renderAccount(acct))
	}
	rest.OK(w, out)
	return nil
}

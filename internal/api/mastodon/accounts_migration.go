package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
)

// registerMigration adds account migration in GoToSocial's API shape
// (Mastodon has it in its web UI only): aliases, and moving away.
func (a *API) registerMigration(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/accounts/alias", a.endpoint(userOnly, "write:accounts", a.setAliases))
	mux.HandleFunc("POST /api/v1/accounts/move", a.endpoint(userOnly, "write:accounts", a.moveAccount))
	// agora's extension: neither Mastodon's API nor GoToSocial's has one.
	mux.HandleFunc("POST /api/agora/v1/accounts/move/cancel", a.endpoint(userOnly, "write:accounts", a.cancelMove))
}

// setAliases is POST /api/v1/accounts/alias {also_known_as: [...]} (also
// read as GoToSocial's also_known_as_uris): the accounts, handles or URLs,
// that this account is also known as, replacing the previous list (an
// empty list clears it). It answers the account with source.
func (a *API) setAliases(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	refs := append(p.Strings("also_known_as"), p.Strings("also_known_as_uris")...)
	if _, err := a.Accounts.SetAliases(r.Context(), v.Account, refs); err != nil {
		return err
	}
	return a.renderSelf(w, r, v)
}

// moveAccount is POST /api/v1/accounts/move {password, moved_to_uri}: the
// account moves to moved_to_uri (a URL or handle), which must list it as
// an alias. It answers the (moved) account with source.
func (a *API) moveAccount(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	moved, err := a.Accounts.Move(r.Context(), v.User, v.Account, p.String("password"), p.String("moved_to_uri"))
	if err != nil {
		return err
	}
	v.Account = moved
	return a.renderSelf(w, r, v)
}

// cancelMove is POST /api/agora/v1/accounts/move/cancel: the account is
// no longer marked moved (422 when it has not moved). It answers the
// account with source, moved cleared.
func (a *API) cancelMove(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	acct, err := a.Accounts.CancelMove(r.Context(), v.Account)
	if err != nil {
		return err
	}
	v.Account = acct
	return a.renderSelf(w, r, v)
}

// renderSelf answers the viewer's account, reloaded, as verify_credentials.
func (a *API) renderSelf(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	acct, err := a.Store.Account(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	n, err := a.Store.CountFollowRequests(r.Context(), acct.ID)
	if err != nil {
		return err
	}
	rest.OK(w, a.renderCredentialAccount(acct, v.User, n))
	return nil
}

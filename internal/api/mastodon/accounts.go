package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

func (a *API) registerAccounts(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/accounts", a.endpoint(appToken, "write:accounts", a.signUp))
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", a.endpoint(userOnly, "read:accounts", a.verifyCredentials))
	mux.HandleFunc("GET /api/v1/accounts/{id}", a.endpoint(anyone, "read:accounts", a.getAccount))
	a.registerAccountsExtra(mux)
}

// signUp is POST /api/v1/accounts: an app creates an account and receives
// a token for it.
func (a *API) signUp(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if !a.limit(w, a.limitSignUp, ClientIP(r)) {
		return nil
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	agreement, err := p.Bool("agreement", false)
	if err != nil {
		return err
	}
	u, _, err := a.Accounts.Register(r.Context(), accounts.SignUp{
		Username: p.String("username"), Email: p.String("email"), Password: p.String("password"),
		Agreement: agreement, Locale: p.String("locale"), Reason: p.String("reason"), IP: ClientIP(r),
		InviteCode: p.String("invite_code"),
	})
	if err != nil {
		return err
	}
	tok := auth.NewSecret(32)
	t := &domain.Token{AppID: v.Token.AppID, UserID: u.ID, Scopes: v.Token.Scopes}
	if err := a.Store.CreateToken(r.Context(), auth.HashSecret(tok), t); err != nil {
		return err
	}
	rest.OK(w, map[string]any{"access_token": tok, "token_type": "Bearer", "scope": t.Scopes.String(), "created_at": t.CreatedAt.Unix()})
	return nil
}

func (a *API) verifyCredentials(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	n, err := a.Store.CountFollowRequests(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	rest.OK(w, a.renderCredentialAccount(v.Account, v.User, n))
	return nil
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	acct, err := a.Store.Account(r.Context(), id)
	if err != nil {
		return err
	}
	rest.OK(w, a.renderAccount(acct))
	return nil
}

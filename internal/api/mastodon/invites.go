package mastodon

import (
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/store"
)

// maxListedInvites bounds the list of one's invites.
const maxListedInvites = 100

// registerInvites adds agora's invitation API (Mastodon has invites in its
// web UI only; sign-up takes invite_code in both).
func (a *API) registerInvites(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/agora/v1/invites", a.endpoint(userOnly, "read:accounts", a.listInvites))
	mux.HandleFunc("POST /api/agora/v1/invites", a.endpoint(userOnly, "write:accounts", a.createInvite))
	mux.HandleFunc("DELETE /api/agora/v1/invites/{id}", a.endpoint(userOnly, "write:accounts", a.expireInvite))
}

// Invite is agora's invite entity.
type Invite struct {
	ID         string `json:"id"`
	Code       string `json:"code"`
	URL        string `json:"url"`
	MaxUses    *int64 `json:"max_uses"`
	Uses       int64  `json:"uses"`
	ExpiresAt  *Time  `json:"expires_at"`
	Autofollow bool   `json:"autofollow"`
	Comment    string `json:"comment"`
	Valid      bool   `json:"valid"`
	CreatedAt  Time   `json:"created_at"`
}

func (a *API) renderInvite(i *store.Invite) *Invite {
	out := &Invite{ID: i.ID.String(), Code: i.Code, URL: a.Accounts.InviteURL(i), Uses: i.Uses, Autofollow: i.Autofollow,
		Comment: i.Comment, Valid: i.Valid(a.Store.Now()), CreatedAt: Time(i.CreatedAt)}
	if i.MaxUses > 0 {
		out.MaxUses = &i.MaxUses
	}
	if i.ExpiresAt != nil {
		t := Time(*i.ExpiresAt)
		out.ExpiresAt = &t
	}
	return out
}

func (a *API) listInvites(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	list, err := a.Store.Invites(r.Context(), v.Account.ID, maxListedInvites)
	if err != nil {
		return err
	}
	out := []*Invite{}
	for _, i := range list {
		out = append(out, a.renderInvite(i))
	}
	rest.OK(w, out)
	return nil
}

// createInvite takes max_uses (absent or 0: unlimited), expires_in
// (seconds; absent or 0: never), autofollow and comment.
func (a *API) createInvite(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	maxUses, err := p.Int("max_uses", 0, 0, accounts.MaxInviteUses)
	if err != nil {
		return err
	}
	expires, err := p.Int("expires_in", 0, 0, int(accounts.MaxInviteExpiry.Seconds()))
	if err != nil {
		return err
	}
	autofollow, err := p.Bool("autofollow", false)
	if err != nil {
		return err
	}
	inv, err := a.Accounts.CreateInvite(r.Context(), v.User, v.Account, accounts.InviteInput{MaxUses: maxUses,
		ExpiresIn: time.Duration(expires) * time.Second, Autofollow: autofollow, Comment: p.String("comment")})
	if err != nil {
		return err
	}
	rest.OK(w, a.renderInvite(inv))
	return nil
}

func (a *API) expireInvite(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.ExpireInvite(r.Context(), v.Account.ID, id); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

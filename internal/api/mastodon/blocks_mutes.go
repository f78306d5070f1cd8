package mastodon

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
)

func (a *API) registerBlocksMutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/blocks", a.endpoint(userOnly, "read:blocks", a.listBlocks))
	mux.HandleFunc("GET /api/v1/mutes", a.endpoint(userOnly, "read:mutes", a.listMutes))
}

// listBlocks is GET /api/v1/blocks, paged by the block's id.
func (a *API) listBlocks(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	pg, err := accountPageParams(r)
	if err != nil {
		return err
	}
	page, err := a.graphService().Blocks(r.Context(), v.AccountID(), pg)
	if err != nil {
		return err
	}
	a.renderAccountPage(w, r, page)
	return nil
}

// MutedAccount is an Account with the end of its mute, as Mastodon's
// /api/v1/mutes renders it.
type MutedAccount struct {
	*Account
	MuteExpiresAt *Time `json:"mute_expires_at"`
}

// listMutes is GET /api/v1/mutes, paged by the mute's id.
func (a *API) listMutes(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	pg, err := accountPageParams(r)
	if err != nil {
		return err
	}
	rows, err := a.graphService().Mutes(r.Context(), v.AccountID(), pg)
	if err != nil {
		return err
	}
	out := make([]MutedAccount, 0, len(rows))
	for _, m := range rows {
		out = append(out, MutedAccount{Account: a.renderAccount(m.Account), MuteExpiresAt: timePtr(m.ExpiresAt)})
	}
	if len(rows) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, rows[0].ID, rows[len(rows)-1].ID, len(rows))
	}
	rest.OK(w, out)
	return nil
}

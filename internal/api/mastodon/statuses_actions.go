package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
)

// Limits of the favourited_by and reblogged_by pages.
const (
	InteractionsDefaultLimit = 40
	InteractionsMaxLimit     = 80
)

func (a *API) registerStatusActions(mux *http.ServeMux) {
	act := func(path, scope string, fn func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error)) {
		mux.HandleFunc("POST /api/v1/statuses/{id}/"+path, a.endpoint(userOnly, scope, func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
			id, err := pathID(r, "id")
			if err != nil {
				return err
			}
			out, err := fn(r.Context(), v, id)
			if err != nil {
				return err
			}
			return a.writeStatus(w, r, v, out)
		}))
	}
	svc := a.statusService
	act("favourite", "write:favourites", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().Favourite(ctx, v.Account.ID, id)
	})
	act("unfavourite", "write:favourites", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().Unfavourite(ctx, v.Account.ID, id)
	})
	act("unreblog", "write:statuses", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().Unreblog(ctx, v.Account.ID, id)
	})
	act("bookmark", "write:bookmarks", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().Bookmark(ctx, v.Account.ID, id, true)
	})
	act("unbookmark", "write:bookmarks", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().Bookmark(ctx, v.Account.ID, id, false)
	})
	act("pin", "write:accounts", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().Pin(ctx, v.Account.ID, id, true)
	})
	act("unpin", "write:accounts", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().Pin(ctx, v.Account.ID, id, false)
	})
	act("mute", "write:mutes", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().MuteConversation(ctx, v.Account.ID, id, true)
	})
	act("unmute", "write:mutes", func(ctx context.Context, v *Viewer, id domain.ID) (domain.ID, error) {
		return svc().MuteConversation(ctx, v.Account.ID, id, false)
	})
	mux.HandleFunc("POST /api/v1/statuses/{id}/reblog", a.endpoint(userOnly, "write:statuses", a.reblog))
	mux.HandleFunc("GET /api/v1/statuses/{id}/favourited_by", a.endpoint(anyone, "read:accounts", a.favouritedBy))
	mux.HandleFunc("GET /api/v1/statuses/{id}/reblogged_by", a.endpoint(anyone, "read:accounts", a.rebloggedBy))
}

func (a *API) reblog(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	bid, err := a.statusService().Reblog(r.Context(), v.Account, v.User.Preferences, id, p.String("visibility"))
	if err != nil {
		return err
	}
	if bid == 0 {
		// The boost waits for the author's approval: the post as it is
		// (not reblogged yet), as GoToSocial answers a pending boost.
		return a.writeStatus(w, r, v, id)
	}
	return a.writeStatus(w, r, v, bid)
}

func (a *API) favouritedBy(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.interactionAccounts(w, r, v, false)
}

func (a *API) rebloggedBy(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.interactionAccounts(w, r, v, true)
}

func (a *API) interactionAccounts(w http.ResponseWriter, r *http.Request, v *Viewer, boosts bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(InteractionsDefaultLimit, InteractionsMaxLimit)
	if err != nil {
		return err
	}
	svc := a.statusService()
	list := svc.FavouritedBy
	if boosts {
		list = svc.RebloggedBy
	}
	items, err := list(r.Context(), v.AccountID(), id, pg)
	if err != nil {
		return err
	}
	accts, err := a.Store.Accounts(r.Context(), storeIDs(items))
	if err != nil {
		return err
	}
	out := []*Account{}
	for _, it := range items {
		if acct := accts[it.ID]; acct != nil {
			out = append(out, a.renderAccount(acct))
		}
	}
	setPageLink(w, r, a.Cfg.URL, items)
	rest.OK(w, out)
	return nil
}

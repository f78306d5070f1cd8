package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"
)

// relationship is POST /web/accounts/{id}/relationship with do= mute,
// unmute, block or unblock: the buttons on a profile and in the settings'
// list of muted and blocked accounts.
func (h *Handler) relationship(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx, viewer := r.Context(), q.acct.ID
	action := r.PostForm.Get("do")
	switch action {
	case "mute":
		_, err = h.graph.Mute(ctx, viewer, id, true, 0)
	case "unmute":
		_, err = h.graph.Unmute(ctx, viewer, id)
	case "block":
		_, err = h.graph.Block(ctx, viewer, id)
	case "unblock":
		_, err = h.graph.Unblock(ctx, viewer, id)
	default:
		err = domain.Invalid("do: must be mute, unmute, block or unblock")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, map[string]string{"mute": "flash_muted", "unmute": "flash_unmuted", "block": "flash_blocked",
		"unblock": "flash_unblocked"}[action], actionResult{})
}

// mutedAndBlocked are the accounts the settings page lists with a button
// to undo each.
type mutedAndBlocked struct {
	Muted, Blocked []*accountView
}

// MaxListedRelations bounds the muted and blocked accounts the settings
// page lists (the newest first).
const MaxListedRelations = 80

func (h *Handler) loadMutedAndBlocked(q *request) (*mutedAndBlocked, error) {
	ctx, viewer := q.r.Context(), q.acct.ID
	out := &mutedAndBlocked{}
	mutes, err := h.graph.Mutes(ctx, viewer, domain.Page{Limit: MaxListedRelations})
	if err != nil {
		return nil, err
	}
	for _, m := range mutes {
		out.Muted = append(out.Muted, h.accountView(m.Account))
	}
	blocks, err := h.graph.Blocks(ctx, viewer, domain.Page{Limit: MaxListedRelations})
	if err != nil {
		return nil, err
	}
	for _, a := range blocks.Accounts {
		out.Blocked = append(out.Blocked, h.accountView(a))
	}
	return out, nil
}

package web

import (
	"slices"

	"github.com/agora-social/agora/internal/domain"
)

// hiddenReplies fills what the thread page shows of replies its author
// hid (statuses.HideReply): the service's Context leaves them out of the
// thread, and the page lists those the viewer may see under "N hidden
// replies", collapsed, as they stay readable on their own. The author of
// the thread gets the buttons to hide and show replies again.
func (h *Handler) hiddenReplies(q *request, id domain.ID, anc, desc []domain.ID, d *threadData) error {
	ctx := q.r.Context()
	all, err := h.Store.Descendants(ctx, id)
	if err != nil {
		return err
	}
	shown := map[domain.ID]bool{}
	for _, x := range desc {
		shown[x] = true
	}
	var left []domain.ID
	for _, x := range all {
		if !shown[x] {
			left = append(left, x)
		}
	}
	// Loading applies the visibility rules, as for the thread itself.
	if d.Hidden, err = h.loadStatuses(ctx, q.viewer(), left, "thread"); err != nil {
		return err
	}
	hidden, err := h.Store.HiddenReplies(ctx, append(slices.Clone(all), id))
	if err != nil {
		return err
	}
	for _, s := range d.Hidden {
		s.Hidden = true // itself, or under a hidden reply
	}
	for _, s := range append(slices.Clone(d.Descendants), d.Status) {
		// The reply's own author still sees it in place: say it is hidden.
		s.Hidden = hidden[mustID(s.ID)]
	}
	if q.acct == nil {
		return nil
	}
	root := id
	if len(anc) > 0 {
		root = anc[0]
	}
	rootStatus, err := h.Store.Status(ctx, root)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil
		}
		return err
	}
	if rootStatus.AccountID != q.acct.ID {
		return nil
	}
	me := q.acct.ID.String()
	for _, s := range append(append(slices.Clone(d.Descendants), d.Hidden...), d.Status) {
		// Not one's own replies; under a hidden reply, only that reply
		// has the button (its replies go and come back with it).
		s.CanHide = s.Account.ID != me && (s != d.Status || len(anc) > 0) && (!s.Hidden || hidden[mustID(s.ID)])
	}
	return nil
}

// mustID parses an id a view was made from.
func mustID(s string) domain.ID {
	id, _ := domain.ParseID(s)
	return id
}

package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// notificationView is one notification as the page shows it.
type notificationView struct {
	ID      string
	Type    string
	Text    string // "Alice favourited your post", in the page's language
	From    *accountView
	Status  *statusView
	ISO     string
	Date    string
	Pending bool // a follow request waiting for an answer
}

type notificationsData struct {
	Items []*notificationView
	Older string
	// Requests counts the interactions waiting for the viewer's approval
	// (up to maxRequestsShown), linked to /interaction_requests.
	Requests int
}

// maxRequestsShown bounds the count of the interaction requests link.
const maxRequestsShown = 99

// notifications is GET /notifications: the viewer's notifications, newest
// first, each with the post it is about (when the viewer may still see it).
func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	}
	pg, err := pageOf(r, PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	ns, err := h.Store.Notifications(ctx, q.acct.ID, store.NotificationFilter{}, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var statusIDs, accountIDs []domain.ID
	for _, n := range ns {
		accountIDs = append(accountIDs, n.FromAccountID)
		if n.StatusID != 0 {
			statusIDs = append(statusIDs, n.StatusID)
		}
	}
	sts, err := h.loadStatuses(ctx, q.acct.ID, statusIDs, "notifications")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	byID := map[string]*statusView{}
	for _, s := range sts {
		byID[s.EntryID] = s
	}
	if err := h.addPendingReplyViews(q, ns, byID); err != nil {
		h.fail(w, r, err)
		return
	}
	accts, err := h.Store.Accounts(ctx, accountIDs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pending, err := h.pendingRequests(q, ns)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &notificationsData{}
	if d.Requests, err = h.Store.CountPendingInteractionRequests(ctx, q.acct.ID, maxRequestsShown); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, n := range ns {
		from := accts[n.FromAccountID]
		if from == nil {
			continue
		}
		nv := &notificationView{ID: n.ID.String(), Type: n.Type, From: h.accountView(from), ISO: isoTime(n.CreatedAt),
			Date: q.v.Date(n.CreatedAt), Pending: n.Type == domain.NotifyFollowRequest && pending[n.FromAccountID]}
		if n.StatusID != 0 {
			// Statuses the viewer may no longer see take their notification with them.
			if nv.Status = byID[n.StatusID.String()]; nv.Status == nil {
				continue
			}
		}
		nv.Text = q.v.Tr("notif_"+n.Type, nv.From.Name)
		if nv.Text == "" {
			nv.Text = q.v.Tr("notif_other", nv.From.Name)
		}
		d.Items = append(d.Items, nv)
	}
	if len(ns) >= pg.Limit {
		d.Older = r.URL.Path + "?max_id=" + ns[len(ns)-1].ID.String()
	}
	q.v.Title, q.v.Nav, q.v.Data = q.v.Tr("nav_notifications"), "notifications", d
	h.render(q, http.StatusOK, "notifications")
}

// addPendingReplyViews adds the replies of pending.reply notifications,
// which only their author may see otherwise (pendingReplyViews).
func (h *Handler) addPendingReplyViews(q *request, ns []*domain.Notification, byID map[string]*statusView) error {
	var ids []domain.ID
	for _, n := range ns {
		if n.Type == store.NotifyPendingReply && n.StatusID != 0 && byID[n.StatusID.String()] == nil {
			ids = append(ids, n.StatusID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	m, err := h.Store.ReplyRequests(q.r.Context(), ids)
	if err != nil {
		return err
	}
	reqs := make([]*store.InteractionRequest, 0, len(m))
	for _, req := range m {
		reqs = append(reqs, req)
	}
	views, err := h.pendingReplyViews(q, reqs)
	if err != nil {
		return err
	}
	for id, v := range views {
		byID[id.String()] = v
	}
	return nil
}

// pendingRequests says which senders of follow-request notifications still
// wait for an answer.
func (h *Handler) pendingRequests(q *request, ns []*domain.Notification) (map[domain.ID]bool, error) {
	var ids []domain.ID
	for _, n := range ns {
		if n.Type == domain.NotifyFollowRequest {
			ids = append(ids, n.FromAccountID)
		}
	}
	out := map[domain.ID]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rels, err := h.graph.Relationships(q.r.Context(), q.acct.ID, ids)
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		out[rel.ID] = rel.RequestedBy
	}
	return out, nil
}

// answerRequest is POST /web/follow_requests/{id} with do=authorize or
// reject: the answer to a follow request, from the notifications page.
func (h *Handler) answerRequest(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	flash := "flash_authorized"
	switch r.PostForm.Get("do") {
	case "authorize":
		_, err = h.graph.Authorize(r.Context(), q.acct.ID, id)
	case "reject":
		flash = "flash_rejected"
		_, err = h.graph.Reject(r.Context(), q.acct.ID, id)
	default:
		err = domain.Invalid("do: must be authorize or reject")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, flash, actionResult{})
}

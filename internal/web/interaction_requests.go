package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// registerInteractionRequests adds the page where an author approves or
// refuses the replies, favourites and boosts that need approval.
func (h *Handler) registerInteractionRequests(mux *http.ServeMux) {
	mux.HandleFunc("GET /interaction_requests", h.interactionRequests)
	mux.HandleFunc("POST /interaction_requests/{id}", h.answerInteractionRequest)
}

// interactionRequestView is one pending request as the page shows it.
type interactionRequestView struct {
	ID     string
	Kind   string // reply, favourite, reblog
	Text   string // "Bob asks to reply to your post", in the page's language
	From   *accountView
	Status *statusView // the post interacted with
	Reply  *statusView // the reply waiting (kind reply)
	ISO    string
	Date   string
}

type interactionRequestsData struct {
	Items []*interactionRequestView
	Older string
}

// interactionRequests is GET /interaction_requests: the requests waiting
// for the viewer's answer, newest first, each with its post (and reply)
// and the Approve and Reject buttons.
func (h *Handler) interactionRequests(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	pg, err := pageOf(r, PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	all := store.InteractionRequestFilter{Favourites: true, Replies: true, Reblogs: true}
	reqs, err := h.Store.PendingInteractionRequests(ctx, q.acct.ID, all, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var targetIDs, accountIDs []domain.ID
	for _, req := range reqs {
		targetIDs, accountIDs = append(targetIDs, req.StatusID), append(accountIDs, req.AccountID)
	}
	targets, err := h.loadStatuses(ctx, q.acct.ID, targetIDs, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	byID := map[string]*statusView{}
	for _, s := range targets {
		byID[s.EntryID] = s
	}
	replies, err := h.pendingReplyViews(q, reqs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	accts, err := h.Store.Accounts(ctx, accountIDs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &interactionRequestsData{}
	for _, req := range reqs {
		from, target := accts[req.AccountID], byID[req.StatusID.String()]
		if from == nil || target == nil {
			continue
		}
		iv := &interactionRequestView{ID: req.ID.String(), Kind: req.Kind, From: h.accountView(from), Status: target,
			Reply: replies[req.ReplyID], ISO: isoTime(req.CreatedAt), Date: q.v.Date(req.CreatedAt)}
		if req.Kind == store.RequestReply && iv.Reply == nil {
			continue // deleted by its author
		}
		iv.Text = q.v.Tr("ir_asks_"+req.Kind, iv.From.Name)
		d.Items = append(d.Items, iv)
	}
	if len(reqs) >= pg.Limit {
		d.Older = r.URL.Path + "?max_id=" + reqs[len(reqs)-1].ID.String()
	}
	q.v.Title, q.v.Nav, q.v.Data = q.v.Tr("ir_title"), "notifications", d
	h.render(q, http.StatusOK, "interaction_requests")
}

// pendingReplyViews shows the replies of requests to the author they
// ask: only their own author may see them otherwise, so each is loaded
// as its author sees it, by reply id.
func (h *Handler) pendingReplyViews(q *request, reqs []*store.InteractionRequest) (map[domain.ID]*statusView, error) {
	byAuthor := map[domain.ID][]domain.ID{}
	for _, req := range reqs {
		if req.Kind == store.RequestReply && req.ReplyID != 0 && req.TargetAccountID == q.acct.ID {
			byAuthor[req.AccountID] = append(byAuthor[req.AccountID], req.ReplyID)
		}
	}
	out := map[domain.ID]*statusView{}
	for author, ids := range byAuthor {
		views, err := h.loadStatuses(q.r.Context(), author, ids, "")
		if err != nil {
			return nil, err
		}
		for _, v := range views {
			v.Favourited, v.Boosted, v.Bookmarked = false, false, false // its author's, not the viewer's
			if id, ok := domain.ParseID(v.EntryID); ok {
				out[id] = v
			}
		}
	}
	return out, nil
}

// answerInteractionRequest is POST /interaction_requests/{id} with
// do=authorize or reject.
func (h *Handler) answerInteractionRequest(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var flash string
	switch r.PostForm.Get("do") {
	case "authorize":
		flash = "flash_ir_approved"
		_, err = h.statuses.AnswerInteraction(r.Context(), q.acct.ID, id, true)
	case "reject":
		flash = "flash_ir_rejected"
		_, err = h.statuses.AnswerInteraction(r.Context(), q.acct.ID, id, false)
	default:
		err = domain.Invalid("do: must be authorize or reject")
	}
	if domain.KindOf(err) == domain.KindConflict {
		flash, err = "flash_ir_already", nil // answered meanwhile (another tab)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, flash, actionResult{})
}

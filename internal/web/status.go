package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"
)

// threadData is what the status template shows.
type threadData struct {
	Ancestors   []*statusView
	Status      *statusView
	Descendants []*statusView
	Reply       *composeForm
	Notes       *notesBox // Community Notes; nil when there is nothing to show
	// Hidden are the replies the thread's author hid, collapsed
	// (reader_thread.go); ReplyBox says who may reply (reader_policy.go).
	Hidden      []*statusView
	HiddenCount int64
	ReplyBox    *replyBox
	ReplyError  string // a refused reply's error, when the form is not offered
	QuoteBox    *quoteBox
}

// statusPage is GET /@NAME/ID: a status with its thread and, for a signed-in
// viewer, a reply form.
func (h *Handler) statusPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	id, err := pathID(r, "sub")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.resolveHandle(r, r.PathValue("handle"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.statuses.Get(r.Context(), q.viewer(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if st.AccountID != a.ID {
		h.fail(w, r, domain.NotFound())
		return
	}
	if activityJSON(r) && st.Local && st.ReblogOfID == 0 {
		http.Redirect(w, r, st.URI, http.StatusSeeOther)
		return
	}
	h.threadPage(q, id, nil, http.StatusOK)
}

// threadPage renders the thread of id; reply is a reply form sent back
// with an error, or nil for a fresh one.
func (h *Handler) threadPage(q *request, id domain.ID, reply *composeForm, status int) {
	h.thread(q, id, reply, nil, status)
}

// threadPageNotes renders the thread of id with a note form sent back
// with an error.
func (h *Handler) threadPageNotes(q *request, id domain.ID, box *notesBox, status int) {
	h.thread(q, id, nil, box, status)
}

func (h *Handler) thread(q *request, id domain.ID, reply *composeForm, box *notesBox, status int) {
	ctx := q.r.Context()
	anc, desc, err := h.statuses.Context(ctx, q.viewer(), id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	all := append(append(append([]domain.ID{}, anc...), id), desc...)
	sts, err := h.loadStatuses(ctx, q.viewer(), all, "thread")
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d := &threadData{}
	focus := id.String()
	for _, s := range sts {
		switch {
		case s.EntryID == focus:
			s.Focus = true
			d.Status = s
		case d.Status == nil:
			d.Ancestors = append(d.Ancestors, s)
		default:
			d.Descendants = append(d.Descendants, s)
		}
	}
	if d.Status == nil {
		h.fail(q.w, q.r, domain.NotFound())
		return
	}
	if d.Status.BoostedBy != nil {
		// A boost's page is its original's.
		http.Redirect(q.w, q.r, d.Status.Path, http.StatusSeeOther)
		return
	}
	if err := h.hiddenReplies(q, id, anc, desc, d); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d.HiddenCount = int64(len(d.Hidden))
	st, err := h.statuses.Get(ctx, q.viewer(), id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.ReplyBox, err = h.replyBoxOf(ctx, q, st, d.Status.Account.Acct); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.QuoteBox, err = h.quoteBoxOf(ctx, q, st, d.Status.Account.Acct); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	switch {
	case q.acct == nil:
	case d.ReplyBox.Refused:
		// No form for a reply the author does not accept.
		if reply != nil {
			d.ReplyError = reply.Error
		}
	default:
		if reply == nil {
			reply = h.newCompose(q, d.Status)
		}
		reply.InReplyTo, reply.Heading = d.Status.ID, q.v.Tr("reply_heading", d.Status.Account.Acct)
		reply.QuotePolicies = true
		d.Reply = reply
	}
	if d.Notes, err = h.statusNotes(q, d.Status, box); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	q.v.Title = q.v.Tr("status_title", d.Status.Account.Name)
	q.v.Path = d.Status.Path
	q.v.Data = d
	h.render(q, status, "status")
}

package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// pollDurations are the compose form's poll lengths, in seconds.
var pollDurations = []struct{ Value, Key string }{
	{"300", "poll_5m"}, {"1800", "poll_30m"}, {"3600", "poll_1h"}, {"21600", "poll_6h"},
	{"86400", "poll_1d"}, {"259200", "poll_3d"}, {"604800", "poll_7d"},
}

// DefaultPollDuration is the preselected poll length.
const DefaultPollDuration = "86400"

// pollView is a status's poll as the pages show it.
type pollView struct {
	ID          string // the status's id (a poll's id is its status's)
	Options     []pollOption
	Multiple    bool
	Expired     bool
	Voted       bool
	CanVote     bool
	ShowTotals  bool
	VotersCount int64
	ExpiresAt   time.Time
	ISO         string
}

// pollOption is one option with its results.
type pollOption struct {
	Index     int
	Title     string
	TitleHTML template.HTML // Title with its custom emoji as images (statusview.go)
	Votes     int64
	Percent   int
	Own       bool // the viewer chose it
}

// pollViewOf renders p for viewer; own are the viewer's choices.
func (h *Handler) pollViewOf(st *domain.Status, p *store.Poll, own []int, viewer domain.ID) *pollView {
	now := h.Store.Now()
	v := &pollView{ID: st.ID.String(), Multiple: p.Multiple, Expired: statuses.Expired(p, now), Voted: len(own) > 0,
		VotersCount: p.VotersCount, ExpiresAt: p.ExpiresAt, ISO: isoTime(p.ExpiresAt)}
	v.CanVote = viewer != 0 && !v.Expired && !v.Voted && st.AccountID != viewer
	// Totals hidden by the author until the end, except to the author.
	v.ShowTotals = !p.HideTotals || v.Expired || st.AccountID == viewer
	var total int64
	for i := range p.Options {
		if i < len(p.Votes) {
			total += p.Votes[i]
		}
	}
	for i, title := range p.Options {
		o := pollOption{Index: i, Title: title, TitleHTML: template.HTML(template.HTMLEscapeString(title))}
		if i < len(p.Votes) {
			o.Votes = p.Votes[i]
		}
		if total > 0 {
			o.Percent = int(o.Votes * 100 / total)
		}
		for _, c := range own {
			o.Own = o.Own || c == i
		}
		v.Options = append(v.Options, o)
	}
	return v
}

// composePoll reads the compose form's poll fields into f and returns the
// poll to post, or nil when no option was typed.
func composePoll(r *http.Request, f *composeForm) *statuses.PollInput {
	v := r.PostForm
	f.PollOptions = make([]string, statuses.MaxPollOptions)
	var opts []string
	for i := range statuses.MaxPollOptions {
		f.PollOptions[i] = v.Get("poll_option_" + strconv.Itoa(i))
		if o := strings.TrimSpace(f.PollOptions[i]); o != "" {
			opts = append(opts, o)
		}
	}
	f.PollExpiresIn, f.PollMultiple = v.Get("poll_expires_in"), on(v, "poll_multiple")
	if f.PollExpiresIn == "" {
		f.PollExpiresIn = DefaultPollDuration
	}
	if len(opts) == 0 {
		return nil
	}
	secs, _ := strconv.Atoi(f.PollExpiresIn) // a bad value fails the service's check
	return &statuses.PollInput{Options: opts, ExpiresIn: secs, Multiple: f.PollMultiple}
}

// vote is POST /web/polls/{id}/votes with choices (one or several
// option indexes): the no-script vote form under a poll.
func (h *Handler) vote(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var choices []int
	for _, c := range r.PostForm["choices"] {
		n, err := strconv.Atoi(c)
		if err != nil {
			h.fail(w, r, domain.Invalid("choices: not an option number"))
			return
		}
		choices = append(choices, n)
	}
	if len(choices) == 0 {
		h.message(q, http.StatusUnprocessableEntity, q.v.Tr("error_title"), q.v.Tr("err_poll_no_choice"))
		return
	}
	if err := h.statuses.Vote(r.Context(), q.acct.ID, id, choices); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_voted", actionResult{Pressed: true})
}

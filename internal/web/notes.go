package web

import (
	"net/http"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/notes"
	"github.com/agora-social/agora/internal/store"
)

// NotesPage is how many notes waiting for a rating /notes lists.
const NotesPage = 20

// Reasons a rater may give, in the form's order (notes.Tags).
var (
	helpfulTags    = []string{"clear", "good_sources", "addresses_claim", "important_context", "unbiased_language"}
	notHelpfulTags = []string{"incorrect", "sources_missing_or_unreliable", "opinion_speculation_or_bias", "missing_key_points",
		"hard_to_understand", "argumentative_or_biased", "off_topic", "spam_harassment_or_abuse", "irrelevant_sources", "note_not_needed"}
	helpfulnessLevels = []string{"helpful", "somewhat_helpful", "not_helpful"}
)

// noteView is a Community Note as the pages show it (never its author).
type noteView struct {
	ID       string
	Text     string
	Helpful  bool     // rated helpful: shown to everyone
	Reasons  []string // top reasons' keys (note_tag_...)
	Mine     bool
	MyRating string
	CanRate  bool
	Status   *statusView // on /notes: the post it is about
}

// notesBox is the Community Notes part of a status page.
type notesBox struct {
	StatusID   string
	Helpful    []*noteView
	Pending    []*noteView
	CanWrite   bool
	Error      string
	Text       string
	Class      string
	Classes    []string
	HelpTags   []string
	UnhelpTags []string
	Levels     []string
	MaxText    int
}

// notesService is the Community Notes service with the configured
// account age.
func (h *Handler) notesService() *notes.Service {
	svc := notes.New(h.Store, h.statuses, h.Log)
	svc.MinAccountAge = time.Duration(h.Cfg.NotesMinAccountDays) * 24 * time.Hour
	return svc
}

// noteViews renders notes for the viewer: two queries whatever the count.
func (h *Handler) noteViews(q *request, list []*store.CommunityNote) ([]*noteView, error) {
	ids := make([]domain.ID, len(list))
	for i, n := range list {
		ids[i] = n.ID
	}
	ctx := q.r.Context()
	mine, err := h.Store.NoteRatingsOf(ctx, q.viewer(), ids)
	if err != nil {
		return nil, err
	}
	all, err := h.Store.NoteRatingsFor(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*noteView, 0, len(list))
	for _, n := range list {
		v := &noteView{ID: n.ID.String(), Text: n.Text, Helpful: n.Status == notes.RatedHelpful,
			Mine: q.acct != nil && n.AccountID == q.acct.ID}
		if v.Helpful {
			v.Reasons = notes.TopReasons(n, all)
		}
		if r := mine[n.ID]; r != nil {
			v.MyRating = r.Helpfulness
		}
		// The service lists undecided notes only to members who may rate;
		// a decided note is shown, not offered for rating.
		v.CanRate = !v.Mine && q.acct != nil && n.LockedAt == nil && !v.Helpful
		out = append(out, v)
	}
	return out, nil
}

// statusNotes is the notes box of a status page; nil when the post cannot
// carry notes (not public).
func (h *Handler) statusNotes(q *request, s *statusView, typed *notesBox) (*notesBox, error) {
	if s.Visibility != domain.Public && s.Visibility != domain.Unlisted {
		return nil, nil
	}
	id, ok := domain.ParseID(s.ID)
	if !ok {
		return nil, domain.NotFound()
	}
	list, err := h.notesService().OfStatus(q.r.Context(), q.user, q.acct, id)
	if err != nil {
		return nil, err
	}
	views, err := h.noteViews(q, list)
	if err != nil {
		return nil, err
	}
	b := typed
	if b == nil {
		b = &notesBox{Class: notes.Classifications[0]}
	}
	b.StatusID, b.Classes, b.HelpTags, b.UnhelpTags, b.Levels, b.MaxText = s.ID, notes.Classifications, helpfulTags, notHelpfulTags,
		helpfulnessLevels, notes.MaxTextLen
	b.CanWrite = q.acct != nil && s.Account.ID != q.acct.ID.String()
	for _, v := range views {
		if v.Helpful {
			b.Helpful = append(b.Helpful, v)
		} else {
			b.Pending = append(b.Pending, v)
		}
		if v.Mine {
			b.CanWrite = false
		}
	}
	if b.Helpful == nil && b.Pending == nil && !b.CanWrite {
		return nil, nil
	}
	return b, nil
}

// writeNote is POST /web/statuses/{id}/notes: a member adds context.
func (h *Handler) writeNote(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := r.PostForm
	_, err = h.notesService().Write(r.Context(), q.user, q.acct, id, v.Get("classification"), v.Get("text"), v.Get("language"))
	if err != nil {
		if k := domain.KindOf(err); k != domain.KindInvalid && k != domain.KindForbidden {
			h.fail(w, r, err)
			return
		}
		box := &notesBox{Error: errorMessage(err), Text: v.Get("text"), Class: v.Get("classification")}
		h.threadPageNotes(q, id, box, statusOf(err))
		return
	}
	h.done(q, "flash_note_written", nil)
}

// rateNote is POST /web/notes/{id}/rating with helpfulness and tags.
func (h *Handler) rateNote(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := r.PostForm
	if err := h.notesService().Rate(r.Context(), q.user, q.acct, id, v.Get("helpfulness"), v["tags"]); err != nil {
		h.fail(w, r, err)
		return
	}
	h.done(q, "flash_note_rated", nil)
}

// notesData is the /notes page.
type notesData struct {
	Notes      []*noteView
	HelpTags   []string
	UnhelpTags []string
	Levels     []string
	Error      string
	Older      string
}

// notesToRatePage is GET /notes: notes waiting for the member's rating,
// each under its post.
func (h *Handler) notesToRatePage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	pg, err := pageOf(r, NotesPage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &notesData{HelpTags: helpfulTags, UnhelpTags: notHelpfulTags, Levels: helpfulnessLevels}
	list, err := h.notesService().ToRate(r.Context(), q.user, q.acct, pg)
	if domain.KindOf(err) == domain.KindForbidden {
		d.Error = errorMessage(err)
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	views, err := h.noteViews(q, list)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]domain.ID, 0, len(list))
	for _, n := range list {
		ids = append(ids, n.StatusID)
	}
	sts, err := h.loadStatuses(r.Context(), q.viewer(), ids, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	byID := map[string]*statusView{}
	for _, s := range sts {
		byID[s.ID] = s
	}
	for i, n := range list {
		if s := byID[n.StatusID.String()]; s != nil {
			views[i].Status = s
			views[i].CanRate = true
			d.Notes = append(d.Notes, views[i])
		}
	}
	if len(list) >= pg.Limit {
		d.Older = "/notes?max_id=" + list[len(list)-1].ID.String()
	}
	q.v.Title, q.v.Nav, q.v.Data, q.v.Path = q.v.Tr("notes_title"), "notes", d, "/notes"
	h.render(q, http.StatusOK, "notes")
}

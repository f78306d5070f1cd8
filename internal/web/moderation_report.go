package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/federation"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// reportAdminData is the report page: the report, what it is about, its
// queue actions, its internal comments and the decision form.
type reportAdminData struct {
	R         *store.Report
	Target    *domain.Account
	Summary   accountSummary
	Reporter  *domain.Account // nil for the public notice form
	Assigned  *domain.Account
	Mine      bool // assigned to the viewer
	Statuses  []*reportedStatus
	Notes     []noteRow
	Rules     []store.Rule
	Actions   []string
	Error     string // the decision form's error
	NoteError string
	MaxExpl   int
	MaxNote   int
	Decision  string
	LegalKeys []string
}

// reportedStatus is a reported post as moderators see it: its safe HTML,
// its media with their descriptions, and where it lives.
type reportedStatus struct {
	S   *statusView
	URL string // the original, for a remote post
}

// noteRow is an internal comment with its author.
type noteRow struct {
	By      string
	Date    string
	Content string
}

// accountSummary is what a moderator needs to know of an account at a
// glance: its age and its record.
type accountSummary struct {
	Joined    string
	AgeDays   int
	Decisions int // all decisions about it
	Strikes   int // those that restricted and still stand
	Reports   int // reports about it, any state
}

func (h *Handler) summarize(q *request, a *domain.Account) (accountSummary, error) {
	ctx := q.r.Context()
	s := accountSummary{Joined: q.v.Day(a.CreatedAt), AgeDays: int(h.Store.Now().Sub(a.CreatedAt) / (24 * time.Hour))}
	ds, err := h.mod().Statements(ctx, a.ID)
	if err != nil {
		return s, err
	}
	s.Decisions = len(ds)
	for _, d := range ds {
		if d.Action != "none" && d.OverruledAt == nil {
			s.Strikes++
		}
	}
	rs, err := h.mod().ListReports(ctx, q.user, store.ReportFilter{TargetAccountID: a.ID}, domain.Page{Limit: moderation.MaxQueuePage}, false)
	if err != nil {
		return s, err
	}
	s.Reports = len(rs)
	return s, nil
}

func (h *Handler) reportAdminPage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	h.showReportAdmin(q, http.StatusOK, "", "")
}

func (h *Handler) showReportAdmin(q *request, status int, errMsg, noteErr string) {
	ctx := q.r.Context()
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	rep, err := h.mod().GetReport(ctx, q.user, id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d := &reportAdminData{R: rep, Actions: []string{"remove", "mark_sensitive", "limit", "freeze", "suspend", "none"},
		Error: errMsg, NoteError: noteErr, MaxExpl: moderation.MaxExplanationLen, MaxNote: moderation.MaxNoteLen,
		LegalKeys: legalCategoryKeys(), Mine: rep.AssignedAccountID == q.acct.ID}
	notes, err := h.mod().Notes(ctx, q.user, id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	ids := []domain.ID{rep.TargetAccountID, rep.AccountID, rep.AssignedAccountID}
	for _, n := range notes {
		ids = append(ids, n.AccountID)
	}
	accts, err := h.Store.Accounts(ctx, ids)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Target = accts[rep.TargetAccountID]; d.Target == nil {
		h.fail(q.w, q.r, domain.NotFound())
		return
	}
	d.Reporter, d.Assigned = accts[rep.AccountID], accts[rep.AssignedAccountID]
	for _, n := range notes {
		row := noteRow{Date: q.v.Date(n.CreatedAt), Content: n.Content}
		if a := accts[n.AccountID]; a != nil {
			row.By = a.Acct()
		}
		d.Notes = append(d.Notes, row)
	}
	if d.Summary, err = h.summarize(q, d.Target); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Statuses, err = h.reportedStatuses(q, d.Target, rep.StatusIDs); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Rules, err = h.Store.Rules(ctx); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if rep.DecisionID != 0 {
		d.Decision = rep.DecisionID.String()
	}
	q.v.Title, q.v.Sub, q.v.Data = q.v.Tr("report_admin_title", rep.ID.String()), "reports", d
	h.renderMod(q, status, "moderation_report")
}

// reportedStatuses loads the reported posts of author, removed ones too
// (moderators must see what they judge). The HTML is sanitized again here:
// it was on arrival, but this page is the one an attacker most wants to
// reach.
func (h *Handler) reportedStatuses(q *request, author *domain.Account, ids []domain.ID) ([]*reportedStatus, error) {
	ctx := q.r.Context()
	sts, err := h.Store.Statuses(ctx, ids)
	if err != nil {
		return nil, err
	}
	media, err := h.Store.MediaOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []*reportedStatus
	for _, sid := range ids {
		st := sts[sid]
		if st == nil || st.AccountID != author.ID {
			continue
		}
		v := &statusView{ID: st.ID.String(), Path: profilePath(author) + "/" + st.ID.String(), Account: h.accountView(author),
			Content: template.HTML(federation.SanitizeHTML(st.Content)), SpoilerText: st.SpoilerText, Visibility: st.Visibility,
			CreatedAt: st.CreatedAt, ISO: isoTime(st.CreatedAt), Sensitive: st.Sensitive}
		if ms := media[st.ID]; len(ms) > 0 {
			v.Media = h.mediaViews(ms)
		}
		rs := &reportedStatus{S: v}
		if !author.Local() {
			rs.URL = st.URL
		}
		out = append(out, rs)
	}
	return out, nil
}

// postDecision takes the decision form of a report page.
func (h *Handler) postDecision(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	v := r.PostForm
	in := moderation.DecisionInput{ReportID: id, Action: v.Get("action"), Ground: v.Get("ground"), LegalGround: v.Get("legal_ground"),
		Explanation: v.Get("explanation"), Category: v.Get("category")}
	for _, s := range v["rule_ids"] {
		if rid, ok := domain.ParseID(s); ok {
			in.RuleIDs = append(in.RuleIDs, rid)
		}
	}
	if days := strings.TrimSpace(v.Get("duration_days")); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n*24*3600 > moderation.MaxDurationSeconds {
			h.showReportAdmin(q, http.StatusUnprocessableEntity, q.v.Tr("mod_err_duration", moderation.MaxDurationSeconds/(24*3600)), "")
			return
		}
		in.DurationSeconds = n * 24 * 3600
	}
	d, err := h.mod().Decide(r.Context(), q.user, in)
	if err != nil {
		if st := formStatus(err); st != 0 {
			h.showReportAdmin(q, st, h.modError(q, err), "")
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/statements/" + d.ID.String()
	h.done(q, "flash_decision_taken", map[string]string{"id": d.ID.String()})
}

// reportStates are the queue transitions of the report page's buttons
// (resolve has its own form: it takes a reason).
var reportStates = map[string]moderation.ReportAction{
	"assign_to_self": moderation.AssignToSelf, "unassign": moderation.Unassign,
	"escalate": moderation.Escalate, "reopen": moderation.Reopen,
}

// postReportState is POST /admin/reports/{id}/state {do}.
func (h *Handler) postReportState(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	do := r.PostForm.Get("do")
	act, known := reportStates[do]
	if !known {
		h.showReportAdmin(q, http.StatusUnprocessableEntity, q.v.Tr("mod_err_unknown_action"), "")
		return
	}
	if _, err := h.mod().ChangeReport(r.Context(), q.user, id, act); err != nil {
		if st := formStatus(err); st != 0 {
			h.showReportAdmin(q, st, h.modError(q, err), "")
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/admin/reports/" + id.String()
	h.done(q, "flash_mod_report_"+do, map[string]string{"state": do})
}

// postReportResolve is POST /admin/reports/{id}/resolve {reason}: closing
// a report without action. The reason is kept as an internal comment (the
// queue's record of why), then the report is resolved, which tells its
// reporter, as the API's resolve does.
func (h *Handler) postReportResolve(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	ctx := r.Context()
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		h.showReportAdmin(q, http.StatusUnprocessableEntity, q.v.Tr("mod_err_reason"), "")
		return
	}
	rep, err := h.mod().GetReport(ctx, q.user, id)
	if err == nil && rep.State == "resolved" {
		err = domain.Invalid("This report is already resolved")
	}
	if err == nil {
		_, err = h.mod().AddNote(ctx, q.user, id, q.v.Tr("mod_resolved_note")+" "+reason)
	}
	if err == nil {
		_, err = h.mod().ChangeReport(ctx, q.user, id, moderation.Resolve)
	}
	if err != nil {
		if st := formStatus(err); st != 0 {
			h.showReportAdmin(q, st, h.modError(q, err), "")
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/admin/reports/" + id.String()
	h.done(q, "flash_mod_report_resolve", map[string]string{"state": "resolved"})
}

// postReportNote is POST /admin/reports/{id}/notes {content}.
func (h *Handler) postReportNote(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	if _, err := h.mod().AddNote(r.Context(), q.user, id, r.PostForm.Get("content")); err != nil {
		if st := formStatus(err); st != 0 {
			h.showReportAdmin(q, st, "", h.modError(q, err))
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/admin/reports/" + id.String() + "#notes"
	h.done(q, "flash_mod_note_added", map[string]string{"ok": "1"})
}

// formStatus is the status a form answers with when the service refused
// the input (shown on the form), or 0 for errors the error page handles.
func formStatus(err error) int {
	switch domain.KindOf(err) {
	case domain.KindInvalid:
		return http.StatusUnprocessableEntity
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindConflict:
		return http.StatusConflict
	}
	return 0
}

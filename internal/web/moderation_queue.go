package web

import (
	"net/http"
	"strconv"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// queueRow is one report in the queue page.
type queueRow struct {
	R      *store.Report
	Target *domain.Account
}

// moderator begins a moderators-only page: a signed-out visitor is sent to
// sign in, anyone else without the role gets 403.
func (h *Handler) moderator(w http.ResponseWriter, r *http.Request) *request {
	q := h.begin(w, r)
	if q == nil {
		return nil
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return nil
	}
	if err := moderation.RequireModerator(q.user); err != nil {
		h.fail(w, r, err)
		return nil
	}
	return q
}

func (h *Handler) queuePage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	rs, err := h.mod().ListReports(r.Context(), q.user, store.ReportFilter{States: []string{"open", "escalated"}}, domain.Page{Limit: 200}, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]domain.ID, 0, len(rs))
	for _, x := range rs {
		ids = append(ids, x.TargetAccountID)
	}
	accts, err := h.Store.Accounts(r.Context(), ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([]queueRow, 0, len(rs))
	for _, x := range rs {
		if a := accts[x.TargetAccountID]; a != nil {
			rows = append(rows, queueRow{R: x, Target: a})
		}
	}
	q.v.Title, q.v.Data = q.v.Tr("queue_title"), rows
	h.renderMod(q, http.StatusOK, "moderation")
}

// reportAdminData is the report page with its decision form.
type reportAdminData struct {
	R         *store.Report
	Target    *domain.Account
	Statuses  []*domain.Status
	Notes     []*store.ReportNote
	Rules     []store.Rule
	Actions   []string
	Error     string
	MaxExpl   int
	Decision  string
	LegalKeys []string
}

func (h *Handler) reportAdminPage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	h.showReportAdmin(q, http.StatusOK, "")
}

func (h *Handler) showReportAdmin(q *request, status int, errMsg string) {
	ctx := q.r.Context()
	id, ok := domain.ParseID(q.r.PathValue("id"))
	if !ok {
		h.fail(q.w, q.r, domain.NotFound())
		return
	}
	rep, err := h.mod().GetReport(ctx, q.user, id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d := &reportAdminData{R: rep, Actions: []string{"remove", "mark_sensitive", "limit", "freeze", "suspend", "none"},
		Error: errMsg, MaxExpl: moderation.MaxExplanationLen, LegalKeys: legalCategoryKeys()}
	if d.Target, err = h.Store.Account(ctx, rep.TargetAccountID); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	sts, err := h.Store.Statuses(ctx, rep.StatusIDs)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	for _, sid := range rep.StatusIDs {
		if st := sts[sid]; st != nil {
			d.Statuses = append(d.Statuses, st) // moderators see removed posts too
		}
	}
	if d.Notes, err = h.mod().Notes(ctx, q.user, id); err != nil {
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
	q.v.Title, q.v.Data = q.v.Tr("report_admin_title", rep.ID.String()), d
	h.renderMod(q, status, "moderation_report")
}

// postDecision takes the decision form of a report page.
func (h *Handler) postDecision(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	if err := moderation.RequireModerator(q.user); err != nil {
		h.fail(w, r, err)
		return
	}
	id, ok := domain.ParseID(r.PathValue("id"))
	if !ok {
		h.fail(w, r, domain.NotFound())
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
	if days := v.Get("duration_days"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 5*366 {
			h.showReportAdmin(q, http.StatusUnprocessableEntity, "duration: 0 to 1830 days")
			return
		}
		in.DurationSeconds = n * 24 * 3600
	}
	d, err := h.mod().Decide(r.Context(), q.user, in)
	if err != nil {
		if domain.KindOf(err) == domain.KindInvalid {
			h.showReportAdmin(q, http.StatusUnprocessableEntity, errorMessage(err))
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/statements/" + d.ID.String()
	h.done(q, "flash_decision_taken", map[string]string{"id": d.ID.String()})
}

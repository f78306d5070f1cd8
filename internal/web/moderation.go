package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/ratelimit"
	"github.com/agora-social/agora/internal/store"
)

// LimitNoticesPerIP is how many notices the public form takes from one IP
// address per NoticeWindow (against floods).
const (
	LimitNoticesPerIP = 10
	NoticeWindow      = time.Hour
)

// noticeRate holds each handler's limiter of the public notice form.
var noticeRate sync.Map // *Handler -> *ratelimit.Limiter

// renderMod renders a trust-and-safety page (every template is parsed by
// prepare, so this is render under the name the pages always used).
func (h *Handler) renderMod(q *request, status int, name string) { h.render(q, status, name) }

func (h *Handler) mod() *moderation.Service { return moderation.New(h.Store, h.Log, h.Cfg.URL) }

func (h *Handler) noticeLimiter() *ratelimit.Limiter {
	l, _ := noticeRate.LoadOrStore(h, ratelimit.New(LimitNoticesPerIP, NoticeWindow, h.Store.Now))
	return l.(*ratelimit.Limiter)
}

// registerModeration adds the trust-and-safety pages.
func (h *Handler) registerModeration(mux *http.ServeMux) {
	mux.HandleFunc("GET /report", h.reportPage)
	mux.HandleFunc("POST /report", h.postNotice)
	mux.HandleFunc("GET /transparency", h.transparencyPage)
	mux.HandleFunc("GET /statements/{id}", h.statementPage)
	mux.HandleFunc("POST /statements/{id}/appeal", h.postStatementAppeal)
	h.registerPublicStatements(mux) // statement_public.go: statements to remote accounts
	mux.HandleFunc("GET /admin/reports", h.queuePage)
	mux.HandleFunc("GET /admin/reports/{id}", h.reportAdminPage)
	mux.HandleFunc("POST /admin/reports/{id}/decision", h.postDecision)
	mux.HandleFunc("POST /admin/reports/{id}/state", h.postReportState)
	mux.HandleFunc("POST /admin/reports/{id}/resolve", h.postReportResolve)
	mux.HandleFunc("POST /admin/reports/{id}/notes", h.postReportNote)
	mux.HandleFunc("GET /admin/appeals", h.appealsPage)
	mux.HandleFunc("GET /admin/appeals/{id}", h.appealPage)
	mux.HandleFunc("POST /admin/appeals/{id}", h.postAppealDecision)
	mux.HandleFunc("GET /admin/accounts", h.accountsAdminPage)
	mux.HandleFunc("GET /admin/accounts/{id}", h.accountAdminPage)
	mux.HandleFunc("POST /admin/accounts/{id}/action", h.postAccountAction)
	mux.HandleFunc("POST /admin/accounts/{id}/lift", h.postAccountLift)
	mux.HandleFunc("POST /admin/accounts/{id}/trusted_flagger", h.postTrustedFlagger)
	mux.HandleFunc("GET /admin/audit", h.auditPage)
}

// noticeForm is the public notice form (DSA Art. 16).
type noticeForm struct {
	Account, URLs, Category, Explanation, Name, Email string
	GoodFaith                                         bool
	Categories                                        []string
	Error                                             string
	ReceivedID                                        string
}

func legalCategoryKeys() []string {
	keys := make([]string, 0, len(moderation.LegalCategories))
	for k := range moderation.LegalCategories {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (h *Handler) reportPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	q.v.Title = q.v.Tr("notice_title")
	q.v.Data = &noticeForm{Categories: legalCategoryKeys(), Account: r.URL.Query().Get("account"), URLs: r.URL.Query().Get("url")}
	h.renderMod(q, http.StatusOK, "report")
}

// postNotice files a notice from the public form, signed in or not.
func (h *Handler) postNotice(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, false)
	if q == nil {
		return
	}
	v := r.PostForm
	f := &noticeForm{Account: strings.TrimSpace(v.Get("account")), URLs: v.Get("content_urls"), Category: v.Get("legal_category"),
		Explanation: v.Get("legal_explanation"), Name: v.Get("notifier_name"), Email: v.Get("notifier_email"),
		GoodFaith: on(v, "good_faith_confirmed"), Categories: legalCategoryKeys()}
	q.v.Title, q.v.Data = q.v.Tr("notice_title"), f
	username, host, _ := strings.Cut(strings.TrimPrefix(f.Account, "@"), "@")
	if host == h.Cfg.Domain {
		host = ""
	}
	target, err := h.Store.AccountByHandle(r.Context(), username, host)
	if err != nil {
		f.Error = q.v.Tr("notice_unknown_account")
		h.renderMod(q, http.StatusUnprocessableEntity, "report")
		return
	}
	in := moderation.ReportInput{Reporter: q.acct, TargetAccountID: target.ID, Category: "legal", LegalCategory: f.Category,
		LegalExplanation: f.Explanation, NotifierName: f.Name, NotifierEmail: f.Email, GoodFaith: f.GoodFaith}
	if q.user != nil {
		in.ReporterEmail = q.user.Email
	}
	for _, line := range strings.Fields(f.URLs) {
		in.ContentURLs = append(in.ContentURLs, line)
		if id, ok := h.localStatusID(line, target); ok {
			in.StatusIDs = append(in.StatusIDs, id)
		}
	}
	if h.Cfg.RateLimits && !h.noticeLimiter().Allow("ip:"+mastodon.ClientIP(r)).Allowed {
		h.message(q, http.StatusTooManyRequests, q.v.Tr("error_title"), q.v.Tr("notice_too_many"))
		return
	}
	rep, err := h.mod().CreateReport(r.Context(), in)
	if err != nil {
		if k := domain.KindOf(err); k == domain.KindInvalid || k == domain.KindRateLimited {
			f.Error = q.v.Err(err)
			h.renderMod(q, http.StatusUnprocessableEntity, "report")
			return
		}
		h.fail(w, r, err)
		return
	}
	f.ReceivedID = rep.ID.String()
	h.renderMod(q, http.StatusOK, "report")
}

// localStatusID recognizes this server's status URLs (/@name/ID) of target.
func (h *Handler) localStatusID(raw string, target *domain.Account) (domain.ID, bool) {
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(raw, h.Cfg.URL+"/") {
		return 0, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || !strings.EqualFold(parts[0], "@"+target.Username) {
		return 0, false
	}
	return domain.ParseID(parts[1])
}

func (h *Handler) transparencyPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	periods, err := h.mod().Transparency(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Title, q.v.Data = q.v.Tr("transparency_title"), periods
	h.renderMod(q, http.StatusOK, "transparency")
}

// The texts of the held-post figures of /transparency (moderation.Period).
var transparencyHeldEN = map[string]string{
	"tr_held":          "Posts held by the spam heuristics",
	"tr_held_released": "Held posts released by a moderator (errors of the heuristics)",
	"tr_held_upheld":   "Held posts restricted by a moderator",
}

var transparencyHeldFR = map[string]string{
	"tr_held":          "Messages retenus par la détection automatique de spam",
	"tr_held_released": "Messages retenus libérés par un modérateur (erreurs de la détection)",
	"tr_held_upheld":   "Messages retenus restreints par un modérateur",
}

func init() {
	for k, v := range transparencyHeldEN {
		messagesEN[k] = v
	}
	for k, v := range transparencyHeldFR {
		messagesFR[k] = v
	}
}

// statementData is a statement page.
type statementData struct {
	D          *store.Decision
	Text       []string
	Appeals    []*store.Appeal
	CanAppeal  bool
	MaxAppeal  int
	AppealText string
	Error      string
}

func (h *Handler) statementPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct == nil {
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	}
	h.showStatement(q, http.StatusOK, "", "")
}

func (h *Handler) showStatement(q *request, status int, text, errMsg string) {
	id, ok := domain.ParseID(q.r.PathValue("id"))
	if !ok {
		h.fail(q.w, q.r, domain.NotFound())
		return
	}
	ctx := q.r.Context()
	d, err := h.mod().Statement(ctx, q.user, id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	rules, err := h.Store.Rules(ctx)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	appeals, err := h.mod().AppealsOf(ctx, d.ID)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	pending := false
	for _, a := range appeals {
		pending = pending || a.State == "pending"
	}
	data := &statementData{D: d, Text: strings.Split(moderation.StatementText(d, rules), "\n\n"), Appeals: appeals,
		CanAppeal: !pending && moderation.AppealOpen(d, h.Store.Now()) == nil,
		MaxAppeal: moderation.MaxAppealLen, AppealText: text, Error: errMsg}
	q.v.Title, q.v.Data = q.v.Tr("statement_title"), data
	h.renderMod(q, status, "statement")
}

func (h *Handler) postStatementAppeal(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, ok := domain.ParseID(r.PathValue("id"))
	if !ok {
		h.fail(w, r, domain.NotFound())
		return
	}
	if _, err := h.mod().Appeal(r.Context(), q.user, id, r.PostForm.Get("text")); err != nil {
		if domain.KindOf(err) == domain.KindInvalid {
			h.showStatement(q, http.StatusUnprocessableEntity, r.PostForm.Get("text"), errorMessage(err))
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/statements/" + id.String()
	h.done(q, "flash_appeal_sent", map[string]string{"ok": "1"})
}

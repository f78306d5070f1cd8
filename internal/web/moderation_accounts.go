package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// Limits of the accounts pages.
const (
	AccountsAdminPage = 50  // accounts per page of /admin/accounts
	AccountRecent     = 10  // statuses, reports and decisions an account page shows
	MaxAccountSearch  = 320 // characters of a username or domain search (the API's)
)

// accountsAdminData is /admin/accounts: the search form and one page.
type accountsAdminData struct {
	Username, Domain, Origin, Status string
	Origins, Statuses                []string
	Accounts                         []*store.AdminAccount
	Error                            string
	Next                             string
}

// accountStatuses are the status filters of /admin/accounts.
var accountStatuses = []string{"active", "pending", "silenced", "suspended", "disabled"}

// accountsAdminPage is GET /admin/accounts?username=&domain=&origin=&status=&max_id=.
func (h *Handler) accountsAdminPage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	qs := r.URL.Query()
	d := &accountsAdminData{Username: strings.TrimPrefix(strings.TrimSpace(qs.Get("username")), "@"), Domain: strings.TrimSpace(qs.Get("domain")),
		Origin: qs.Get("origin"), Status: qs.Get("status"), Origins: []string{"local", "remote"}, Statuses: accountStatuses}
	if u, host, ok := strings.Cut(d.Username, "@"); ok && d.Domain == "" {
		d.Username, d.Domain = u, host // "name@server" in the username box
	}
	f := store.AdminAccountFilter{Username: d.Username, Domain: d.Domain, Local: d.Origin == "local", Remote: d.Origin == "remote"}
	switch d.Status {
	case "active":
		f.Active = true
	case "pending":
		f.Pending = true
	case "silenced":
		f.Silenced = true
	case "suspended":
		f.Suspended = true
	case "disabled":
		f.Disabled = true
	}
	q.v.Title, q.v.Sub, q.v.Data = q.v.Tr("mod_accounts_title"), "accounts", d
	if len(d.Username) > MaxAccountSearch || len(d.Domain) > MaxAccountSearch {
		d.Error = q.v.Tr("mod_err_search_long", MaxAccountSearch)
		h.renderMod(q, http.StatusUnprocessableEntity, "moderation_accounts")
		return
	}
	accts, err := h.Store.AdminAccounts(r.Context(), f, domain.Page{MaxID: queueID(qs, "max_id"), Limit: AccountsAdminPage + 1})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(accts) > AccountsAdminPage {
		accts = accts[:AccountsAdminPage]
		nq := url.Values{}
		for k, v := range map[string]string{"username": d.Username, "domain": d.Domain, "origin": d.Origin, "status": d.Status} {
			if v != "" {
				nq.Set(k, v)
			}
		}
		nq.Set("max_id", accts[len(accts)-1].Account.ID.String())
		d.Next = "/admin/accounts?" + nq.Encode()
	}
	d.Accounts = accts
	h.renderMod(q, http.StatusOK, "moderation_accounts")
}

// accountAdminData is an account's moderation page.
type accountAdminData struct {
	X         *store.AdminAccount
	Summary   accountSummary
	Trusted   bool
	Pending   bool // a sign-up waiting for approval
	Statuses  []*reportedStatus
	Reports   []*store.Report
	Decisions []statementRow
	Types     []string // the account action's types (the API's)
	Error     string
	Text      string
	MaxText   int
}

// accountTypes are the types of POST /api/v1/admin/accounts/:id/action.
var accountTypes = []string{"none", "sensitive", "disable", "silence", "suspend"}

func (h *Handler) accountAdminPage(w http.ResponseWriter, r *http.Request) {
	q := h.moderator(w, r)
	if q == nil {
		return
	}
	h.showAccountAdmin(q, http.StatusOK, "", "")
}

func (h *Handler) showAccountAdmin(q *request, status int, text, errMsg string) {
	ctx := q.r.Context()
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	x, err := h.Store.AdminAccount(ctx, id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d := &accountAdminData{X: x, Pending: x.User != nil && !x.User.Approved, Types: accountTypes, Error: errMsg, Text: text,
		MaxText: moderation.MaxExplanationLen}
	if d.Summary, err = h.summarize(q, x.Account); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Trusted, err = h.Store.TrustedFlagger(ctx, id); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	// Public and unlisted posts only: moderating an account does not open
	// its followers-only posts or its direct messages (reported ones are
	// shown on their report).
	items, err := h.Store.AccountStatuses(ctx, id, store.AccountFilter{}, domain.Page{Limit: AccountRecent})
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Statuses, err = h.reportedStatuses(q, x.Account, store.IDsOf(items)); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Reports, err = h.mod().ListReports(ctx, q.user, store.ReportFilter{TargetAccountID: id}, domain.Page{Limit: AccountRecent}, false); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	ds, err := h.mod().Statements(ctx, id)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	for i, dec := range newestFirst(ds) {
		if i == AccountRecent {
			break
		}
		d.Decisions = append(d.Decisions, statementRow{ID: dec.ID.String(), Action: q.v.Tr("decision_is_" + dec.Action),
			Date: q.v.Date(dec.DecidedAt), Overruled: dec.OverruledAt != nil})
	}
	q.v.Title, q.v.Sub, q.v.Data = q.v.Tr("mod_account_title", x.Account.Acct()), "accounts", d
	h.renderMod(q, status, "moderation_account")
}

// accountFormDone ends an account form: back to the account page with a
// message, or the page again with the service's refusal.
func (h *Handler) accountFormDone(q *request, id domain.ID, err error, text, flash string) {
	if err != nil {
		if st := formStatus(err); st != 0 {
			h.showAccountAdmin(q, st, text, h.modError(q, err))
			return
		}
		h.fail(q.w, q.r, err)
		return
	}
	q.v.Path = "/admin/accounts/" + id.String()
	h.done(q, flash, map[string]string{"ok": "1"})
}

// postAccountAction is POST /admin/accounts/{id}/action {type, text}: the
// API's account action, a decision with its statement of reasons.
func (h *Handler) postAccountAction(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	text := r.PostForm.Get("text")
	_, err := h.mod().AccountAction(r.Context(), q.user, id, r.PostForm.Get("type"), 0, text)
	h.accountFormDone(q, id, err, text, "flash_decision_taken")
}

// accountLifts are the account page's buttons that end a restriction or
// answer a sign-up (the API's approve, reject, unsilence, unsuspend, enable).
var accountLifts = map[string]bool{"approve": true, "reject": true, "unsilence": true, "unsuspend": true, "enable": true}

// postAccountLift is POST /admin/accounts/{id}/lift {do}.
func (h *Handler) postAccountLift(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	do := r.PostForm.Get("do")
	if !accountLifts[do] {
		h.showAccountAdmin(q, http.StatusUnprocessableEntity, "", q.v.Tr("mod_err_unknown_action"))
		return
	}
	h.accountFormDone(q, id, h.mod().Lift(r.Context(), q.user, id, do), "", "flash_mod_account_"+do)
}

// postTrustedFlagger is POST /admin/accounts/{id}/trusted_flagger {name}
// (admins only: the service refuses moderators).
func (h *Handler) postTrustedFlagger(w http.ResponseWriter, r *http.Request) {
	q := h.modForm(w, r)
	if q == nil {
		return
	}
	id, ok := h.pathID(q)
	if !ok {
		return
	}
	err := h.mod().AddTrustedFlagger(r.Context(), q.user, id, r.PostForm.Get("name"))
	h.accountFormDone(q, id, err, "", "flash_mod_trusted_flagger")
}

package web

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// registerMigration adds the account migration pages (aliases and moving
// to another server: /settings/migration).
func (h *Handler) registerMigration(mux *http.ServeMux) {
	mux.HandleFunc("GET /settings/migration", h.migrationPage)
	mux.HandleFunc("POST /settings/migration/aliases", h.addAlias)
	mux.HandleFunc("POST /settings/migration/aliases/remove", h.removeAlias)
	mux.HandleFunc("POST /settings/migration/move", h.moveAccount)
	mux.HandleFunc("POST /settings/migration/move/cancel", h.cancelMove)
}

// migrationData is the migration page.
type migrationData struct {
	Handle     string // @user@domain, to give to the other server
	URI        string // this account's ActivityPub id
	Aliases    []string
	MaxAliases int
	Full       bool         // no more aliases can be added
	MovedTo    *accountView // set once the account moved
	MovedToURL string
	// Cooldown is the date from which the account may move again; "" when
	// it may move now.
	Cooldown string
	Target   string // the move form's target, kept after an error
	Alias    string // the alias form's value, kept after an error
}

// migrationPage is GET /settings/migration: what moving means, the
// account's aliases (to move here from another account) and the move form
// (to move away), or the account's state once it moved.
func (h *Handler) migrationPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	h.renderMigration(q, http.StatusOK, &migrationData{})
}

func (h *Handler) renderMigration(q *request, status int, d *migrationData) {
	ctx := q.r.Context()
	acct, err := h.Store.Account(ctx, q.acct.ID) // fresh: a move or alias just changed it
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if d.Aliases, err = h.Accounts.Aliases(ctx, acct); err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d.Handle, d.URI = "@"+acct.Username+"@"+h.Cfg.Domain, acct.URI
	d.MaxAliases, d.Full = store.MaxAliases, len(d.Aliases) >= store.MaxAliases
	if acct.MovedToAccountID != 0 {
		if to, err := h.Store.Account(ctx, acct.MovedToAccountID); err == nil {
			d.MovedTo, d.MovedToURL = h.accountView(to), to.URL
		}
	}
	last, err := h.Store.LastMove(ctx, acct.ID)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	if until := last.Add(accounts.MoveCooldown); !last.IsZero() && h.Store.Now().Before(until) {
		d.Cooldown = q.v.Date(until)
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("migration_title"), "settings", "migration", d, "/settings/migration"
	h.render(q, status, "migration")
}

// addAlias is POST /settings/migration/aliases: alias is a handle or URL.
func (h *Handler) addAlias(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	alias := strings.TrimSpace(r.PostForm.Get("alias"))
	if _, err := h.Accounts.AddAlias(r.Context(), q.acct, alias); err != nil {
		h.migrationError(q, err, &migrationData{Alias: alias})
		return
	}
	q.v.Path = "/settings/migration"
	h.done(q, "flash_mig_alias_added", nil)
}

// removeAlias is POST /settings/migration/aliases/remove: uri is the alias.
func (h *Handler) removeAlias(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	if _, err := h.Accounts.RemoveAlias(r.Context(), q.acct, r.PostForm.Get("uri")); err != nil {
		h.migrationError(q, err, &migrationData{})
		return
	}
	q.v.Path = "/settings/migration"
	h.done(q, "flash_mig_alias_removed", nil)
}

// moveAccount is POST /settings/migration/move: moved_to_uri (a handle or
// URL) and the password.
func (h *Handler) moveAccount(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	target := strings.TrimSpace(r.PostForm.Get("moved_to_uri"))
	if _, err := h.Accounts.Move(r.Context(), q.user, q.acct, r.PostForm.Get("password"), target); err != nil {
		h.migrationError(q, err, &migrationData{Target: target})
		return
	}
	q.v.Path = "/settings/migration"
	h.done(q, "flash_mig_moved", nil)
}

// cancelMove is POST /settings/migration/move/cancel: confirm (a checkbox
// the form requires) must be set. The account is no longer marked moved.
func (h *Handler) cancelMove(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	if r.PostForm.Get("confirm") == "" {
		q.v.Error = q.v.Tr("mig_err_cancel_confirm")
		h.renderMigration(q, http.StatusUnprocessableEntity, &migrationData{})
		return
	}
	if _, err := h.Accounts.CancelMove(r.Context(), q.acct); err != nil {
		h.migrationError(q, err, &migrationData{})
		return
	}
	q.v.Path = "/settings/migration"
	h.done(q, "flash_mig_move_cancelled", nil)
}

// migrationError shows the page again with the reason in the reader's
// language (the service's English message for anything unforeseen).
func (h *Handler) migrationError(q *request, err error, d *migrationData) {
	k := domain.KindOf(err)
	if k != domain.KindInvalid && k != domain.KindForbidden && k != domain.KindNotFound {
		h.fail(q.w, q.r, err)
		return
	}
	msg := errorMessage(err)
	switch {
	case strings.HasPrefix(msg, "password:"):
		q.v.Error = q.v.Tr("mig_err_password")
	case strings.Contains(msg, "does not list this account"):
		q.v.Error = q.v.Tr("mig_err_no_alias", d.Target)
	case strings.Contains(msg, "no account found"), strings.Contains(msg, "could not be fetched"), k == domain.KindNotFound:
		q.v.Error = q.v.Tr("mig_err_not_found")
	case strings.Contains(msg, "itself"), strings.Contains(msg, "own alias"):
		q.v.Error = q.v.Tr("mig_err_self")
	case strings.Contains(msg, "moved on"):
		q.v.Error = q.v.Tr("mig_err_cooldown")
	case strings.Contains(msg, "is missing"):
		q.v.Error = q.v.Tr("mig_err_target_missing")
	case strings.Contains(msg, "at most"):
		q.v.Error = q.v.Tr("mig_err_too_many", store.MaxAliases)
	case strings.Contains(msg, "suspended"), strings.Contains(msg, "has itself moved"):
		q.v.Error = q.v.Tr("mig_err_target_unusable")
	case strings.Contains(msg, "has not moved"):
		q.v.Error = q.v.Tr("mig_err_not_moved")
	default:
		q.v.Error = q.v.Err(err)
	}
	h.renderMigration(q, statusOf(err), d)
}

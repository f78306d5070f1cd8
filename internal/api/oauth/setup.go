package oauth

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// SetupTokenSetting is the setting holding the hash of the one-time
// first-admin token (internal/app writes it at start: same key).
const SetupTokenSetting = "setup_token_hash"

func isNotFound(err error) bool { return domain.KindOf(err) == domain.KindNotFound }

// checkSetupToken compares token with the stored hash in constant time. It
// shows the 404 (no pending setup) or 403 (wrong token) page and returns
// "" when the token is not good, else the stored hash.
func (h *Handler) checkSetupToken(w http.ResponseWriter, r *http.Request, p *page, token string) string {
	stored, ok, err := h.Store.Setting(r.Context(), SetupTokenSetting)
	if err != nil {
		h.internalError(w, r, p, err)
		return ""
	}
	if !ok || stored == "" {
		h.message(w, r, http.StatusNotFound, p, p.L["setup_bad_title"], p.L["setup_used"])
		return ""
	}
	if token == "" || len(token) > 200 || subtle.ConstantTimeCompare([]byte(auth.HashSecret(token)), []byte(stored)) != 1 {
		h.message(w, r, http.StatusForbidden, p, p.L["setup_bad_title"], p.L["setup_wrong"])
		return ""
	}
	return stored
}

// setupPage is GET /setup?token=: the first-admin form.
func (h *Handler) setupPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := h.newPage(r, q.Get("lang"))
	if h.checkSetupToken(w, r, p, q.Get("token")) == "" {
		return
	}
	sess, err := h.sessions.Load(r.Context(), r)
	if err != nil && !isNotFound(err) {
		h.internalError(w, r, p, err)
		return
	}
	p.Title = p.L["setup_title"]
	p.SetupToken = q.Get("token")
	p.CSRF = h.sessions.CSRFToken(w, r, sess)
	h.render(w, r, http.StatusOK, "setup", p)
}

// setup is POST /setup: it creates the admin account, uses up the token
// and signs the new admin in.
func (h *Handler) setup(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		p := h.newPage(r, "")
		h.message(w, r, http.StatusBadRequest, p, p.L["error_title"], "The form could not be read.")
		return
	}
	v := r.PostForm
	p := h.newPage(r, v.Get("lang"))
	stored := h.checkSetupToken(w, r, p, v.Get("token"))
	if stored == "" {
		return
	}
	sess, err := h.sessions.Load(r.Context(), r)
	if err != nil && !isNotFound(err) {
		h.internalError(w, r, p, err)
		return
	}
	p.Title = p.L["setup_title"]
	p.SetupToken = v.Get("token")
	p.Username, p.Email = strings.TrimSpace(v.Get("username")), strings.TrimSpace(v.Get("email"))
	again := func(status int, msg string) {
		p.Error = msg
		p.CSRF = h.sessions.CSRFToken(w, r, sess)
		h.render(w, r, status, "setup", p)
	}
	if !h.sessions.CheckCSRF(r, sess, v.Get("authenticity_token")) {
		again(http.StatusForbidden, p.L["csrf_failed"])
		return
	}
	if v.Get("password") != v.Get("password_confirmation") {
		again(http.StatusUnprocessableEntity, p.L["password_mismatch"])
		return
	}
	// Claim the token first so that two requests cannot both use it; give
	// it back when the form has to be corrected.
	claimed, err := h.Store.DeleteSettingIf(r.Context(), SetupTokenSetting, stored)
	if err != nil {
		h.internalError(w, r, p, err)
		return
	}
	if !claimed {
		h.message(w, r, http.StatusNotFound, p, p.L["setup_bad_title"], p.L["setup_used"])
		return
	}
	u, acct, err := h.Accounts.Register(r.Context(), accounts.SignUp{
		Username: p.Username, Email: p.Email, Password: v.Get("password"), Role: domain.RoleAdmin,
		ByAdmin: true, Locale: p.Lang, IP: clientIP(r),
	})
	if err != nil {
		if rerr := h.Store.SetSetting(r.Context(), SetupTokenSetting, stored); rerr != nil {
			h.internalError(w, r, p, errors.Join(err, rerr))
			return
		}
		var de *domain.Error
		if errors.As(err, &de) && de.Kind != domain.KindInternal {
			again(http.StatusUnprocessableEntity, de.Message)
			return
		}
		h.internalError(w, r, p, err)
		return
	}
	if _, err := h.sessions.Start(r.Context(), w, r, u.ID, clientIP(r)); err != nil {
		h.internalError(w, r, p, err)
		return
	}
	h.Log.Info("first admin account created", "username", acct.Username)
	h.message(w, r, http.StatusOK, p, p.L["setup_done_title"], strings.Replace(p.L["setup_done"], "%s", handle(acct), 1))
}

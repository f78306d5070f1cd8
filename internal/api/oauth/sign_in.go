package oauth

import (
	"net/http"
)

// signInPage is GET /auth/sign_in: the login form outside an OAuth flow,
// or a sign-out button for a signed-in browser.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r, r.URL.Query().Get("lang"))
	sess, _, acct, err := h.loadViewer(r)
	if err != nil {
		h.internalError(w, r, p, err)
		return
	}
	p.Title = p.L["sign_in_title"]
	if acct != nil {
		p.Handle = handle(acct)
	}
	p.CSRF = h.sessions.CSRFToken(w, r, sess)
	h.render(w, r, http.StatusOK, "sign_in", p)
}

// signIn is POST /auth/sign_in: it starts a session and goes to the home page.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		p := h.newPage(r, "")
		h.message(w, r, http.StatusBadRequest, p, p.L["error_title"], "The form could not be read.")
		return
	}
	v := r.PostForm
	p := h.newPage(r, v.Get("lang"))
	p.Title = p.L["sign_in_title"]
	sess, _, _, err := h.loadViewer(r)
	if err != nil {
		h.internalError(w, r, p, err)
		return
	}
	again := func(status int) {
		p.Login = v.Get("login")
		p.CSRF = h.sessions.CSRFToken(w, r, sess)
		h.render(w, r, status, "sign_in", p)
	}
	if !h.sessions.CheckCSRF(r, sess, v.Get("authenticity_token")) {
		p.Error = p.L["csrf_failed"]
		again(http.StatusForbidden)
		return
	}
	u, status, err := h.login(w, r, p, v.Get("login"), v.Get("password"))
	if err != nil {
		h.internalError(w, r, p, err)
		return
	}
	if u == nil {
		again(status)
		return
	}
	if _, err := h.sessions.Start(r.Context(), w, r, u.ID, clientIP(r)); err != nil {
		h.internalError(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signOut is POST /auth/sign_out: it ends the session (CSRF checked).
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r, "")
	if err := parseForm(w, r); err != nil {
		h.message(w, r, http.StatusBadRequest, p, p.L["error_title"], "The form could not be read.")
		return
	}
	sess, err := h.sessions.Load(r.Context(), r)
	if err != nil && !isNotFound(err) {
		h.internalError(w, r, p, err)
		return
	}
	if sess == nil {
		// Nothing to end: clear a stale cookie and go to the sign-in page.
		_ = h.sessions.End(r.Context(), w, r)
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return
	}
	if !h.sessions.CheckCSRF(r, sess, r.PostForm.Get("authenticity_token")) {
		h.message(w, r, http.StatusForbidden, p, p.L["error_title"], p.L["csrf_failed"])
		return
	}
	if err := h.sessions.End(r.Context(), w, r); err != nil {
		h.internalError(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
}

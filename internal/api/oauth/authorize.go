package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// authorizeParams are the request parameters carried from the page to the
// form post in hidden fields (and checked again there).
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state",
	"code_challenge", "code_challenge_method", "lang"}

func authorizeRequest(v url.Values) auth.AuthorizeRequest {
	return auth.AuthorizeRequest{
		ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), ResponseType: v.Get("response_type"),
		Scope: v.Get("scope"), State: v.Get("state"), CodeChallenge: v.Get("code_challenge"),
		CodeChallengeMethod: v.Get("code_challenge_method"),
	}
}

// checkAuthorize validates the request; on error it shows the error page
// (status 400) and returns nil: a bad request never redirects, since its
// redirect_uri is not known to be the app's.
func (h *Handler) checkAuthorize(w http.ResponseWriter, r *http.Request, p *page, v url.Values) *auth.Authorization {
	a, err := h.oauth.CheckAuthorize(r.Context(), authorizeRequest(v))
	if err == nil {
		return a
	}
	var oe *auth.Error
	if errors.As(err, &oe) {
		h.message(w, r, http.StatusBadRequest, p, p.L["error_title"], oe.Description, p.L["error_back"])
		return nil
	}
	h.internalError(w, r, p, err)
	return nil
}

// fillAuthorize sets what the authorize page shows for a.
func (h *Handler) fillAuthorize(p *page, a *auth.Authorization, v url.Values) {
	p.Title = strings.TrimSpace(strings.Replace(p.L["authorize_title"], "%s", a.App.Name, 1))
	p.App = a.App
	p.formAction = formActionSource(a.RedirectURI)
	p.Scopes = p.Scopes[:0]
	for _, s := range a.Scopes {
		top, thing := s, ""
		if i := strings.LastIndex(s, ":"); i >= 0 && p.L["scope."+s] == "" {
			top, thing = s[:i], s[i+1:]
		}
		d := p.L["scope."+top]
		if thing != "" {
			d += " (" + thing + ")"
		}
		p.Scopes = append(p.Scopes, scopeView{Name: s, Description: d})
	}
	p.Hidden = p.Hidden[:0]
	for _, k := range authorizeParams {
		if val := v.Get(k); val != "" {
			p.Hidden = append(p.Hidden, hiddenField{k, val})
		}
	}
	// The checked redirect URI, in case the request relied on the default.
	for i := range p.Hidden {
		if p.Hidden[i].Name == "redirect_uri" {
			p.Hidden[i].Value = a.RedirectURI
		}
	}
}

// authorizePage is GET /oauth/authorize: a sign-in form, or the consent
// form when the browser already has a session (and force_login is not set).
func (h *Handler) authorizePage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	p := h.newPage(r, v.Get("lang"))
	a := h.checkAuthorize(w, r, p, v)
	if a == nil {
		return
	}
	sess, _, acct, err := h.loadViewer(r)
	if err != nil {
		h.internalError(w, r, p, err)
		return
	}
	h.fillAuthorize(p, a, v)
	forceLogin := v.Get("force_login") == "true" || v.Get("force_login") == "1"
	if acct == nil || forceLogin {
		p.ShowLogin = true
	} else {
		p.Handle = handle(acct)
		q := url.Values{}
		for k, vs := range v {
			q[k] = vs
		}
		q.Set("force_login", "true")
		p.OtherAccountURL = "/oauth/authorize?" + q.Encode()
	}
	p.CSRF = h.sessions.CSRFToken(w, r, sess)
	h.render(w, r, http.StatusOK, "authorize", p)
}

// authorize is POST /oauth/authorize: the person's decision, with their
// credentials when they were not signed in.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		p := h.newPage(r, "")
		h.message(w, r, http.StatusBadRequest, p, p.L["error_title"], "The form could not be read.")
		return
	}
	v := r.PostForm
	p := h.newPage(r, v.Get("lang"))
	a := h.checkAuthorize(w, r, p, v)
	if a == nil {
		return
	}
	sess, _, acct, err := h.loadViewer(r)
	if err != nil {
		h.internalError(w, r, p, err)
		return
	}
	h.fillAuthorize(p, a, v)
	login := v.Get("login")
	p.ShowLogin = acct == nil || v.Has("login") || v.Has("password")
	if acct != nil {
		p.Handle = handle(acct)
	}
	again := func(status int) {
		if p.ShowLogin {
			p.Login = login
		}
		p.CSRF = h.sessions.CSRFToken(w, r, sess)
		h.render(w, r, status, "authorize", p)
	}
	if !h.sessions.CheckCSRF(r, sess, v.Get("authenticity_token")) {
		p.Error = p.L["csrf_failed"]
		again(http.StatusForbidden)
		return
	}
	if v.Get("decision") == "deny" {
		h.finish(w, r, p, a, "", auth.ErrAccessDenied)
		return
	}
	userID := domain.ID(0)
	if p.ShowLogin {
		u, status, err := h.login(w, r, p, login, v.Get("password"))
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
		userID = u.ID
	} else {
		userID = sess.UserID
	}
	code, err := h.oauth.IssueCode(r.Context(), a, userID)
	if err != nil {
		h.internalError(w, r, p, err)
		return
	}
	h.finish(w, r, p, a, code, "")
}

// finish sends the browser back to the app with a code or an error, or
// shows the code (or the refusal) for out-of-band apps.
func (h *Handler) finish(w http.ResponseWriter, r *http.Request, p *page, a *auth.Authorization, code, errCode string) {
	if a.RedirectURI != auth.OOB {
		http.Redirect(w, r, a.RedirectURL(code, errCode), http.StatusFound)
		return
	}
	p.formAction = ""
	if errCode != "" {
		h.message(w, r, http.StatusOK, p, p.L["denied_title"], strings.Replace(p.L["denied_intro"], "%s", a.App.Name, 1))
		return
	}
	p.Code = code
	h.message(w, r, http.StatusOK, p, p.L["code_title"], strings.Replace(p.L["code_intro"], "%s", a.App.Name, 1))
}

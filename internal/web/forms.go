package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// flashCookie carries a message key across the redirect after a form.
const flashCookie = "agora_flash"

// setFlash remembers a message (by key) for the next page.
func (h *Handler) setFlash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: key, Path: "/", MaxAge: 60, HttpOnly: true,
		Secure: h.sessions.Secure, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the pending message in the page's language and clears
// it. Only known keys are shown, so a planted cookie cannot inject text.
func takeFlash(w http.ResponseWriter, r *http.Request, l map[string]string) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if !strings.HasPrefix(c.Value, "flash_") {
		return ""
	}
	return l[c.Value]
}

// form reads a bounded form body, loads the viewer and checks the CSRF
// token and the request's origin (auth.Sessions.CheckCSRF). It answers
// the request itself and returns nil when any of that fails. A signed-out
// visitor is sent to sign in when needViewer is set.
func (h *Handler) form(w http.ResponseWriter, r *http.Request, needViewer bool) *request {
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return nil
	}
	return h.formRequest(w, r, needViewer)
}

// formRequest is form after the body is read (into r.PostForm). A form
// without return_to goes back to the page it was sent from (the Referer,
// when it is on this server), else home: the buttons under each status
// leave it out to keep timeline pages small.
func (h *Handler) formRequest(w http.ResponseWriter, r *http.Request, needViewer bool) *request {
	q := h.begin(w, r)
	if q == nil {
		return nil
	}
	q.v.Path = localPath(r.PostForm.Get("return_to"), refererPath(r))
	if token := r.PostForm.Get("authenticity_token"); !h.sessions.CheckCSRF(r, q.sess, token) {
		msg := q.v.Tr("csrf_failed")
		if token == "" && r.Header.Get("Origin") == "" && r.Header.Get("Sec-Fetch-Site") == "" {
			// A button without a token (under a status) from a browser
			// that sends neither header: "expired" would mislead.
			msg = q.v.Tr("csrf_no_origin")
		}
		if wantsJSON(r) {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": msg})
			return nil
		}
		h.message(q, http.StatusForbidden, q.v.Tr("error_title"), msg)
		return nil
	}
	if needViewer && q.acct == nil {
		if wantsJSON(r) {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": q.v.Tr("sign_in_needed")})
			return nil
		}
		http.Redirect(w, r, "/auth/sign_in", http.StatusSeeOther)
		return nil
	}
	return q
}

// done ends a successful form: JSON for the page's script, else a
// redirect back with a message.
func (h *Handler) done(q *request, flash string, result any) {
	if wantsJSON(q.r) {
		writeJSON(q.w, http.StatusOK, result)
		return
	}
	if flash != "" {
		h.setFlash(q.w, flash)
	}
	http.Redirect(q.w, q.r, q.v.Path, http.StatusSeeOther)
}

// localPath keeps p when it is a path on this server (never another
// host: no open redirect), else def.
func localPath(p, def string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || len(p) > 2000 {
		return def
	}
	u, err := url.Parse(p)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return def
	}
	return p
}

// refererPath is the path (and query) of the page a form was sent from,
// when that page is on this server; "/" otherwise.
func refererPath(r *http.Request) string {
	u, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || u.Host != r.Host || (u.Scheme != "http" && u.Scheme != "https") {
		return "/"
	}
	return localPath(u.RequestURI(), "/")
}

// wantsJSON reports whether the page's script sent the form.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// on reads a checkbox or a "1"/"0" field.
func on(v url.Values, key string) bool {
	switch v.Get(key) {
	case "1", "on", "true", "yes":
		return true
	}
	return false
}

// isoTime is the machine-readable form of a time for <time datetime>.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

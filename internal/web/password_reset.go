package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/mail"
)

// Password reset limits (documented in docs/web.md).
const (
	ResetTokenLifetime  = time.Hour
	ResetTokenBytes     = 32
	LimitResetsPerIP    = 10 // reset requests per ResetWindow from one address
	LimitResetsPerEmail = 3  // reset requests per ResetWindow for one email address
	ResetWindow         = time.Hour
	// MaxResetMailsInFlight bounds the reset emails being sent at once;
	// requests beyond it are dropped with a warning (the person asks again).
	MaxResetMailsInFlight = 8
)

// passwordData is the password reset pages' state.
type passwordData struct {
	Mode  string // "request" (ask for the email) or "edit" (choose a password)
	Email string
	Token string
	Error string
}

// passwordNewPage is GET /auth/password/new: "Forgot your password?".
func (h *Handler) passwordNewPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	h.renderPassword(q, http.StatusOK, &passwordData{Mode: "request"})
}

func (h *Handler) renderPassword(q *request, status int, d *passwordData) {
	q.v.Title, q.v.Data = q.v.Tr(map[string]string{"request": "reset_title", "edit": "reset_edit_title",
		"invalid": "reset_invalid_title", "done": "reset_done_title"}[d.Mode]), d
	// The token is in the address: keep it out of Referer headers.
	q.w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(q, status, "password")
}

// requestPasswordReset is POST /auth/password. It always answers the same
// page, quickly, whether or not an account has the address: the lookup,
// the token and the email happen after the answer (no account
// enumeration, by content or by timing).
func (h *Handler) requestPasswordReset(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, false)
	if q == nil {
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	if accounts.ValidateEmail(email) != nil {
		h.renderPassword(q, http.StatusUnprocessableEntity, &passwordData{Mode: "request", Email: email, Error: q.v.Tr("err_email")})
		return
	}
	if h.Cfg.RateLimits {
		ipOK := h.resetsIP.Allow("ip:" + mastodon.ClientIP(r)).Allowed
		if !ipOK || !h.resetsEmail.Allow("email:"+email).Allowed {
			h.message(q, http.StatusTooManyRequests, q.v.Tr("error_title"), q.v.Tr("reset_too_many"))
			return
		}
	}
	select {
	case h.mailSlots <- struct{}{}:
		// Detached from the request, which ends now; bounded by mail.Timeout.
		ctx := context.WithoutCancel(r.Context())
		h.background.Add(1)
		go func() {
			defer func() { <-h.mailSlots; h.background.Done() }()
			h.sendPasswordReset(ctx, email, q.v.Lang)
		}()
	default:
		h.Log.WarnContext(r.Context(), "too many password reset emails in flight; request dropped")
	}
	h.message(q, http.StatusOK, q.v.Tr("reset_title"), q.v.Tr("reset_sent", ResetTokenLifetime/time.Minute))
}

// sendPasswordReset makes a token for the account with email, if there is
// one that may sign in, and mails the link. Failures are logged: nobody
// is waiting for them.
func (h *Handler) sendPasswordReset(ctx context.Context, email, lang string) {
	u, err := h.Store.UserByEmail(ctx, email)
	if domain.KindOf(err) == domain.KindNotFound {
		return
	} else if err != nil {
		h.Log.ErrorContext(ctx, "password reset: load user", "err", err)
		return
	}
	if u.Disabled || !u.Approved {
		return
	}
	token := auth.NewSecret(ResetTokenBytes)
	if err := h.Store.CreatePasswordReset(ctx, u.ID, auth.HashSecret(token), h.Store.Now().Add(ResetTokenLifetime)); err != nil {
		h.Log.ErrorContext(ctx, "password reset: store token", "err", err)
		return
	}
	if _, ok := messages[u.Locale]; ok {
		lang = u.Locale
	}
	l := messages[lang]
	link := h.Cfg.URL + "/auth/password/edit?token=" + url.QueryEscape(token)
	m := mail.Message{To: u.Email, Subject: tr(l, "reset_mail_subject", h.Cfg.InstanceTitle), Link: link,
		Text: tr(l, "reset_mail_body", h.Cfg.InstanceTitle, link, ResetTokenLifetime/time.Minute)}
	if err := h.mail.Send(ctx, m); err != nil {
		h.Log.ErrorContext(ctx, "password reset: send email", "user_id", u.ID, "err", err)
	}
}

// passwordEditPage is GET /auth/password/edit?token=...: the form for a
// new password, when the token is valid.
func (h *Handler) passwordEditPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	token := r.URL.Query().Get("token")
	if !h.resetTokenValid(q, token) {
		return
	}
	h.renderPassword(q, http.StatusOK, &passwordData{Mode: "edit", Token: token})
}

// resetTokenValid checks a token, answering with an explanation when it is
// unknown, used or expired.
func (h *Handler) resetTokenValid(q *request, token string) bool {
	if token != "" && len(token) <= 100 {
		_, err := h.Store.PasswordResetUser(q.r.Context(), auth.HashSecret(token))
		if err == nil {
			return true
		}
		if domain.KindOf(err) != domain.KindNotFound {
			h.fail(q.w, q.r, err)
			return false
		}
	}
	h.renderPassword(q, http.StatusNotFound, &passwordData{Mode: "invalid"})
	return false
}

// resetPassword is POST /auth/password/edit: it sets the new password,
// which signs the account out everywhere (web sessions and app tokens),
// and sends the browser to log in.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, false)
	if q == nil {
		return
	}
	v := r.PostForm
	token, pw := v.Get("token"), v.Get("password")
	if !h.resetTokenValid(q, token) {
		return
	}
	d := &passwordData{Mode: "edit", Token: token}
	if accounts.ValidatePassword(pw) != nil {
		d.Error = q.v.Tr("err_password")
	} else if pw != v.Get("password_confirmation") {
		d.Error = q.v.Tr("err_password_mismatch")
	}
	if d.Error != "" {
		h.renderPassword(q, http.StatusUnprocessableEntity, d)
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Store.ResetPassword(r.Context(), auth.HashSecret(token), hash); err != nil {
		if domain.KindOf(err) == domain.KindNotFound { // used meanwhile
			h.resetTokenValid(q, "")
			return
		}
		h.fail(w, r, err)
		return
	}
	// This browser's session, if any, ended with the others.
	if err := h.sessions.End(r.Context(), w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Viewer, q.v.User = nil, nil
	h.renderPassword(q, http.StatusOK, &passwordData{Mode: "done"})
}

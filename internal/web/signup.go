package web

import (
	"net/http"
	"strings"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// signUpData is the sign-up form as typed (never the password) and its
// errors, by field.
type signUpData struct {
	Username, Email, Reason string
	Agreement               bool
	NeedReason              bool
	Open                    bool // registrations are open or by approval
	Rules                   []store.Rule
	Errors                  map[string]string
	MaxReason               int
	// InviteCode is the invitation the form carries (from /invite/{code}),
	// Inviter the name of who sent it, when the code is still valid.
	InviteCode string
	Inviter    string
}

func (h *Handler) signUpData(q *request) (*signUpData, error) {
	rules, err := h.Store.Rules(q.r.Context())
	if err != nil {
		return nil, err
	}
	reg := h.Cfg.Registrations
	return &signUpData{Rules: rules, NeedReason: reg == "approval", Open: reg == "open" || reg == "approval",
		Errors: map[string]string{}, MaxReason: accounts.MaxReasonLen}, nil
}

// signUpPage is GET /auth/sign_up.
func (h *Handler) signUpPage(w http.ResponseWriter, r *http.Request) {
	q := h.begin(w, r)
	if q == nil {
		return
	}
	if q.acct != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d, err := h.signUpData(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.withInvite(q, d, r.URL.Query().Get("invite_code"))
	h.renderSignUp(q, d, http.StatusOK)
}

func (h *Handler) renderSignUp(q *request, d *signUpData, status int) {
	q.v.Title, q.v.Nav, q.v.Data = q.v.Tr("sign_up_title", h.Cfg.InstanceTitle), "sign_up", d
	h.render(q, status, "signup")
}

// signUp is POST /auth/sign_up: it creates the account through the
// accounts service and signs in, or shows the form again with each error
// next to its field.
func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, false)
	if q == nil {
		return
	}
	d, err := h.signUpData(q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := r.PostForm
	d.Username, d.Email, d.Reason = strings.TrimSpace(v.Get("username")), strings.TrimSpace(v.Get("email")), v.Get("reason")
	d.Agreement = on(v, "agreement")
	h.withInvite(q, d, strings.TrimSpace(v.Get("invite_code")))
	// The service reports the first problem only; the form shows every
	// one it can check with the service's own validators at once.
	if err := accounts.ValidateEmail(d.Email); err != nil {
		d.Errors["email"] = q.v.Tr("err_email")
	}
	if err := accounts.ValidatePassword(v.Get("password")); err != nil {
		d.Errors["password"] = q.v.Tr("err_password")
	} else if v.Get("password") != v.Get("password_confirmation") {
		d.Errors["password"] = q.v.Tr("err_password_mismatch")
	}
	if !d.Agreement && d.Open {
		d.Errors["agreement"] = q.v.Tr("err_agreement")
	}
	if len(d.Errors) > 0 {
		h.renderSignUp(q, d, http.StatusUnprocessableEntity)
		return
	}
	// Attempts that reach the service count, mistakes caught above do not.
	if h.Cfg.RateLimits && !h.signUps.Allow("ip:"+mastodon.ClientIP(r)).Allowed {
		h.message(q, http.StatusTooManyRequests, q.v.Tr("error_title"), q.v.Tr("too_many_sign_ups"))
		return
	}
	u, _, err := h.Accounts.Register(r.Context(), accounts.SignUp{Username: d.Username, Email: d.Email,
		Password: v.Get("password"), Agreement: d.Agreement, Locale: q.v.Lang, Reason: d.Reason, IP: mastodon.ClientIP(r),
		InviteCode: d.InviteCode})
	if err != nil {
		switch domain.KindOf(err) {
		case domain.KindInvalid, domain.KindConflict:
			field, msg := signUpError(q.v, err)
			d.Errors[field] = msg
			h.renderSignUp(q, d, http.StatusUnprocessableEntity)
		case domain.KindForbidden:
			h.message(q, http.StatusForbidden, q.v.Tr("sign_up_closed_title"), errorMessage(err))
		default:
			h.fail(w, r, err)
		}
		return
	}
	if !u.Approved {
		h.message(q, http.StatusOK, q.v.Tr("sign_up_pending_title"), q.v.Tr("sign_up_pending"))
		return
	}
	if _, err := h.sessions.Start(r.Context(), w, r, u.ID, mastodon.ClientIP(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/"
	h.done(q, "flash_welcome", nil)
}

// signUpError finds the field a service error is about ("username: ...")
// and words it in the page's language.
func signUpError(v *view, err error) (field, msg string) {
	msg = errorMessage(err)
	if domain.KindOf(err) == domain.KindConflict {
		if strings.Contains(strings.ToLower(msg), "email") {
			return "email", v.Tr("err_email_taken")
		}
		return "username", v.Tr("err_username_taken")
	}
	field, _, _ = strings.Cut(msg, ":")
	switch field {
	case "username":
		if strings.Contains(msg, "reserved") {
			return field, v.Tr("err_username_reserved")
		}
		return field, v.Tr("err_username")
	case "email":
		return field, v.Tr("err_email")
	case "password":
		return field, v.Tr("err_password")
	case "agreement":
		return field, v.Tr("err_agreement")
	case "reason":
		return field, v.Tr("err_reason", accounts.MaxReasonLen)
	}
	return "form", msg
}

package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/domain"
)

// MaxInvitesShown is how many of one's invitations the page lists.
const MaxInvitesShown = 100

// inviteExpiries are the expiry choices of the invitation form, in
// seconds ("" for never), within the accounts service's limits.
var inviteExpiries = []struct{ Value, Key string }{
	{"1800", "poll_30m"}, {"3600", "poll_1h"}, {"21600", "poll_6h"}, {"86400", "poll_1d"},
	{"604800", "poll_7d"}, {"", "invite_never"},
}

// inviteView is one invitation as the page shows it.
type inviteView struct {
	ID, URL, Uses     string
	Expires           string // its state: valid until, expired, used up
	Valid, Autofollow bool
}

// invitesData is the invitations page.
type invitesData struct {
	Invites  []inviteView
	Expiries []struct{ Value, Key string }
	Closed   bool // registrations are closed: nobody can invite
	// UseChoices are the offered maximum numbers of uses (1 is chosen).
	UseChoices []int
}

// invitesPage is GET /settings/invites: one's invitation links with their
// use, a form to create one and a button to revoke each.
func (h *Handler) invitesPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	h.renderInvites(q, http.StatusOK)
}

func (h *Handler) renderInvites(q *request, status int) {
	list, err := h.Store.Invites(q.r.Context(), q.acct.ID, MaxInvitesShown)
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	d := &invitesData{Expiries: inviteExpiries, UseChoices: []int{1, 5, 10, 25, 50, accounts.MaxInviteUses}, Closed: h.Cfg.Registrations == "closed"}
	now := h.Store.Now()
	for _, i := range list {
		iv := inviteView{ID: i.ID.String(), URL: h.Accounts.InviteURL(i), Valid: i.Valid(now), Autofollow: i.Autofollow}
		if i.MaxUses > 0 {
			iv.Uses = q.v.Tr("invite_uses_of", i.Uses, i.MaxUses)
		} else {
			iv.Uses = q.v.Tr("invite_uses", i.Uses)
		}
		switch {
		case i.MaxUses > 0 && i.Uses >= i.MaxUses:
			iv.Expires = q.v.Tr("invite_used_up")
		case i.ExpiresAt != nil && iv.Valid:
			iv.Expires = q.v.Tr("invite_expires", q.v.Date(*i.ExpiresAt))
		case i.ExpiresAt != nil:
			iv.Expires = q.v.Tr("invite_expired", q.v.Date(*i.ExpiresAt))
		}
		d.Invites = append(d.Invites, iv)
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("invites_title"), "settings", "invites", d, "/settings/invites"
	h.render(q, status, "invites")
}

// createInvite is POST /settings/invites.
func (h *Handler) createInvite(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	v := r.PostForm
	in := accounts.InviteInput{Autofollow: on(v, "autofollow")}
	if s := v.Get("max_uses"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			q.v.Error = q.v.Tr("invite_bad_uses", accounts.MaxInviteUses)
			h.renderInvites(q, http.StatusUnprocessableEntity)
			return
		}
		in.MaxUses = n
	}
	if s := v.Get("expires_in"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			h.fail(w, r, domain.Invalid("expires_in: not a number"))
			return
		}
		in.ExpiresIn = time.Duration(n) * time.Second
	}
	if _, err := h.Accounts.CreateInvite(r.Context(), q.user, q.acct, in); err != nil {
		if k := domain.KindOf(err); k != domain.KindInvalid && k != domain.KindForbidden {
			h.fail(w, r, err)
			return
		}
		q.v.Error = errorMessage(err)
		if strings.HasPrefix(q.v.Error, "max_uses") {
			q.v.Error = q.v.Tr("invite_bad_uses", accounts.MaxInviteUses)
		}
		h.renderInvites(q, statusOf(err))
		return
	}
	q.v.Path = "/settings/invites"
	h.done(q, "flash_invite_created", nil)
}

// revokeInvite is POST /settings/invites/{id}/revoke: the link stops
// working at once.
func (h *Handler) revokeInvite(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.ExpireInvite(r.Context(), q.acct.ID, id); err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/settings/invites"
	h.done(q, "flash_invite_revoked", nil)
}

// invite is GET /invite/{code}: the sign-up page with the code filled in.
func (h *Handler) invite(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if len(code) > accounts.MaxInviteCodeLen {
		h.fail(w, r, domain.NotFound())
		return
	}
	http.Redirect(w, r, "/auth/sign_up?invite_code="+code, http.StatusSeeOther)
}

// withInvite puts an invitation on the sign-up form: the code, and who
// sent it while it is valid. With a valid invitation, the form is open
// even when registrations need one.
func (h *Handler) withInvite(q *request, d *signUpData, code string) {
	if code == "" || len(code) > accounts.MaxInviteCodeLen {
		return
	}
	d.InviteCode = code
	i, err := h.Store.InviteByCode(q.r.Context(), code)
	if err != nil || !i.Valid(h.Store.Now()) {
		return
	}
	if a, err := h.Store.Account(q.r.Context(), i.AccountID); err == nil {
		d.Inviter = h.accountView(a).Name
	}
	if h.Cfg.Registrations == "invite" {
		d.Open = true
	}
}

package web

import (
	"net/http"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// Page sizes of the settings pages below.
const (
	RequestsShown     = 40  // filtered notification requests per page
	DomainBlocksShown = 200 // blocked domains per page
)

// policyField is one of the notification policy's five choices.
type policyField struct {
	Name, Value string
}

// notifRequestView is a filtered notification request as the page shows it.
type notifRequestView struct {
	ID      string
	Account *accountView
	Count   int64
}

// notifSettingsData is the notification settings page.
type notifSettingsData struct {
	Calm     bool
	Fields   []policyField
	Choices  []string
	Requests []notifRequestView
}

// notificationSettingsPage is GET /settings/notifications: calm mode, the
// notification policy and the filtered notifications waiting for an answer.
func (h *Handler) notificationSettingsPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	ctx := r.Context()
	p, err := h.Store.NotificationPolicy(ctx, q.acct.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	reqs, err := h.Store.NotificationRequests(ctx, q.acct.ID, domain.Page{Limit: RequestsShown})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &notifSettingsData{Calm: p.CalmMode, Choices: []string{store.PolicyAccept, store.PolicyFilter, store.PolicyDrop},
		Fields: []policyField{{"for_not_following", p.ForNotFollowing}, {"for_not_followers", p.ForNotFollowers},
			{"for_new_accounts", p.ForNewAccounts}, {"for_private_mentions", p.ForPrivateMentions},
			{"for_limited_accounts", p.ForLimitedAccounts}}}
	for _, nr := range reqs {
		a, err := h.Store.Account(ctx, nr.FromAccountID)
		if domain.KindOf(err) == domain.KindNotFound {
			continue
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Requests = append(d.Requests, notifRequestView{ID: nr.ID.String(), Account: h.accountView(a), Count: nr.NotificationsCount})
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("notif_settings_title"), "settings", "notifications", d, "/settings/notifications"
	h.render(q, http.StatusOK, "notif_settings")
}

// saveCalmMode is POST /settings/notifications/calm: the one switch.
func (h *Handler) saveCalmMode(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	p, err := h.Store.NotificationPolicy(r.Context(), q.acct.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.CalmMode = on(r.PostForm, "calm")
	if err := h.Store.SetNotificationPolicy(r.Context(), q.acct.ID, p); err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/settings/notifications"
	flash := "flash_calm_off"
	if p.CalmMode {
		flash = "flash_calm_on"
	}
	h.done(q, flash, map[string]bool{"calm": p.CalmMode})
}

// saveNotificationPolicy is POST /settings/notifications/policy.
func (h *Handler) saveNotificationPolicy(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	p, err := h.Store.NotificationPolicy(r.Context(), q.acct.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := r.PostForm
	for key, dst := range map[string]*string{"for_not_following": &p.ForNotFollowing, "for_not_followers": &p.ForNotFollowers,
		"for_new_accounts": &p.ForNewAccounts, "for_private_mentions": &p.ForPrivateMentions, "for_limited_accounts": &p.ForLimitedAccounts} {
		if s := v.Get(key); s != "" {
			*dst = s
		}
	}
	if err := h.Store.SetNotificationPolicy(r.Context(), q.acct.ID, p); err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/settings/notifications"
	h.done(q, "flash_saved", nil)
}

// answerNotificationRequest is POST /settings/notifications/requests/{id}
// with do=accept (the notifications join the list) or do=dismiss.
func (h *Handler) answerNotificationRequest(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	flash := "flash_request_accepted"
	switch r.PostForm.Get("do") {
	case "accept":
		err = h.Store.AcceptNotificationRequests(r.Context(), q.acct.ID, []domain.ID{id})
	case "dismiss":
		flash = "flash_request_dismissed"
		err = h.Store.DismissNotificationRequests(r.Context(), q.acct.ID, []domain.ID{id})
	default:
		err = domain.Invalid("do: accept or dismiss")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/settings/notifications"
	h.done(q, flash, nil)
}

// domainBlocksData is the blocked domains page.
type domainBlocksData struct {
	Domains []string
	Typed   string
}

// domainBlocksPage is GET /settings/domain_blocks: the servers whose
// posts and notifications the viewer does not want, with a form to add one.
func (h *Handler) domainBlocksPage(w http.ResponseWriter, r *http.Request) {
	q := h.signedIn(w, r)
	if q == nil {
		return
	}
	h.renderDomainBlocks(q, &domainBlocksData{}, http.StatusOK)
}

func (h *Handler) renderDomainBlocks(q *request, d *domainBlocksData, status int) {
	list, err := h.Store.UserDomainBlocks(q.r.Context(), q.acct.ID, domain.Page{Limit: DomainBlocksShown})
	if err != nil {
		h.fail(q.w, q.r, err)
		return
	}
	for _, b := range list {
		d.Domains = append(d.Domains, b.Domain)
	}
	q.v.Title, q.v.Nav, q.v.Sub, q.v.Data, q.v.Path = q.v.Tr("domain_blocks_title"), "settings", "domain_blocks", d, "/settings/domain_blocks"
	h.render(q, status, "domain_blocks")
}

// changeDomainBlock is POST /settings/domain_blocks with do=block or
// do=unblock and the domain.
func (h *Handler) changeDomainBlock(w http.ResponseWriter, r *http.Request) {
	q := h.form(w, r, true)
	if q == nil {
		return
	}
	typed := r.PostForm.Get("domain")
	d, err := moderation.NormalizeDomain(typed)
	if err != nil || d == h.Cfg.Domain {
		// One's own server cannot be blocked (as in the API).
		q.v.Error = q.v.Tr("domain_block_invalid", typed)
		if err == nil {
			q.v.Error = q.v.Tr("domain_block_own")
		}
		h.renderDomainBlocks(q, &domainBlocksData{Typed: typed}, http.StatusUnprocessableEntity)
		return
	}
	flash := "flash_domain_blocked"
	if r.PostForm.Get("do") == "unblock" {
		flash = "flash_domain_unblocked"
		err = h.Store.UnblockDomain(r.Context(), q.acct.ID, d)
	} else {
		err = h.Store.BlockDomain(r.Context(), q.acct.ID, d)
	}
	if err != nil {
		if domain.KindOf(err) == domain.KindInvalid {
			q.v.Error = errorMessage(err)
			h.renderDomainBlocks(q, &domainBlocksData{Typed: typed}, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	q.v.Path = "/settings/domain_blocks"
	h.done(q, flash, nil)
}

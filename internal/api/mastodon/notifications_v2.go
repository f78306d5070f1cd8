package mastodon

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Grouped notifications, Mastodon 4.3's API v2. The grouping itself lives in
// store/notifications_grouped.go; filters, policies, blocks and the hiding
// of unseen statuses are v1's.

// NotificationGroupAccountsLimit is the default page of a group's accounts.
const NotificationGroupAccountsLimit = 40

// NotificationGroup is Mastodon's NotificationGroup entity.
type NotificationGroup struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int      `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID string   `json:"most_recent_notification_id"`
	PageMinID                string   `json:"page_min_id,omitempty"`
	PageMaxID                string   `json:"page_max_id,omitempty"`
	LatestPageNotificationAt *Time    `json:"latest_page_notification_at,omitempty"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 *string  `json:"status_id,omitempty"`
	// ModerationWarning is set on moderation_warning groups.
	ModerationWarning *AccountWarning `json:"moderation_warning,omitempty"`
}

// PartialAccount is the short account of expand_accounts=partial_avatars.
type PartialAccount struct {
	ID           string `json:"id"`
	Acct         string `json:"acct"`
	Locked       bool   `json:"locked"`
	Bot          bool   `json:"bot"`
	URL          string `json:"url"`
	Avatar       string `json:"avatar"`
	AvatarStatic string `json:"avatar_static"`
}

// GroupedNotificationsResults is Mastodon's GroupedNotificationsResults:
// each account and status once, referred to by id from the groups.
type GroupedNotificationsResults struct {
	Accounts           []*Account           `json:"accounts"`
	PartialAccounts    []*PartialAccount    `json:"partial_accounts,omitempty"`
	Statuses           []*Status            `json:"statuses"`
	NotificationGroups []*NotificationGroup `json:"notification_groups"`
}

// registerNotificationsV2 adds Mastodon's grouped notifications.
func (a *API) registerNotificationsV2(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v2/notifications", a.endpoint(userOnly, "read:notifications", a.listNotificationGroups))
	mux.HandleFunc("GET /api/v2/notifications/unread_count", a.endpoint(userOnly, "read:notifications", a.unreadNotificationGroups))
	mux.HandleFunc("POST /api/v2/notifications/clear", a.endpoint(userOnly, "write:notifications", a.clearNotifications))
	mux.HandleFunc("GET /api/v2/notifications/{group_key}", a.endpoint(userOnly, "read:notifications", a.getNotificationGroup))
	mux.HandleFunc("POST /api/v2/notifications/{group_key}/dismiss", a.endpoint(userOnly, "write:notifications", a.dismissNotificationGroup))
	mux.HandleFunc("GET /api/v2/notifications/{group_key}/accounts", a.endpoint(userOnly, "read:notifications", a.notificationGroupAccounts))
}

// groupedTypes reads grouped_types[]: absent or empty groups every
// groupable type; otherwise only those listed (others are ignored), as
// Mastodon does.
func groupedTypes(p *rest.Params) []string { return p.Strings("grouped_types") }

func (a *API) listNotificationGroups(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(NotificationsDefaultLimit, NotificationsMaxLimit)
	if err != nil {
		return err
	}
	f, err := notificationFilter(p)
	if err != nil {
		return err
	}
	partial := false
	switch e := p.String("expand_accounts"); e {
	case "", "full":
	case "partial_avatars":
		partial = true
	default:
		return domain.Invalid("expand_accounts must be full or partial_avatars, not %q", e)
	}
	gs, err := a.Store.GroupedNotifications(r.Context(), v.Account.ID, f, pg, groupedTypes(p))
	if err != nil {
		return err
	}
	out, err := a.renderNotificationGroups(r.Context(), v, gs, partial)
	if err != nil {
		return err
	}
	if len(gs) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, gs[0].Notification.ID, gs[len(gs)-1].Notification.ID, len(gs))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) getNotificationGroup(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	g, err := a.Store.NotificationGroup(r.Context(), v.Account.ID, r.PathValue("group_key"))
	if err != nil {
		return err
	}
	out, err := a.renderNotificationGroups(r.Context(), v, []*store.GroupedNotification{g}, false)
	if err != nil {
		return err
	}
	if len(out.NotificationGroups) == 0 {
		return domain.NotFound() // its status or sender is out of sight
	}
	rest.OK(w, out)
	return nil
}

func (a *API) dismissNotificationGroup(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := a.Store.DismissNotificationGroup(r.Context(), v.Account.ID, r.PathValue("group_key")); err != nil {
		return err
	}
	rest.OK(w, map[string]any{})
	return nil
}

// notificationGroupAccounts lists the senders of a group's notifications,
// newest first, paginated by notification id as Mastodon.
func (a *API) notificationGroupAccounts(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(NotificationGroupAccountsLimit, NotificationsMaxLimit)
	if err != nil {
		return err
	}
	ns, err := a.Store.NotificationGroupMembers(r.Context(), v.Account.ID, r.PathValue("group_key"), pg)
	if err != nil {
		return err
	}
	ids := make([]domain.ID, len(ns))
	for i, n := range ns {
		ids[i] = n.FromAccountID
	}
	accts, err := a.Store.Accounts(r.Context(), ids)
	if err != nil {
		return err
	}
	out := []*Account{}
	for _, n := range ns {
		if acct := accts[n.FromAccountID]; acct != nil {
			out = append(out, a.renderAccount(acct))
		}
	}
	if len(ns) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, ns[0].ID, ns[len(ns)-1].ID, len(ns))
		if len(ns) < pg.Limit { // the last page: no next, as Mastodon
			links := strings.Split(w.Header().Get("Link"), ", ")
			w.Header().Set("Link", strings.Join(slices.DeleteFunc(links, func(l string) bool { return strings.HasSuffix(l, `rel="next"`) }), ", "))
		}
	}
	rest.OK(w, out)
	return nil
}

// unreadNotificationGroups counts the groups newer than the
// "notifications" marker, as v1's unread_count counts notifications.
func (a *API) unreadNotificationGroups(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	limit, err := p.Int("limit", UnreadCountDefaultLimit, 1, 1<<30)
	if err != nil {
		return err
	}
	f, err := notificationFilter(p)
	if err != nil {
		return err
	}
	n, err := a.Store.UnreadNotificationGroups(r.Context(), v.Account.ID, f, groupedTypes(p), min(limit, MaxUnreadCount))
	if err != nil {
		return err
	}
	rest.OK(w, map[string]int{"count": n})
	return nil
}

// renderNotificationGroups renders groups with their accounts and statuses
// in a fixed number of queries, dropping, as v1 does, groups whose status
// the viewer can no longer see (or a filter hides) or whose sender is gone.
func (a *API) renderNotificationGroups(ctx context.Context, v *Viewer, gs []*store.GroupedNotification, partial bool) (*GroupedNotificationsResults, error) {
	out := &GroupedNotificationsResults{Accounts: []*Account{}, Statuses: []*Status{}, NotificationGroups: []*NotificationGroup{}}
	if partial {
		out.PartialAccounts = []*PartialAccount{}
	}
	var statusIDs, accountIDs, warnIDs []domain.ID
	for _, g := range gs {
		accountIDs = append(accountIDs, g.SampleAccountIDs...)
		if g.TargetStatusID != 0 {
			statusIDs = append(statusIDs, g.TargetStatusID)
		}
		if g.Notification.Type == "moderation_warning" {
			warnIDs = append(warnIDs, g.Notification.ID)
		}
	}
	sts, err := a.renderStatusList(ctx, v, uniqueIDs(statusIDs), "notifications")
	if err != nil {
		return nil, err
	}
	statuses := map[string]*Status{}
	for _, s := range sts {
		statuses[s.ID] = s
	}
	// Replies waiting for the viewer's approval are only shown to them here.
	ns := make([]*domain.Notification, 0, len(gs))
	for _, g := range gs {
		n := *g.Notification
		n.StatusID = g.TargetStatusID
		ns = append(ns, &n)
	}
	if err := a.addPendingReplies(ctx, v, ns, statuses); err != nil {
		return nil, err
	}
	accts, err := a.Store.Accounts(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	warnings := map[domain.ID]*AccountWarning{}
	if len(warnIDs) > 0 {
		if warnings, err = a.AccountWarnings(ctx, warnIDs); err != nil {
			return nil, err
		}
	}
	usedStatus, usedAccount := map[string]bool{}, map[domain.ID]bool{}
	var partials []domain.ID
	for _, g := range gs {
		if accts[g.Notification.FromAccountID] == nil {
			continue
		}
		e := &NotificationGroup{GroupKey: g.Key, NotificationsCount: g.Count, Type: g.Notification.Type,
			MostRecentNotificationID: g.MostRecentID.String(), SampleAccountIDs: []string{},
			ModerationWarning: warnings[g.Notification.ID]}
		if g.TargetStatusID != 0 {
			id := g.TargetStatusID.String()
			st := statuses[id]
			if st == nil {
				continue
			}
			e.StatusID = &id
			if !usedStatus[id] {
				usedStatus[id] = true
				out.Statuses = append(out.Statuses, st)
			}
		}
		if g.Paginated {
			at := Time(g.LatestAt)
			e.PageMinID, e.PageMaxID, e.LatestPageNotificationAt = g.PageMinID.String(), g.MostRecentID.String(), &at
		}
		for i, id := range g.SampleAccountIDs {
			acct := accts[id]
			if acct == nil {
				continue
			}
			e.SampleAccountIDs = append(e.SampleAccountIDs, id.String())
			// With partial avatars only each group's first account is
			// whole; the others come short, once, unless whole already.
			if partial && i > 0 {
				partials = append(partials, id)
				continue
			}
			if !usedAccount[id] {
				usedAccount[id] = true
				out.Accounts = append(out.Accounts, a.renderAccount(acct))
			}
		}
		out.NotificationGroups = append(out.NotificationGroups, e)
	}
	for _, id := range uniqueIDs(partials) {
		if usedAccount[id] {
			continue
		}
		whole := a.renderAccount(accts[id])
		out.PartialAccounts = append(out.PartialAccounts, &PartialAccount{ID: whole.ID, Acct: whole.Acct, Locked: whole.Locked,
			Bot: whole.Bot, URL: whole.URL, Avatar: whole.Avatar, AvatarStatic: whole.AvatarStatic})
	}
	return out, nil
}

// uniqueIDs returns ids without repeats, in their first order.
func uniqueIDs(ids []domain.ID) []domain.ID {
	seen := map[domain.ID]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

package mastodon

import (
	"context"
	"net/http"
	"strconv"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Notification request list limits, as Mastodon's.
const (
	NotificationRequestsDefaultLimit = 40
	NotificationRequestsMaxLimit     = 80
	MaxNotificationRequestIDs        = 100 // ids per bulk accept or dismiss
)

func (a *API) registerNotificationPolicy(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v2/notifications/policy", a.endpoint(userOnly, "read:notifications", a.getPolicyV2))
	mux.HandleFunc("PATCH /api/v2/notifications/policy", a.endpoint(userOnly, "write:notifications", a.patchPolicyV2))
	mux.HandleFunc("GET /api/v1/notifications/policy", a.endpoint(userOnly, "read:notifications", a.getPolicyV1))
	mux.HandleFunc("PATCH /api/v1/notifications/policy", a.endpoint(userOnly, "write:notifications", a.patchPolicyV1))
	mux.HandleFunc("GET /api/v1/notifications/requests", a.endpoint(userOnly, "read:notifications", a.listNotificationRequests))
	mux.HandleFunc("GET /api/v1/notifications/requests/merged", a.endpoint(userOnly, "read:notifications", a.requestsMerged))
	mux.HandleFunc("GET /api/v1/notifications/requests/{id}", a.endpoint(userOnly, "read:notifications", a.getNotificationRequest))
	mux.HandleFunc("POST /api/v1/notifications/requests/{id}/accept", a.endpoint(userOnly, "write:notifications", a.answerRequest(true)))
	mux.HandleFunc("POST /api/v1/notifications/requests/{id}/dismiss", a.endpoint(userOnly, "write:notifications", a.answerRequest(false)))
	mux.HandleFunc("POST /api/v1/notifications/requests/accept", a.endpoint(userOnly, "write:notifications", a.answerRequests(true)))
	mux.HandleFunc("POST /api/v1/notifications/requests/dismiss", a.endpoint(userOnly, "write:notifications", a.answerRequests(false)))
}

// PolicySummary counts what waits in notification requests.
type PolicySummary struct {
	PendingRequestsCount      int64 `json:"pending_requests_count"`
	PendingNotificationsCount int64 `json:"pending_notifications_count"`
}

// NotificationPolicy is Mastodon's (v2) NotificationPolicy entity, with
// agora's calm_mode.
type NotificationPolicy struct {
	ForNotFollowing    string        `json:"for_not_following"`
	ForNotFollowers    string        `json:"for_not_followers"`
	ForNewAccounts     string        `json:"for_new_accounts"`
	ForPrivateMentions string        `json:"for_private_mentions"`
	ForLimitedAccounts string        `json:"for_limited_accounts"`
	CalmMode           bool          `json:"calm_mode"`
	Summary            PolicySummary `json:"summary"`
}

// NotificationPolicyV1 is the deprecated v1 entity: booleans, true for
// anything but accept.
type NotificationPolicyV1 struct {
	FilterNotFollowing    bool          `json:"filter_not_following"`
	FilterNotFollowers    bool          `json:"filter_not_followers"`
	FilterNewAccounts     bool          `json:"filter_new_accounts"`
	FilterPrivateMentions bool          `json:"filter_private_mentions"`
	Summary               PolicySummary `json:"summary"`
}

// NotificationRequest is Mastodon's NotificationRequest entity.
type NotificationRequest struct {
	ID                 string   `json:"id"`
	CreatedAt          Time     `json:"created_at"`
	UpdatedAt          Time     `json:"updated_at"`
	Account            *Account `json:"account"`
	NotificationsCount string   `json:"notifications_count"`
	LastStatus         *Status  `json:"last_status,omitempty"`
}

func (a *API) policyV2(ctx context.Context, account domain.ID) (*NotificationPolicy, error) {
	p, err := a.Store.NotificationPolicy(ctx, account)
	if err != nil {
		return nil, err
	}
	reqs, ns, err := a.Store.NotificationRequestSummary(ctx, account)
	if err != nil {
		return nil, err
	}
	return &NotificationPolicy{ForNotFollowing: p.ForNotFollowing, ForNotFollowers: p.ForNotFollowers,
		ForNewAccounts: p.ForNewAccounts, ForPrivateMentions: p.ForPrivateMentions, ForLimitedAccounts: p.ForLimitedAccounts,
		CalmMode: p.CalmMode, Summary: PolicySummary{PendingRequestsCount: reqs, PendingNotificationsCount: ns}}, nil
}

func (a *API) getPolicyV2(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	out, err := a.policyV2(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	rest.OK(w, out)
	return nil
}

// patchPolicyV2 changes the policies given (accept, filter or drop) and
// calm_mode; absent ones keep their value.
func (a *API) patchPolicyV2(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pol, err := a.Store.NotificationPolicy(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	for key, field := range map[string]*string{"for_not_following": &pol.ForNotFollowing, "for_not_followers": &pol.ForNotFollowers,
		"for_new_accounts": &pol.ForNewAccounts, "for_private_mentions": &pol.ForPrivateMentions,
		"for_limited_accounts": &pol.ForLimitedAccounts} {
		if !p.Has(key) {
			continue
		}
		val := p.String(key)
		if !store.ValidPolicy(val) {
			return domain.Invalid("%s must be accept, filter or drop", key)
		}
		*field = val
	}
	if pol.CalmMode, err = p.Bool("calm_mode", pol.CalmMode); err != nil {
		return err
	}
	if err := a.Store.SetNotificationPolicy(r.Context(), v.Account.ID, pol); err != nil {
		return err
	}
	return a.getPolicyV2(w, r, v)
}

func (a *API) getPolicyV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := a.policyV2(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	rest.OK(w, &NotificationPolicyV1{FilterNotFollowing: p.ForNotFollowing != store.PolicyAccept,
		FilterNotFollowers: p.ForNotFollowers != store.PolicyAccept, FilterNewAccounts: p.ForNewAccounts != store.PolicyAccept,
		FilterPrivateMentions: p.ForPrivateMentions != store.PolicyAccept, Summary: p.Summary})
	return nil
}

// patchPolicyV1 reads the v1 booleans: true filters, false accepts.
func (a *API) patchPolicyV1(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pol, err := a.Store.NotificationPolicy(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	for key, field := range map[string]*string{"filter_not_following": &pol.ForNotFollowing, "filter_not_followers": &pol.ForNotFollowers,
		"filter_new_accounts": &pol.ForNewAccounts, "filter_private_mentions": &pol.ForPrivateMentions} {
		if !p.Has(key) {
			continue
		}
		on, err := p.Bool(key, false)
		if err != nil {
			return err
		}
		*field = store.PolicyAccept
		if on {
			*field = store.PolicyFilter
		}
	}
	if err := a.Store.SetNotificationPolicy(r.Context(), v.Account.ID, pol); err != nil {
		return err
	}
	return a.getPolicyV1(w, r, v)
}

// renderNotificationRequests renders requests in a fixed number of queries;
// a request whose sender is gone is left out.
func (a *API) renderNotificationRequests(ctx context.Context, v *Viewer, reqs []*store.NotificationRequest) ([]*NotificationRequest, error) {
	out := []*NotificationRequest{}
	var accountIDs, statusIDs []domain.ID
	for _, nr := range reqs {
		accountIDs = append(accountIDs, nr.FromAccountID)
		if nr.LastStatusID != 0 {
			statusIDs = append(statusIDs, nr.LastStatusID)
		}
	}
	accts, err := a.Store.Accounts(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	sts, err := a.renderStatusList(ctx, v, statusIDs, "notifications")
	if err != nil {
		return nil, err
	}
	byID := map[string]*Status{}
	for _, s := range sts {
		byID[s.ID] = s
	}
	for _, nr := range reqs {
		acct := accts[nr.FromAccountID]
		if acct == nil {
			continue
		}
		out = append(out, &NotificationRequest{ID: nr.ID.String(), CreatedAt: Time(nr.CreatedAt), UpdatedAt: Time(nr.UpdatedAt),
			Account: a.renderAccount(acct), NotificationsCount: strconv.FormatInt(nr.NotificationsCount, 10),
			LastStatus: byID[nr.LastStatusID.String()]})
	}
	return out, nil
}

func (a *API) listNotificationRequests(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	pg, err := p.Page(NotificationRequestsDefaultLimit, NotificationRequestsMaxLimit)
	if err != nil {
		return err
	}
	reqs, err := a.Store.NotificationRequests(r.Context(), v.Account.ID, pg)
	if err != nil {
		return err
	}
	out, err := a.renderNotificationRequests(r.Context(), v, reqs)
	if err != nil {
		return err
	}
	if len(reqs) > 0 {
		rest.SetLink(w, r, a.Cfg.URL, reqs[0].ID, reqs[len(reqs)-1].ID, len(reqs))
	}
	rest.OK(w, out)
	return nil
}

func (a *API) getNotificationRequest(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	nr, err := a.Store.NotificationRequest(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	out, err := a.renderNotificationRequests(r.Context(), v, []*store.NotificationRequest{nr})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return domain.NotFound()
	}
	rest.OK(w, out[0])
	return nil
}

// answerRequest accepts or dismisses one request (404 if not the viewer's).
func (a *API) answerRequest(accept bool) func(http.ResponseWriter, *http.Request, *Viewer) error {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := a.Store.NotificationRequest(r.Context(), v.Account.ID, id); err != nil {
			return err
		}
		if err := a.answer(r.Context(), v.Account.ID, []domain.ID{id}, accept); err != nil {
			return err
		}
		rest.OK(w, map[string]any{})
		return nil
	}
}

// answerRequests accepts or dismisses the requests id[] (others' and
// unknown ids are ignored, as Mastodon does).
func (a *API) answerRequests(accept bool) func(http.ResponseWriter, *http.Request, *Viewer) error {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) error {
		p, err := params(r)
		if err != nil {
			return err
		}
		ids, err := p.IDs("id", MaxNotificationRequestIDs)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return domain.Invalid("id[] is required")
		}
		if err := a.answer(r.Context(), v.Account.ID, ids, accept); err != nil {
			return err
		}
		rest.OK(w, map[string]any{})
		return nil
	}
}

func (a *API) answer(ctx context.Context, account domain.ID, ids []domain.ID, accept bool) error {
	if accept {
		return a.Store.AcceptNotificationRequests(ctx, account, ids)
	}
	return a.Store.DismissNotificationRequests(ctx, account, ids)
}

// requestsMerged answers whether accepted requests' notifications have all
// joined the list: agora merges them in the accepting transaction.
func (a *API) requestsMerged(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	rest.OK(w, map[string]bool{"merged": true})
	return nil
}

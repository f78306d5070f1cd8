package mastodon

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
)

// Notification is Mastodon's Notification entity.
type Notification struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	CreatedAt Time     `json:"created_at"`
	GroupKey  string   `json:"group_key"`
	Account   *Account `json:"account"`
	Status    *Status  `json:"status,omitempty"`
	// ModerationWarning is set on moderation_warning notifications: the
	// statement of reasons as Mastodon's AccountWarning.
	ModerationWarning *AccountWarning `json:"moderation_warning,omitempty"`
}

// renderNotifications renders notifications in a fixed number of queries,
// dropping those whose status the viewer can no longer see or whose sender
// is gone.
func (a *API) renderNotifications(ctx context.Context, v *Viewer, ns []*domain.Notification) ([]*Notification, error) {
	out := []*Notification{}
	if len(ns) == 0 {
		return out, nil
	}
	var statusIDs, accountIDs []domain.ID
	for _, n := range ns {
		accountIDs = append(accountIDs, n.FromAccountID)
		if n.StatusID != 0 {
			statusIDs = append(statusIDs, n.StatusID)
		}
	}
	sts, err := a.renderStatusList(ctx, v, statusIDs, "notifications")
	if err != nil {
		return nil, err
	}
	byID := map[string]*Status{}
	for _, s := range sts {
		byID[s.ID] = s
	}
	accts, err := a.Store.Accounts(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	var warnIDs []domain.ID
	for _, n := range ns {
		if n.Type == "moderation_warning" {
			warnIDs = append(warnIDs, n.ID)
		}
	}
	warnings := map[domain.ID]*AccountWarning{}
	if len(warnIDs) > 0 {
		if warnings, err = a.AccountWarnings(ctx, warnIDs); err != nil {
			return nil, err
		}
	}
	for _, n := range ns {
		acct := accts[n.FromAccountID]
		if acct == nil {
			continue
		}
		e := &Notification{ID: n.ID.String(), Type: n.Type, CreatedAt: Time(n.CreatedAt),
			GroupKey: "ungrouped-" + n.ID.String(), Account: a.renderAccount(acct)}
		if n.StatusID != 0 {
			if e.Status = byID[n.StatusID.String()]; e.Status == nil {
				continue
			}
		}
		e.ModerationWarning = warnings[n.ID]
		out = append(out, e)
	}
	return out, nil
}

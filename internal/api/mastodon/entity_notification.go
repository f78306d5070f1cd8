package mastodon

import (
	"context"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
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
	if err := a.addPendingReplies(ctx, v, ns, byID); err != nil {
		return nil, err
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

// addPendingReplies renders the replies of pending.reply notifications:
// only their author may see them otherwise (the request shows them to
// the author they ask).
func (a *API) addPendingReplies(ctx context.Context, v *Viewer, ns []*domain.Notification, byID map[string]*Status) error {
	var ids []domain.ID
	for _, n := range ns {
		if n.Type == store.NotifyPendingReply && n.StatusID != 0 && byID[n.StatusID.String()] == nil {
			ids = append(ids, n.StatusID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	reqs, err := a.Store.ReplyRequests(ctx, ids)
	if err != nil {
		return err
	}
	var mine []*store.InteractionRequest
	for _, q := range reqs {
		if q.TargetAccountID == v.AccountID() {
			mine = append(mine, q)
		}
	}
	replies, err := a.renderPendingReplies(ctx, v, mine)
	if err != nil {
		return err
	}
	for id, s := range replies {
		byID[id.String()] = s
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Notification policy values, as Mastodon's.
const (
	PolicyAccept = "accept"
	PolicyFilter = "filter"
	PolicyDrop   = "drop"
)

// Thresholds of the notification policy, as Mastodon's.
const (
	NewAccountAge   = 30 * 24 * time.Hour // "new accounts" were created more recently
	FollowerMinimum = 3 * 24 * time.Hour  // a follower of less than this counts as "not a follower"
)

// FilterableNotifications are the notification types a policy may filter
// or drop, as Mastodon's; the others (posts of accounts one asked to be
// notified of, polls, edits, moderation warnings, admin notices) always
// arrive.
var FilterableNotifications = map[string]bool{
	domain.NotifyMention: true, domain.NotifyReblog: true, domain.NotifyFollow: true,
	domain.NotifyFollowRequest: true, domain.NotifyFavourite: true, "quote": true,
}

// NotificationPolicy is an account's notification policy.
type NotificationPolicy struct {
	ForNotFollowing    string
	ForNotFollowers    string
	ForNewAccounts     string
	ForPrivateMentions string
	ForLimitedAccounts string
	// CalmMode (agora) filters notifications from everyone the account
	// does not follow, whatever the rest says: one switch for an account
	// under a pile-on, undone without losing the policy.
	CalmMode bool
}

// DefaultNotificationPolicy is the policy of an account that never set one.
func DefaultNotificationPolicy() NotificationPolicy {
	return NotificationPolicy{ForNotFollowing: PolicyAccept, ForNotFollowers: PolicyAccept, ForNewAccounts: PolicyAccept,
		ForPrivateMentions: PolicyFilter, ForLimitedAccounts: PolicyFilter}
}

// ValidPolicy reports whether v is accept, filter or drop.
func ValidPolicy(v string) bool { return v == PolicyAccept || v == PolicyFilter || v == PolicyDrop }

// NotificationPolicy loads an account's policy (the default when unset).
func (s *Store) NotificationPolicy(ctx context.Context, account domain.ID) (NotificationPolicy, error) {
	p := DefaultNotificationPolicy()
	err := s.DB.R.QueryRowContext(ctx, `SELECT for_not_following, for_not_followers, for_new_accounts, for_private_mentions,
		for_limited_accounts, calm_mode FROM notification_policies WHERE account_id = $1`, int64(account)).
		Scan(&p.ForNotFollowing, &p.ForNotFollowers, &p.ForNewAccounts, &p.ForPrivateMentions, &p.ForLimitedAccounts, &p.CalmMode)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("load notification policy: %w", err)
	}
	return p, nil
}

// SetNotificationPolicy saves an account's policy.
func (s *Store) SetNotificationPolicy(ctx context.Context, account domain.ID, p NotificationPolicy) error {
	for _, v := range []string{p.ForNotFollowing, p.ForNotFollowers, p.ForNewAccounts, p.ForPrivateMentions, p.ForLimitedAccounts} {
		if !ValidPolicy(v) {
			return domain.Invalid("%q is not one of accept, filter, drop", v)
		}
	}
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO notification_policies (account_id, for_not_following, for_not_followers,
			for_new_accounts, for_private_mentions, for_limited_accounts, calm_mode, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (account_id) DO UPDATE SET for_not_following = excluded.for_not_following,
			for_not_followers = excluded.for_not_followers, for_new_accounts = excluded.for_new_accounts,
			for_private_mentions = excluded.for_private_mentions, for_limited_accounts = excluded.for_limited_accounts,
			calm_mode = excluded.calm_mode, updated_at = excluded.updated_at`,
		int64(account), p.ForNotFollowing, p.ForNotFollowers, p.ForNewAccounts, p.ForPrivateMentions, p.ForLimitedAccounts,
		p.CalmMode, s.nowMs())
	if err != nil {
		return fmt.Errorf("save notification policy: %w", err)
	}
	return nil
}

// notificationVerdict applies the recipient's policy to a new notification
// of a filterable type: accept, filter or drop. The strictest verdict of
// the criteria the sender meets wins. Senders the recipient follows or
// accepted a request from, and moderators, are always accepted.
func (s *Store) notificationVerdict(ctx context.Context, q db.Querier, n *domain.Notification) (string, error) {
	if !FilterableNotifications[n.Type] {
		return PolicyAccept, nil
	}
	var (
		followed, permitted, staff, limited, direct, replyToRecipient bool
		senderCreated                                                 int64
		followerSince                                                 sql.NullInt64
		policy                                                        = DefaultNotificationPolicy()
	)
	err := q.QueryRowContext(ctx, `SELECT a.created_at, a.silenced_at IS NOT NULL,
			EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = $2),
			(SELECT f.created_at FROM follows f WHERE f.account_id = $2 AND f.target_account_id = $1),
			EXISTS (SELECT 1 FROM notification_permissions np WHERE np.account_id = $1 AND np.from_account_id = $2),
			EXISTS (SELECT 1 FROM users u WHERE u.account_id = $2 AND u.role IN ('moderator', 'admin')),
			COALESCE((SELECT st.visibility = 'direct' FROM statuses st WHERE st.id = $3), FALSE),
			COALESCE((SELECT st.in_reply_to_account_id = $1 FROM statuses st WHERE st.id = $3), FALSE),
			COALESCE(p.for_not_following, 'accept'), COALESCE(p.for_not_followers, 'accept'),
			COALESCE(p.for_new_accounts, 'accept'), COALESCE(p.for_private_mentions, 'filter'),
			COALESCE(p.for_limited_accounts, 'filter'), COALESCE(p.calm_mode, FALSE)
		FROM accounts a LEFT JOIN notification_policies p ON p.account_id = $1
		WHERE a.id = $2`, int64(n.AccountID), int64(n.FromAccountID), int64(n.StatusID)).
		Scan(&senderCreated, &limited, &followed, &followerSince, &permitted, &staff, &direct, &replyToRecipient,
			&policy.ForNotFollowing, &policy.ForNotFollowers, &policy.ForNewAccounts, &policy.ForPrivateMentions,
			&policy.ForLimitedAccounts, &policy.CalmMode)
	if errors.Is(err, sql.ErrNoRows) {
		return PolicyAccept, nil // the sender is gone: the insert will find nothing to refer to
	}
	if err != nil {
		return "", fmt.Errorf("notification policy: %w", err)
	}
	if followed || permitted || staff {
		return PolicyAccept, nil
	}
	now := s.Now()
	verdict := PolicyAccept
	apply := func(applies bool, v string) {
		if !applies {
			return
		}
		if v == PolicyDrop || (v == PolicyFilter && verdict == PolicyAccept) {
			verdict = v
		}
	}
	apply(true, policy.ForNotFollowing) // not followed: checked above
	apply(!followerSince.Valid || now.Sub(fromMs(followerSince.Int64)) < FollowerMinimum, policy.ForNotFollowers)
	apply(now.Sub(fromMs(senderCreated)) < NewAccountAge, policy.ForNewAccounts)
	apply(n.Type == domain.NotifyMention && direct && !replyToRecipient, policy.ForPrivateMentions)
	apply(limited, policy.ForLimitedAccounts)
	apply(policy.CalmMode, PolicyFilter)
	return verdict, nil
}

// recordFilteredNotification adds a filtered notification to the pending
// request of its sender, creating the request on the first one.
func (s *Store) recordFilteredNotification(ctx context.Context, q db.Querier, n *domain.Notification) error {
	now := s.nowMs()
	_, err := q.ExecContext(ctx, `INSERT INTO notification_requests (id, account_id, from_account_id, last_status_id,
			notifications_count, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5)
		ON CONFLICT (account_id, from_account_id) DO UPDATE SET notifications_count = notification_requests.notifications_count + 1,
			last_status_id = COALESCE(excluded.last_status_id, notification_requests.last_status_id), updated_at = excluded.updated_at`,
		int64(s.IDs.Next()), int64(n.AccountID), int64(n.FromAccountID), nullID(n.StatusID), now)
	if err != nil {
		return fmt.Errorf("record notification request: %w", err)
	}
	return nil
}

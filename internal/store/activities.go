package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// InboxActivity is an activity received in an inbox, verified and stored
// for a worker to process.
type InboxActivity struct {
	ID                 domain.ID
	ActivityID         string
	Type               string
	ActorURI           string
	KeyID              string
	RecipientAccountID domain.ID // 0 for the shared inbox
	Body               string
	ReceivedAt         int64 // milliseconds
	ProcessedAt        int64 // milliseconds, 0 until processed
	Attempts           int   // processing attempts so far (claims of the row)
}

// InsertInboxActivity stores a received activity and, in the same
// transaction, calls enqueue with its id (to enqueue the processing job).
// An activity whose id was already received is dropped: it reports false
// and enqueues nothing.
func (s *Store) InsertInboxActivity(ctx context.Context, a *InboxActivity, enqueue func(tx *sql.Tx, id domain.ID) error) (bool, error) {
	a.ID = s.IDs.Next()
	a.ReceivedAt = s.nowMs()
	inserted := false
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO inbox_activities (id, activity_id, type, actor_uri, key_id,
			recipient_account_id, body, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (activity_id) DO NOTHING`,
			int64(a.ID), a.ActivityID, a.Type, a.ActorURI, a.KeyID, nullID(a.RecipientAccountID), a.Body, a.ReceivedAt)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		inserted = true
		return enqueue(tx, a.ID)
	})
	if err != nil {
		return false, fmt.Errorf("store inbox activity: %w", err)
	}
	return inserted, nil
}

// InboxActivity loads a received activity.
func (s *Store) InboxActivity(ctx context.Context, id domain.ID) (*InboxActivity, error) {
	a := &InboxActivity{ID: id}
	var recipient, processed sql.NullInt64
	err := s.DB.R.QueryRowContext(ctx, `SELECT activity_id, type, actor_uri, key_id, recipient_account_id, body,
		received_at, processed_at FROM inbox_activities WHERE id = $1`, int64(id)).
		Scan(&a.ActivityID, &a.Type, &a.ActorURI, &a.KeyID, &recipient, &a.Body, &a.ReceivedAt, &processed)
	if err != nil {
		return nil, notFound(err, "load inbox activity")
	}
	a.RecipientAccountID = domain.ID(recipient.Int64)
	a.ProcessedAt = processed.Int64
	return a, nil
}

// InboxActivityByActivityID loads a received activity by its ActivityPub id.
func (s *Store) InboxActivityByActivityID(ctx context.Context, activityID string) (*InboxActivity, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM inbox_activities WHERE activity_id = $1`, activityID).Scan(&id)
	if err != nil {
		return nil, notFound(err, "find inbox activity")
	}
	return s.InboxActivity(ctx, domain.ID(id))
}

// CountInboxActivities counts stored activities with the given ActivityPub id.
func (s *Store) CountInboxActivities(ctx context.Context, activityID string) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM inbox_activities WHERE activity_id = $1`, activityID).Scan(&n)
	return n, err
}

// MarkInboxActivityProcessed records that a worker handled the activity.
func (s *Store) MarkInboxActivityProcessed(ctx context.Context, id domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE inbox_activities SET processed_at = $2 WHERE id = $1`, int64(id), s.nowMs())
	if err != nil {
		return fmt.Errorf("mark inbox activity processed: %w", err)
	}
	return nil
}

// OutboxItem is a status as an actor's outbox shows it: a post, or a boost
// with the URI of the boosted status.
type OutboxItem struct {
	domain.Status
	ReblogOfURI  string // set for boosts
	InReplyToURI string // the parent's URI, for replies
}

// outboxVisible are the visibilities an outbox shows to anyone.
const outboxVisible = `s.visibility IN ('public', 'unlisted')`

// outboxWithPrivate adds followers-only posts, for a signed fetch from a
// server where the account has followers.
const outboxWithPrivate = `s.visibility IN ('public', 'unlisted', 'private')`

// outboxQuery is the outbox page query: $1 the account, $2 the limit, then
// the page conditions.
func outboxQuery(where, order string) string { return outboxQueryOf(outboxVisible, where, order) }

func outboxQueryOf(visible, where, order string) string {
	return `SELECT s.id, s.account_id, s.uri, s.url, s.content, s.spoiler_text, s.sensitive,
		s.visibility, s.language, s.created_at, s.edited_at, COALESCE(r.uri, ''), COALESCE(pr.uri, ''), COALESCE(s.reblog_of_id, 0)
		FROM statuses s
		LEFT JOIN statuses r ON r.id = s.reblog_of_id
		LEFT JOIN statuses pr ON pr.id = s.in_reply_to_id
		WHERE s.account_id = $1 AND ` + visible + ` AND ` + where + `
		ORDER BY ` + order + ` LIMIT $2`
}

// OutboxStatuses pages an account's public and unlisted statuses (and
// boosts), newest first, for its ActivityPub outbox; withPrivate adds its
// followers-only posts.
func (s *Store) OutboxStatuses(ctx context.Context, accountID domain.ID, p domain.Page, withPrivate bool) ([]OutboxItem, error) {
	where, order, args := PageClause("s.id", p, 3)
	visible := outboxVisible
	if withPrivate {
		visible = outboxWithPrivate
	}
	out, err := s.outboxItems(ctx, outboxQueryOf(visible, where, order), append([]any{int64(accountID), p.Limit}, args...)...)
	if err != nil {
		return nil, err
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, nil
}

func (s *Store) outboxItems(ctx context.Context, query string, args ...any) ([]OutboxItem, error) {
	rows, err := s.DB.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var vis string
		var created int64
		var edited sql.NullInt64
		var reblogOf int64
		if err := rows.Scan(&it.ID, &it.AccountID, &it.URI, &it.URL, &it.Content, &it.SpoilerText, &it.Sensitive,
			&vis, &it.Language, &created, &edited, &it.ReblogOfURI, &it.InReplyToURI, &reblogOf); err != nil {
			return nil, err
		}
		it.Visibility = domain.Visibility(vis)
		it.CreatedAt = fromMs(created)
		it.EditedAt = optTime(edited)
		it.ReblogOfID = domain.ID(reblogOf)
		out = append(out, it)
	}
	return out, rows.Err()
}

// OutboxStatus loads one public or unlisted status (or boost) of an
// account as its outbox shows it; others are not found.
func (s *Store) OutboxStatus(ctx context.Context, accountID, statusID domain.ID) (*OutboxItem, error) {
	items, err := s.outboxItems(ctx, outboxQuery("s.id = $3", "s.id DESC"), int64(accountID), 1, int64(statusID))
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, domain.NotFound()
	}
	return &items[0], nil
}

// CountOutbox counts an account's public and unlisted statuses and boosts.
func (s *Store) CountOutbox(ctx context.Context, accountID domain.ID) (int64, error) {
	var n int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM statuses s WHERE s.account_id = $1 AND `+outboxVisible,
		int64(accountID)).Scan(&n)
	return n, err
}

// FollowerURIs pages the actor URIs of an account's followers (followers
// true) or of the accounts it follows, newest follow first.
func (s *Store) FollowerURIs(ctx context.Context, accountID domain.ID, followers bool, limit, offset int) ([]string, error) {
	q := `SELECT a.uri FROM follows f JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id = $1 AND a.uri <> '' AND a.suspended_at IS NULL ORDER BY f.id DESC LIMIT $2 OFFSET $3`
	if !followers {
		q = `SELECT a.uri FROM follows f JOIN accounts a ON a.id = f.target_account_id
		WHERE f.account_id = $1 AND a.uri <> '' AND a.suspended_at IS NULL ORDER BY f.id DESC LIMIT $2 OFFSET $3`
	}
	rows, err := s.DB.R.QueryContext(ctx, q, int64(accountID), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("follower uris: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// FeedBackfill is how many of an account's latest statuses a new follower
// gets in their home feed.
const FeedBackfill = 40

// FollowOptions are the follower's choices about a follow. A nil field keeps
// the current value (or the default on a new follow: reblogs shown, no
// notifications, all languages).
type FollowOptions struct {
	ShowReblogs *bool
	Notify      *bool
	Languages   *[]string
	// URI is the ActivityPub id of the Follow activity (a remote follower's,
	// or the one sent for a local follower of a remote account); kept so
	// that Accept, Reject and Undo can name it. Only a new row stores it.
	URI string
}

func (o FollowOptions) values() (reblogs, notify bool, langs string) {
	reblogs = o.ShowReblogs == nil || *o.ShowReblogs
	notify = o.Notify != nil && *o.Notify
	if o.Languages != nil {
		langs = strings.Join(*o.Languages, ",")
	}
	return reblogs, notify, langs
}

// nullable returns the update arguments: NULL keeps the stored value.
func (o FollowOptions) nullable() (reblogs, notify, langs any) {
	if o.ShowReblogs != nil {
		reblogs = *o.ShowReblogs
	}
	if o.Notify != nil {
		notify = *o.Notify
	}
	if o.Languages != nil {
		langs = strings.Join(*o.Languages, ",")
	}
	return reblogs, notify, langs
}

// IsFollowing reports whether from follows to.
func (s *Store) IsFollowing(ctx context.Context, from, to domain.ID) (bool, error) {
	return exists(ctx, s.DB.R, `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`, from, to)
}

// BlockedEither reports whether a blocks b or b blocks a.
func (s *Store) BlockedEither(ctx context.Context, a, b domain.ID) (bool, error) {
	return exists(ctx, s.DB.R, `SELECT 1 FROM blocks WHERE (account_id = $1 AND target_account_id = $2)
		OR (account_id = $2 AND target_account_id = $1)`, a, b)
}

func exists(ctx context.Context, q db.Querier, query string, a, b domain.ID) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, int64(a), int64(b)).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check relation: %w", err)
	}
	return true, nil
}

// Follow makes from follow to, or updates the options of an existing
// follow. A new follow moves the counters, withdraws any pending request,
// notifies the target and backfills the follower's home feed, all in one
// transaction. created reports whether the follow is new.
func (s *Store) Follow(ctx context.Context, from, to domain.ID, o FollowOptions) (created bool, err error) {
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		created, err = s.follow(ctx, tx, from, to, o, true)
		return err
	})
	return created, err
}

// follow is Follow inside tx; notify says whether to send the follow
// notification (an accepted request already has one).
func (s *Store) follow(ctx context.Context, tx *sql.Tx, from, to domain.ID, o FollowOptions, notify bool) (bool, error) {
	reblogs, notifyPosts, langs := o.values()
	id := s.IDs.Next()
	res, err := tx.ExecContext(ctx, `INSERT INTO follows (id, account_id, target_account_id, show_reblogs, notify, languages, uri, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, target_account_id) DO NOTHING`,
		int64(id), int64(from), int64(to), reblogs, notifyPosts, langs, o.URI, s.nowMs())
	if err != nil {
		return false, fmt.Errorf("insert follow: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		r, nf, l := o.nullable()
		_, err := tx.ExecContext(ctx, `UPDATE follows SET show_reblogs = COALESCE($3, show_reblogs),
			notify = COALESCE($4, notify), languages = COALESCE($5, languages)
			WHERE account_id = $1 AND target_account_id = $2`, int64(from), int64(to), r, nf, l)
		if err != nil {
			return false, fmt.Errorf("update follow: %w", err)
		}
		// A remote follower sending its Follow again (it lost our Accept,
		// or its state) gets the Accept again, as Mastodon does.
		return false, s.federateAccept(ctx, tx, from, to, o.URI, id)
	}
	if err := moveCounters(ctx, tx, from, to, 1); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`, int64(from), int64(to)); err != nil {
		return false, fmt.Errorf("delete follow request: %w", err)
	}
	if err := backfillFeed(ctx, tx, from, to, reblogs, langs); err != nil {
		return false, err
	}
	if notify {
		if err := s.InsertNotification(ctx, tx, &domain.Notification{AccountID: to, FromAccountID: from, Type: domain.NotifyFollow}); err != nil {
			return false, err
		}
	}
	return true, s.federateAccept(ctx, tx, from, to, o.URI, id)
}

// federateAccept sends the Accept of a remote account's Follow (followURI)
// of a local one, whether accepted at once or by authorizing the request.
// A local follower, or a remote target (whose Accept we received), sends
// nothing: the Accept's actor, to, must be local and from remote. rowID
// makes the Accept's id.
func (s *Store) federateAccept(ctx context.Context, tx *sql.Tx, from, to domain.ID, followURI string, rowID domain.ID) error {
	if followURI == "" {
		return nil // only a remote Follow carries an id
	}
	return s.federate(ctx, tx, Outgoing{Type: "Accept", ActorID: to, TargetID: from, RowID: rowID, ActivityURI: followURI, To: []domain.ID{from}})
}

// moveCounters adds delta to from's following count and to's followers count.
func moveCounters(ctx context.Context, q db.Querier, from, to domain.ID, delta int) error {
	if _, err := q.ExecContext(ctx, `UPDATE accounts SET following_count = following_count + $2 WHERE id = $1`, int64(from), delta); err != nil {
		return fmt.Errorf("update following count: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE accounts SET followers_count = followers_count + $2 WHERE id = $1`, int64(to), delta); err != nil {
		return fmt.Errorf("update followers count: %w", err)
	}
	return nil
}

// backfillFeed copies author's latest statuses that a follower may see
// into reader's home feed, in one statement. Direct and imported statuses
// never enter a feed; a boost enters only when reblogs are shown and the
// boosted status is public or unlisted. With languages (comma-separated)
// only statuses in those languages, or of unknown language, enter.
func backfillFeed(ctx context.Context, q db.Querier, reader, author domain.ID, reblogs bool, languages string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
		SELECT $1, s.id, s.account_id, COALESCE(o.account_id, s.account_id)
		FROM statuses s LEFT JOIN statuses o ON o.id = s.reblog_of_id
		WHERE s.account_id = $2 AND s.visibility IN ('public', 'unlisted', 'private') AND s.imported = FALSE
		  AND (s.reblog_of_id IS NULL OR ($3 AND o.visibility IN ('public', 'unlisted')))
		  AND (CAST($5 AS TEXT) = '' OR COALESCE(o.language, s.language) = ''
		       OR ',' || CAST($5 AS TEXT) || ',' LIKE '%,' || COALESCE(o.language, s.language) || ',%')
		ORDER BY s.id DESC LIMIT $4
		ON CONFLICT (account_id, status_id) DO NOTHING`, int64(reader), int64(author), reblogs, FeedBackfill, languages)
	if err != nil {
		return fmt.Errorf("backfill home feed: %w", err)
	}
	return nil
}

// dropFromFeed removes author's statuses and boosts from reader's feed.
func dropFromFeed(ctx context.Context, q db.Querier, reader, author domain.ID) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM home_feed WHERE account_id = $1 AND author_id = $2`, int64(reader), int64(author)); err != nil {
		return fmt.Errorf("clean home feed: %w", err)
	}
	return nil
}

// Unfollow ends from's follow of to, or withdraws from's pending request;
// a local account's unfollow of a remote one sends the Undo of its Follow.
func (s *Store) Unfollow(ctx context.Context, from, to domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		f, err := endFollow(ctx, tx, from, to)
		if err != nil || f == nil {
			return err
		}
		return s.federate(ctx, tx, Outgoing{Type: "Undo", Object: "Follow", ActorID: from, TargetID: to,
			RowID: f.id, ActivityURI: f.uri, To: []domain.ID{to}})
	})
}

// DropFollow ends from's follow of to, or its pending request, because the
// other side ended it (a remote server's Reject of an accepted follow):
// unlike Unfollow, nothing is sent back.
func (s *Store) DropFollow(ctx context.Context, from, to domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error { return unfollow(ctx, tx, from, to) })
}

// endedFollow is a deleted follow or follow request: its row id and the id
// of its Follow activity (which an Undo or Reject names).
type endedFollow struct {
	id  domain.ID
	uri string
}

// unfollow deletes the follow (moving counters and cleaning the feed) and
// any pending request with its notification.
func unfollow(ctx context.Context, q db.Querier, from, to domain.ID) error {
	_, err := endFollow(ctx, q, from, to)
	return err
}

// endFollow is unfollow, returning what was deleted (nil when nothing).
func endFollow(ctx context.Context, q db.Querier, from, to domain.ID) (*endedFollow, error) {
	f, err := deleteFollowRow(ctx, q, from, to)
	if err != nil {
		return nil, err
	}
	r, err := deleteRequest(ctx, q, from, to)
	if f == nil {
		f = r
	}
	return f, err
}

// deleteFollowRow deletes from's follow of to, moving the counters and
// cleaning the feed; nil when there was none.
func deleteFollowRow(ctx context.Context, q db.Querier, from, to domain.ID) (*endedFollow, error) {
	var f endedFollow
	err := q.QueryRowContext(ctx, `DELETE FROM follows WHERE account_id = $1 AND target_account_id = $2 RETURNING id, uri`,
		int64(from), int64(to)).Scan(&f.id, &f.uri)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("delete follow: %w", err)
	}
	if err := moveCounters(ctx, q, from, to, -1); err != nil {
		return nil, err
	}
	if err := dropFromFeed(ctx, q, from, to); err != nil {
		return nil, err
	}
	return &f, nil
}

// RemoveFromFollowers makes follower stop following account; a remote
// follower's server is told with a Reject of its Follow, as Mastodon does.
func (s *Store) RemoveFromFollowers(ctx context.Context, account, follower domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		f, err := deleteFollowRow(ctx, tx, follower, account)
		if err != nil || f == nil {
			return err
		}
		return s.federateReject(ctx, tx, follower, account, f)
	})
}

// federateReject sends the Reject of a remote account's (from) Follow of a
// local one (to): a refused request or a removed follower.
func (s *Store) federateReject(ctx context.Context, tx *sql.Tx, from, to domain.ID, f *endedFollow) error {
	return s.federate(ctx, tx, Outgoing{Type: "Reject", ActorID: to, TargetID: from, RowID: f.id, ActivityURI: f.uri, To: []domain.ID{from}})
}

// Follow is one row of a follower or following list: the follow's id (the
// pagination cursor) and the other account.
type Follow struct {
	ID      domain.ID
	Account *domain.Account
}

// Followers pages the accounts following account, newest follow first.
func (s *Store) Followers(ctx context.Context, account domain.ID, p domain.Page) ([]Follow, error) {
	return s.pagedAccounts(ctx, followersList, account, p)
}

// Following pages the accounts account follows, newest follow first.
func (s *Store) Following(ctx context.Context, account domain.ID, p domain.Page) ([]Follow, error) {
	return s.pagedAccounts(ctx, followingList, account, p)
}

// accountList is a relation table x joined to accounts a, and the
// condition selecting the owner's rows ($1).
type accountList struct{ from, cond string }

// The account lists; none is ever modified.
var (
	followersList = accountList{`follows x JOIN accounts a ON a.id = x.account_id`, `x.target_account_id = $1`}
	followingList = accountList{`follows x JOIN accounts a ON a.id = x.target_account_id`, `x.account_id = $1`}
	requestsList  = accountList{`follow_requests x JOIN accounts a ON a.id = x.account_id`, `x.target_account_id = $1`}
	blocksList    = accountList{`blocks x JOIN accounts a ON a.id = x.target_account_id`, `x.account_id = $1`}
)

// pagedAccounts pages rows of a relation table x joined to accounts a,
// by x.id.
func (s *Store) pagedAccounts(ctx context.Context, l accountList, owner domain.ID, p domain.Page) ([]Follow, error) {
	query, args := pagedAccountsSQL(l, p)
	rows, err := s.DB.R.QueryContext(ctx, query, append([]any{int64(owner), p.Limit}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("page accounts: %w", err)
	}
	defer rows.Close()
	out := []Follow{}
	for rows.Next() {
		var (
			id int64
			x  accountScan
		)
		if err := rows.Scan(append([]any{&id}, x.dest()...)...); err != nil {
			return nil, err
		}
		out = append(out, Follow{ID: domain.ID(id), Account: x.finish()})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, nil
}

// pagedAccountsSQL is the query of pagedAccounts: $1 is the owner, $2 the
// limit, the page's bounds follow.
func pagedAccountsSQL(l accountList, p domain.Page) (string, []any) {
	where, order, args := PageClause("x.id", p, 3)
	return `SELECT x.id, ` + accountColumns + ` FROM ` + l.from + `
		WHERE ` + l.cond + ` AND ` + where + ` ORDER BY ` + order + ` LIMIT $2`, args
}

// FamiliarFollowers returns, for each of ids, the accounts that follow it
// and that viewer follows, at most perAccount each.
func (s *Store) FamiliarFollowers(ctx context.Context, viewer domain.ID, ids []domain.ID, perAccount int) (map[domain.ID][]*domain.Account, error) {
	out := make(map[domain.ID][]*domain.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT f.target_account_id, `+accountColumns+`
		FROM follows f
		JOIN follows mine ON mine.account_id = $1 AND mine.target_account_id = f.account_id
		JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id IN (`+placeholders(2, len(ids))+`) AND a.suspended_at IS NULL
		ORDER BY f.target_account_id, f.id DESC`, append([]any{int64(viewer)}, idArgs(ids)...)...)
	if err != nil {
		return nil, fmt.Errorf("familiar followers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			target int64
			x      accountScan
		)
		if err := rows.Scan(append([]any{&target}, x.dest()...)...); err != nil {
			return nil, err
		}
		if t := domain.ID(target); len(out[t]) < perAccount {
			out[t] = append(out[t], x.finish())
		}
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// RequestFollow records from's request to follow to (a locked or remote
// account), or updates the options of a pending one. A new request
// notifies the target. created reports whether the request is new.
func (s *Store) RequestFollow(ctx context.Context, from, to domain.ID, o FollowOptions) (created bool, err error) {
	reblogs, notify, langs := o.values()
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		id := s.IDs.Next()
		uri := o.URI
		if uri == "" {
			// A local follower's request gets the id of the Follow it sends.
			actor, err := localActorURI(ctx, tx, from)
			if err != nil {
				return err
			}
			if actor != "" {
				uri = FollowURI(actor, id)
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO follow_requests (id, account_id, target_account_id, show_reblogs, notify, languages, uri, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, target_account_id) DO NOTHING`,
			int64(id), int64(from), int64(to), reblogs, notify, langs, uri, s.nowMs())
		if err != nil {
			return fmt.Errorf("insert follow request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			r, nf, l := o.nullable()
			_, err := tx.ExecContext(ctx, `UPDATE follow_requests SET show_reblogs = COALESCE($3, show_reblogs),
				notify = COALESCE($4, notify), languages = COALESCE($5, languages)
				WHERE account_id = $1 AND target_account_id = $2`, int64(from), int64(to), r, nf, l)
			if err != nil {
				return fmt.Errorf("update follow request: %w", err)
			}
			return nil
		}
		created = true
		if err := s.InsertNotification(ctx, tx, &domain.Notification{AccountID: to, FromAccountID: from, Type: domain.NotifyFollowRequest}); err != nil {
			return err
		}
		// A local account asking a remote one sends the Follow; the request
		// stays pending until the remote server's Accept.
		return s.federate(ctx, tx, Outgoing{Type: "Follow", ActorID: from, TargetID: to, RowID: id, ActivityURI: uri, To: []domain.ID{to}})
	})
	return created, err
}

// deleteRequest withdraws from's pending request to to, with its
// notification; it returns the deleted request, nil when there was none.
func deleteRequest(ctx context.Context, q db.Querier, from, to domain.ID) (*endedFollow, error) {
	var f endedFollow
	err := q.QueryRowContext(ctx, `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2 RETURNING id, uri`,
		int64(from), int64(to)).Scan(&f.id, &f.uri)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("delete follow request: %w", err)
	}
	_, err = q.ExecContext(ctx, `DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND type = $3`,
		int64(to), int64(from), domain.NotifyFollowRequest)
	if err != nil {
		return nil, fmt.Errorf("delete follow request notification: %w", err)
	}
	return &f, nil
}

// AcceptFollowRequest turns from's pending request to to into a follow,
// with the options of the request, and the follow_request notification
// into a follow notification, as Mastodon does. No pending request is
// not found.
func (s *Store) AcceptFollowRequest(ctx context.Context, from, to domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var reblogs, notify bool
		var langs, uri string
		err := tx.QueryRowContext(ctx, `SELECT show_reblogs, notify, languages, uri FROM follow_requests
			WHERE account_id = $1 AND target_account_id = $2`, int64(from), int64(to)).Scan(&reblogs, &notify, &langs, &uri)
		if err != nil {
			return notFound(err, "load follow request")
		}
		o := FollowOptions{ShowReblogs: &reblogs, Notify: &notify, URI: uri}
		if langs != "" {
			l := splitLanguages(langs)
			o.Languages = &l
		}
		if _, err := s.follow(ctx, tx, from, to, o, false); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET type = $3 WHERE account_id = $1 AND from_account_id = $2 AND type = $4`,
			int64(to), int64(from), domain.NotifyFollow, domain.NotifyFollowRequest)
		if err != nil {
			return fmt.Errorf("convert follow request notification: %w", err)
		}
		return nil
	})
}

// RejectFollowRequest deletes from's pending request to to and its
// notification; a local account refusing a remote one's request sends the
// Reject. No pending request is not found.
func (s *Store) RejectFollowRequest(ctx context.Context, from, to domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		f, err := deleteRequest(ctx, tx, from, to)
		if err != nil {
			return err
		}
		if f == nil {
			return domain.NotFound()
		}
		return s.federateReject(ctx, tx, from, to, f)
	})
}

// FollowRequests pages the pending requests to account, newest first; the
// row id is the request's.
func (s *Store) FollowRequests(ctx context.Context, account domain.ID, p domain.Page) ([]Follow, error) {
	return s.pagedAccounts(ctx, requestsList, account, p)
}

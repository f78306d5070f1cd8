package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Kinds of interaction requests (GoToSocial's names).
const (
	RequestReply     = "reply"
	RequestFavourite = "favourite"
	RequestReblog    = "reblog"
)

// Notification types of interactions waiting for the author's approval
// (GoToSocial's).
const (
	NotifyPendingReply     = "pending.reply"
	NotifyPendingFavourite = "pending.favourite"
	NotifyPendingReblog    = "pending.reblog"
)

// PendingNotification is the notification type of a request kind.
func PendingNotification(kind string) string { return "pending." + kind }

// InteractionRequest is a reply, favourite or boost that waits for (or
// got) the approval of the author of the post it is about.
type InteractionRequest struct {
	ID              domain.ID
	Kind            string    // RequestReply, RequestFavourite, RequestReblog
	StatusID        domain.ID // the post interacted with
	TargetAccountID domain.ID // its author
	AccountID       domain.ID // the interacting account
	ReplyID         domain.ID // the reply (RequestReply)
	// Visibility is the reply's or the boost's once accepted.
	Visibility domain.Visibility
	// URI is the interaction's ActivityPub id; AuthorizationURI the
	// approval's; RequestURI the polite request's (LikeRequest,
	// ReplyRequest, AnnounceRequest), "" for an impolite interaction (see
	// the migrations).
	URI, AuthorizationURI, RequestURI string
	CreatedAt                         time.Time
	AcceptedAt                        *time.Time
	RejectedAt                        *time.Time
}

// Pending reports whether the request still waits for an answer.
func (r *InteractionRequest) Pending() bool { return r.AcceptedAt == nil && r.RejectedAt == nil }

// Interaction events the federation hears of (InteractionFederator).
const (
	// InteractionAsked: a local account's interaction with a remote post
	// needs approval: send it to the post's author only.
	InteractionAsked = "asked"
	// InteractionAccepted, InteractionRejected: a local author answered a
	// remote account's request: send Accept (with the authorization) or
	// Reject.
	InteractionAccepted = "accepted"
	InteractionRejected = "rejected"
	// InteractionApproved: a remote author accepted a local account's
	// interaction: send it to its whole audience with the authorization.
	InteractionApproved = "approved"
)

// InteractionFederator is what the federation handler (the store's
// Federator) implements to carry interaction requests and their answers.
// Without it (tools, store tests) nothing is sent.
type InteractionFederator interface {
	FederateInteraction(ctx context.Context, tx *sql.Tx, req *InteractionRequest, event string) error
}

// federateInteraction tells the federation about a request event in tx.
func (s *Store) federateInteraction(ctx context.Context, tx *sql.Tx, req *InteractionRequest, event string) error {
	f, ok := s.Federator.(InteractionFederator)
	if !ok {
		return nil
	}
	return f.FederateInteraction(ctx, tx, req, event)
}

// FederateInteraction tells the federation about a request event in a
// transaction of its own: for a reply, whose note is rendered from rows
// committed by the transaction that created or released it.
func (s *Store) FederateInteraction(ctx context.Context, req *InteractionRequest, event string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error { return s.federateInteraction(ctx, tx, req, event) })
}

const interactionRequestColumns = `r.id, r.kind, r.status_id, r.target_account_id, r.account_id, r.reply_id, r.visibility, r.uri,
	r.authorization_uri, r.request_uri, r.created_at, r.accepted_at, r.rejected_at`

func scanInteractionRequest(r scanner) (*InteractionRequest, error) {
	var q InteractionRequest
	var reply, accepted, rejected sql.NullInt64
	var vis string
	var created int64
	if err := r.Scan(&q.ID, &q.Kind, &q.StatusID, &q.TargetAccountID, &q.AccountID, &reply, &vis, &q.URI,
		&q.AuthorizationURI, &q.RequestURI, &created, &accepted, &rejected); err != nil {
		return nil, err
	}
	q.ReplyID, q.Visibility, q.CreatedAt = domain.ID(reply.Int64), domain.Visibility(vis), fromMs(created)
	q.AcceptedAt, q.RejectedAt = optTime(accepted), optTime(rejected)
	return &q, nil
}

func insertInteractionRequest(ctx context.Context, q db.Querier, r *InteractionRequest) error {
	_, err := q.ExecContext(ctx, `INSERT INTO interaction_requests (id, kind, status_id, target_account_id, account_id, reply_id,
		visibility, uri, authorization_uri, request_uri, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		int64(r.ID), r.Kind, int64(r.StatusID), int64(r.TargetAccountID), int64(r.AccountID), nullID(r.ReplyID),
		string(r.Visibility), r.URI, r.AuthorizationURI, r.RequestURI, ms(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert interaction request: %w", err)
	}
	return nil
}

// InteractionRequestByID loads a request.
func (s *Store) InteractionRequestByID(ctx context.Context, id domain.ID) (*InteractionRequest, error) {
	r, err := scanInteractionRequest(s.DB.R.QueryRowContext(ctx, `SELECT `+interactionRequestColumns+`
		FROM interaction_requests r WHERE r.id = $1`, int64(id)))
	return r, notFound(err, "load interaction request")
}

// InteractionRequestByURI loads the request of the interaction with this
// ActivityPub id (the reply note, Like or Announce).
func (s *Store) InteractionRequestByURI(ctx context.Context, uri string) (*InteractionRequest, error) {
	r, err := scanInteractionRequest(s.DB.R.QueryRowContext(ctx, `SELECT `+interactionRequestColumns+`
		FROM interaction_requests r WHERE r.uri = $1 AND r.uri <> ''`, uri))
	return r, notFound(err, "load interaction request by uri")
}

// InteractionRequestByRequestURI loads the request whose polite request
// (LikeRequest, ReplyRequest, AnnounceRequest) has this id.
func (s *Store) InteractionRequestByRequestURI(ctx context.Context, uri string) (*InteractionRequest, error) {
	r, err := scanInteractionRequest(s.DB.R.QueryRowContext(ctx, `SELECT `+interactionRequestColumns+`
		FROM interaction_requests r WHERE r.request_uri = $1 AND r.request_uri <> ''`, uri))
	return r, notFound(err, "load interaction request by request uri")
}

// SetInteractionRequestURI records, in q, the id of the polite request of
// an interaction: the one a remote account sent (for a request stored by
// the impolite path it asked for), or the one agora sends for a local
// account. A request that has one keeps it.
func (s *Store) SetInteractionRequestURI(ctx context.Context, q db.Querier, id domain.ID, requestURI string) error {
	if q == nil {
		q = s.DB.W
	}
	if _, err := q.ExecContext(ctx, `UPDATE interaction_requests SET request_uri = $2 WHERE id = $1 AND request_uri = ''`,
		int64(id), requestURI); err != nil {
		return fmt.Errorf("set interaction request uri: %w", err)
	}
	return nil
}

// PendingInteraction returns account's pending request of kind on a
// status, nil when there is none.
func (s *Store) PendingInteraction(ctx context.Context, account, status domain.ID, kind string) (*InteractionRequest, error) {
	r, err := scanInteractionRequest(s.DB.R.QueryRowContext(ctx, `SELECT `+interactionRequestColumns+`
		FROM interaction_requests r WHERE r.status_id = $1 AND r.account_id = $2 AND r.kind = $3
		AND r.accepted_at IS NULL AND r.rejected_at IS NULL ORDER BY r.id DESC LIMIT 1`, int64(status), int64(account), kind))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load pending interaction: %w", err)
	}
	return r, nil
}

// ReplyRequests maps the replies among ids that have a request to it (for
// their author's view: pending or not accepted).
func (s *Store) ReplyRequests(ctx context.Context, ids []domain.ID) (map[domain.ID]*InteractionRequest, error) {
	out := map[domain.ID]*InteractionRequest{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+interactionRequestColumns+` FROM interaction_requests r
		WHERE r.reply_id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load reply requests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanInteractionRequest(rows)
		if err != nil {
			return nil, err
		}
		out[r.ReplyID] = r
	}
	return out, rows.Err()
}

// InteractionRequestFilter selects an author's pending requests.
type InteractionRequestFilter struct {
	StatusID                     domain.ID // 0: any post
	Favourites, Replies, Reblogs bool      // the kinds listed
}

// PendingInteractionRequests lists the requests waiting for account's
// answer, newest first, paged by id.
func (s *Store) PendingInteractionRequests(ctx context.Context, account domain.ID, f InteractionRequestFilter, p domain.Page) ([]*InteractionRequest, error) {
	args := []any{int64(account)}
	q := `SELECT ` + interactionRequestColumns + ` FROM interaction_requests r
		WHERE r.target_account_id = $1 AND r.accepted_at IS NULL AND r.rejected_at IS NULL`
	var kinds []string
	if f.Favourites {
		kinds = append(kinds, RequestFavourite)
	}
	if f.Replies {
		kinds = append(kinds, RequestReply)
	}
	if f.Reblogs {
		kinds = append(kinds, RequestReblog)
	}
	if len(kinds) == 0 {
		return []*InteractionRequest{}, nil
	}
	if len(kinds) < 3 {
		q += ` AND r.kind IN (` + placeholders(len(args)+1, len(kinds)) + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	if f.StatusID != 0 {
		args = append(args, int64(f.StatusID))
		q += fmt.Sprintf(` AND r.status_id = $%d`, len(args))
	}
	order := `DESC`
	if p.MaxID != 0 {
		args = append(args, int64(p.MaxID))
		q += fmt.Sprintf(` AND r.id < $%d`, len(args))
	}
	if p.SinceID != 0 {
		args = append(args, int64(p.SinceID))
		q += fmt.Sprintf(` AND r.id > $%d`, len(args))
	}
	if p.MinID != 0 {
		args = append(args, int64(p.MinID))
		q += fmt.Sprintf(` AND r.id > $%d`, len(args))
		order = `ASC`
	}
	args = append(args, p.Limit)
	rows, err := s.DB.R.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY r.id %s LIMIT $%d`, order, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list interaction requests: %w", err)
	}
	defer rows.Close()
	out := []*InteractionRequest{}
	for rows.Next() {
		r, err := scanInteractionRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if order == `ASC` { // min_id pages come newest first too
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, nil
}

// CountPendingInteractionRequests counts, up to limit, the requests
// waiting for account's answer.
func (s *Store) CountPendingInteractionRequests(ctx context.Context, account domain.ID, limit int) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM interaction_requests
		WHERE target_account_id = $1 AND accepted_at IS NULL AND rejected_at IS NULL LIMIT $2) x`, int64(account), limit).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count interaction requests: %w", err)
	}
	return n, nil
}

// notifyPending notifies the target's author (a local one: remote
// accounts get no notifications) of a new request.
func (s *Store) notifyPending(ctx context.Context, q db.Querier, r *InteractionRequest) error {
	status := r.StatusID
	if r.Kind == RequestReply {
		status = r.ReplyID
	}
	return s.InsertNotification(ctx, q, &domain.Notification{AccountID: r.TargetAccountID, FromAccountID: r.AccountID,
		Type: PendingNotification(r.Kind), StatusID: status})
}

// CreatePendingReply stores a local reply that waits for the approval of
// the author it replies to: held (HeldVisibility: only its author sees
// it), not counted, fanned out, notified nor delivered, with its request.
// req.Visibility is the visibility it gets on acceptance. A reply to a
// remote post is then sent to that post's author only, by the caller
// (FederateInteraction with InteractionAsked once this committed).
func (s *Store) CreatePendingReply(ctx context.Context, n NewStatus, req *InteractionRequest) (id domain.ID, created bool, err error) {
	st := n.Status
	visibility := st.Visibility
	st.Visibility = HeldVisibility
	defer func() { st.Visibility = visibility }()
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		prev, err := s.claimIdempotencyKey(ctx, tx, n)
		if err != nil || prev != 0 {
			id = prev
			return err
		}
		id, created = st.ID, true
		if err := s.insertNewStatus(ctx, tx, n); err != nil {
			return err
		}
		// Its author sees it in their own feed, as a held post.
		if _, err := tx.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
			VALUES ($1, $2, $1, $1) ON CONFLICT DO NOTHING`, int64(st.AccountID), int64(st.ID)); err != nil {
			return fmt.Errorf("feed pending reply: %w", err)
		}
		req.Kind, req.ReplyID, req.Visibility, req.CreatedAt = RequestReply, st.ID, visibility, s.Now()
		if err := insertInteractionRequest(ctx, tx, req); err != nil {
			return err
		}
		return s.notifyPending(ctx, tx, req)
	})
	return id, created, err
}

// HoldRemoteReply turns a remote reply just stored (quietly: direct,
// without parent nor mentions, see statuses.admitRemote) into a pending
// one: held, in its thread, with its mentions and its request, and the
// local author notified.
func (s *Store) HoldRemoteReply(ctx context.Context, id domain.ID, parent *domain.Status, mentions []domain.ID, req *InteractionRequest) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET visibility = $2, in_reply_to_id = $3, in_reply_to_account_id = $4,
			conversation_id = $5 WHERE id = $1`, int64(id), HeldVisibility, int64(parent.ID), int64(parent.AccountID),
			int64(parent.ConversationID)); err != nil {
			return fmt.Errorf("hold remote reply: %w", err)
		}
		for _, a := range mentions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO mentions (status_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
				int64(id), int64(a)); err != nil {
				return fmt.Errorf("insert mention: %w", err)
			}
		}
		req.Kind, req.ReplyID, req.StatusID, req.TargetAccountID, req.CreatedAt = RequestReply, id, parent.ID, parent.AccountID, s.Now()
		if err := insertInteractionRequest(ctx, tx, req); err != nil {
			return err
		}
		return s.notifyPending(ctx, tx, req)
	})
}

// CreateInteractionRequest records a favourite or boost that waits for
// approval and notifies the local author; a local account's request of a
// remote post is sent to its author. Asking again while a request is
// pending returns the pending one.
func (s *Store) CreateInteractionRequest(ctx context.Context, req *InteractionRequest) (*InteractionRequest, error) {
	if prev, err := s.PendingInteraction(ctx, req.AccountID, req.StatusID, req.Kind); err != nil || prev != nil {
		return prev, err
	}
	req.CreatedAt = s.Now()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertInteractionRequest(ctx, tx, req); err != nil {
			return err
		}
		if err := s.notifyPending(ctx, tx, req); err != nil {
			return err
		}
		remote, err := isRemote(ctx, tx, req.TargetAccountID)
		if err != nil || !remote {
			return err
		}
		return s.federateInteraction(ctx, tx, req, InteractionAsked)
	})
	return req, err
}

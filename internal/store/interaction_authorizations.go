package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// InteractionLive reports whether the interaction of an accepted request
// is still there: the favourite, the boost or the reply. An interaction
// undone (Undo of the Like or Announce, unfavourite, unboost) or deleted
// takes its authorization with it (federation answers 410 for it).
func (s *Store) InteractionLive(ctx context.Context, req *InteractionRequest) (bool, error) {
	var q string
	args := []any{int64(req.AccountID), int64(req.StatusID)}
	switch req.Kind {
	case RequestFavourite:
		q = `SELECT 1 FROM favourites WHERE account_id = $1 AND status_id = $2`
	case RequestReblog:
		q = `SELECT 1 FROM statuses WHERE account_id = $1 AND reblog_of_id = $2`
	case RequestReply:
		q, args = `SELECT 1 FROM statuses WHERE id = $1 AND account_id = $2`, []any{int64(req.ReplyID), int64(req.AccountID)}
	default:
		return false, nil
	}
	var one int
	err := s.DB.R.QueryRowContext(ctx, q+` LIMIT 1`, args...).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check interaction: %w", err)
	}
	return true, nil
}

// RemoteAuthorization is the result of checking another server's
// interaction authorization (the interaction_authorizations cache).
type RemoteAuthorization struct {
	URI            string
	InteractingURI string // what it authorizes, as its server served it
	TargetURI      string
	Valid          bool // false: 404/410, or a document that does not match
	CheckedAt      time.Time
}

// RemoteAuthorization loads a cached check of an authorization URI; not
// found when it was never checked.
func (s *Store) RemoteAuthorization(ctx context.Context, uri string) (*RemoteAuthorization, error) {
	var a RemoteAuthorization
	var valid sql.NullInt64
	var checked int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT uri, interacting_uri, target_uri, valid_at, checked_at
		FROM interaction_authorizations WHERE uri = $1`, uri).Scan(&a.URI, &a.InteractingURI, &a.TargetURI, &valid, &checked)
	if err != nil {
		return nil, notFound(err, "load interaction authorization")
	}
	a.Valid, a.CheckedAt = valid.Valid, fromMs(checked)
	return &a, nil
}

// ValidAuthorizationFor returns the URI of a valid cached authorization of
// the interaction with this id aimed at target ("" when there is none):
// learnt from the target author's Accept before the interaction arrived.
func (s *Store) ValidAuthorizationFor(ctx context.Context, interacting, target string) (string, error) {
	var uri string
	err := s.DB.R.QueryRowContext(ctx, `SELECT uri FROM interaction_authorizations
		WHERE interacting_uri = $1 AND target_uri = $2 AND valid_at IS NOT NULL LIMIT 1`, interacting, target).Scan(&uri)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load authorization of %s: %w", interacting, err)
	}
	return uri, nil
}

// PutRemoteAuthorization records the result of a check (replacing an
// earlier one).
func (s *Store) PutRemoteAuthorization(ctx context.Context, a *RemoteAuthorization) error {
	var valid any
	if a.Valid {
		valid = ms(a.CheckedAt)
	}
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO interaction_authorizations (uri, interacting_uri, target_uri, valid_at, checked_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (uri) DO UPDATE SET interacting_uri = excluded.interacting_uri,
		target_uri = excluded.target_uri, valid_at = excluded.valid_at, checked_at = excluded.checked_at`,
		a.URI, a.InteractingURI, a.TargetURI, valid, ms(a.CheckedAt))
	if err != nil {
		return fmt.Errorf("store interaction authorization: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// The answers to interaction requests: an approval performs the
// interaction, a refusal records it, a withdrawal removes a pending one.

// markAnswered records the answer of a pending request in tx; a request
// already answered is a conflict.
func (s *Store) markAnswered(ctx context.Context, tx *sql.Tx, req *InteractionRequest, accept bool, authorization string) error {
	col := `rejected_at`
	if accept {
		col = `accepted_at`
	}
	now := s.Now()
	res, err := tx.ExecContext(ctx, `UPDATE interaction_requests SET `+col+` = $2,
		authorization_uri = CASE WHEN $3 <> '' THEN $3 ELSE authorization_uri END
		WHERE id = $1 AND accepted_at IS NULL AND rejected_at IS NULL`, int64(req.ID), ms(now), authorization)
	if err != nil {
		return fmt.Errorf("answer interaction request: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.E(domain.KindConflict, "This request was already answered")
	}
	if accept {
		req.AcceptedAt = &now
	} else {
		req.RejectedAt = &now
	}
	if authorization != "" {
		req.AuthorizationURI = authorization
	}
	return nil
}

// AcceptInteraction performs an accepted interaction, as it would have
// been performed at once: a reply is published (its visibility back,
// counted, fanned out, mentions notified, delivered), a favourite
// recorded (with the request's id) and a boost (boost, built by the
// caller with the request's id) created. authorization is the approval's
// URI. Who hears of it over federation depends on who is remote: a
// remote interacting account gets the Accept, a local one's interaction
// with a remote post goes to its audience with the authorization (a
// reply's by the caller, once this committed), a purely local one is
// federated as usual. The returned status is the reply or the boost.
func (s *Store) AcceptInteraction(ctx context.Context, req *InteractionRequest, authorization string, boost *domain.Status) (*domain.Status, error) {
	var out *domain.Status
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.markAnswered(ctx, tx, req, true, authorization); err != nil {
			return err
		}
		actorRemote, err := isRemote(ctx, tx, req.AccountID)
		if err != nil {
			return err
		}
		targetRemote, err := isRemote(ctx, tx, req.TargetAccountID)
		if err != nil {
			return err
		}
		orig, err := scanStatus(tx.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM statuses s WHERE s.id = $1`, int64(req.StatusID)))
		if err != nil {
			return notFound(err, "load interaction target")
		}
		switch req.Kind {
		case RequestReply:
			if out, err = s.releaseReply(ctx, tx, req, actorRemote, targetRemote); err != nil {
				return err
			}
		case RequestFavourite:
			if err := s.favouriteAccepted(ctx, tx, req, orig, actorRemote); err != nil {
				return err
			}
		case RequestReblog:
			if err := s.reblogAccepted(ctx, tx, boost, orig); err != nil {
				return err
			}
			out = boost
			if !actorRemote && !targetRemote {
				if err := s.federate(ctx, tx, Outgoing{Type: "Announce", ActorID: boost.AccountID, StatusID: boost.ID,
					Followers: true, To: []domain.ID{orig.AccountID}}); err != nil {
					return err
				}
			}
		}
		switch {
		case actorRemote:
			return s.federateInteraction(ctx, tx, req, InteractionAccepted)
		case targetRemote && req.Kind == RequestReblog:
			return s.federateInteraction(ctx, tx, req, InteractionApproved)
		}
		return nil
	})
	return out, err
}

// releaseReply publishes an accepted reply in tx.
func (s *Store) releaseReply(ctx context.Context, tx *sql.Tx, req *InteractionRequest, actorRemote, targetRemote bool) (*domain.Status, error) {
	st, err := scanStatus(tx.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM statuses s WHERE s.id = $1`, int64(req.ReplyID)))
	if err != nil {
		return nil, notFound(err, "load pending reply")
	}
	if st.Visibility != HeldVisibility {
		return st, nil // removed by a moderation decision meanwhile: it stays as it is
	}
	mentions, err := scanIDs(tx.QueryContext(ctx, `SELECT account_id FROM mentions WHERE status_id = $1`, int64(st.ID)))
	if err != nil {
		return nil, fmt.Errorf("load reply mentions: %w", err)
	}
	st.Visibility, st.MentionedAccountIDs = req.Visibility, mentions
	if _, err := tx.ExecContext(ctx, `UPDATE statuses SET visibility = $2 WHERE id = $1`, int64(st.ID), string(st.Visibility)); err != nil {
		return nil, fmt.Errorf("release reply: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count + 1 WHERE id = $1`, int64(st.InReplyToID)); err != nil {
		return nil, fmt.Errorf("count reply: %w", err)
	}
	if actorRemote {
		err = fanOutRemote(ctx, tx, st)
	} else {
		err = fanOut(ctx, tx, st, st.AccountID)
	}
	if err != nil {
		return nil, err
	}
	if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: st.ID, Account: st.AccountID}); err != nil {
		return nil, err
	}
	if err := s.notifyMentions(ctx, tx, st, st.MentionedAccountIDs); err != nil {
		return nil, err
	}
	if !actorRemote && !targetRemote {
		return st, s.federate(ctx, tx, statusOutgoing("Create", st))
	}
	return st, nil
}

// favouriteAccepted records an accepted favourite in tx, with the
// request's id (a local Like's id names it) and the remote Like's id.
func (s *Store) favouriteAccepted(ctx context.Context, tx *sql.Tx, req *InteractionRequest, st *domain.Status, actorRemote bool) error {
	uri := ""
	if actorRemote {
		uri = req.URI
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO favourites (id, account_id, status_id, uri, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, int64(req.ID), int64(req.AccountID), int64(st.ID), uri, s.nowMs())
	if err != nil {
		return fmt.Errorf("favourite: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = $1`, int64(st.ID)); err != nil {
		return fmt.Errorf("count favourite: %w", err)
	}
	return nil
}

// reblogAccepted creates an accepted boost in tx (its delivery is the
// caller's).
func (s *Store) reblogAccepted(ctx context.Context, tx *sql.Tx, boost, orig *domain.Status) error {
	if err := s.insertStatus(ctx, tx, boost); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = $1`, int64(orig.ID)); err != nil {
		return fmt.Errorf("count boost: %w", err)
	}
	if err := fanOut(ctx, tx, boost, boost.AccountID); err != nil {
		return err
	}
	return s.emit(ctx, tx, Event{Kind: EventUpdate, ID: boost.ID, Account: boost.AccountID})
}

// RejectInteraction records a refusal: a pending reply stays visible to
// its author only, marked as not accepted; a remote interacting account
// gets the Reject.
func (s *Store) RejectInteraction(ctx context.Context, req *InteractionRequest) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.markAnswered(ctx, tx, req, false, ""); err != nil {
			return err
		}
		remote, err := isRemote(ctx, tx, req.AccountID)
		if err != nil || !remote {
			return err
		}
		return s.federateInteraction(ctx, tx, req, InteractionRejected)
	})
}

// WithdrawInteraction removes a pending request its interacting account
// takes back (unfavourite, unboost) with its notification; a request
// already sent to a remote author is undone there (Undo of the Like or
// Announce).
func (s *Store) WithdrawInteraction(ctx context.Context, req *InteractionRequest, targetURI string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if ok, err := deletePending(ctx, tx, req); err != nil || !ok {
			return err
		}
		o := Outgoing{Type: "Undo", ActorID: req.AccountID, To: []domain.ID{req.TargetAccountID}}
		switch req.Kind {
		case RequestFavourite:
			o.Object, o.StatusID, o.RowID = "Like", req.StatusID, req.ID
		case RequestReblog:
			o.Object, o.ActivityURI, o.ObjectURI = "Announce", req.URI, targetURI
		default:
			return nil
		}
		return s.federate(ctx, tx, o)
	})
}

// WithdrawRemoteInteraction removes a remote account's pending favourite
// or boost request it undid (Undo of the Like or Announce), with its
// notification; one answered meanwhile stays.
func (s *Store) WithdrawRemoteInteraction(ctx context.Context, req *InteractionRequest) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := deletePending(ctx, tx, req)
		return err
	})
}

// deletePending deletes a request still pending and the notification of
// it in tx; false when it was answered meanwhile.
func deletePending(ctx context.Context, tx *sql.Tx, req *InteractionRequest) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM interaction_requests WHERE id = $1 AND accepted_at IS NULL AND rejected_at IS NULL`, int64(req.ID))
	if err != nil {
		return false, fmt.Errorf("withdraw interaction request: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND type = $3 AND status_id = $4`,
		int64(req.TargetAccountID), int64(req.AccountID), PendingNotification(req.Kind), int64(req.StatusID)); err != nil {
		return false, fmt.Errorf("remove pending notification: %w", err)
	}
	return true, nil
}

// AuthorizeInteraction records, as an accepted request, a remote
// account's interaction that a local post's policy allowed at once but
// that was asked for politely (GoToSocial's LikeRequest, ReplyRequest,
// AnnounceRequest): the caller stored the interaction as usual; this
// keeps its authorization (served to third servers) and sends the
// Accept. Nobody is notified of a request: there was none to answer. The
// same interaction asked again gets the same Accept again.
func (s *Store) AuthorizeInteraction(ctx context.Context, req *InteractionRequest, authorization string) error {
	if prev, err := s.InteractionRequestByURI(ctx, req.URI); err == nil && prev.AccountID == req.AccountID {
		if prev.AcceptedAt == nil {
			return nil // pending or refused: its answer is the author's
		}
		if req.RequestURI != "" {
			prev.RequestURI = req.RequestURI // the Accept names the request it answers
		}
		return s.FederateInteraction(ctx, prev, InteractionAccepted)
	} else if domain.KindOf(err) != domain.KindNotFound && err != nil {
		return err
	}
	req.CreatedAt = s.Now()
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertInteractionRequest(ctx, tx, req); err != nil {
			return err
		}
		if err := s.markAnswered(ctx, tx, req, true, authorization); err != nil {
			return err
		}
		return s.federateInteraction(ctx, tx, req, InteractionAccepted)
	})
}

// TellPendingReplyDeleted sends the Delete of a local reply that was sent
// to a remote author for approval only (DeleteStatus sends none for a
// held post, which never left the server otherwise).
func (s *Store) TellPendingReplyDeleted(ctx context.Context, req *InteractionRequest, uri string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		return s.federate(ctx, tx, Outgoing{Type: "Delete", ActorID: req.AccountID, ObjectURI: uri, To: []domain.ID{req.TargetAccountID}})
	})
}

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

// States of a quote as stored (Mastodon's; the API adds deleted,
// unauthorized and blocked_account when it renders one for a viewer).
const (
	QuotePending  = "pending"  // waiting for the quoted author's approval
	QuoteAccepted = "accepted" // the quoted post is shown inside the quote
	QuoteRejected = "rejected" // refused: the quote shows no quoted post
	QuoteRevoked  = "revoked"  // accepted, then detached by the quoted author
)

// Quote links a quoting status to the status it quotes.
type Quote struct {
	StatusID        domain.ID // the quoting status
	QuotedStatusID  domain.ID // may be deleted since
	QuotedAccountID domain.ID
	State           string
	CreatedAt       time.Time
	// AuthorizationURI is the QuoteAuthorization the quoted post's server
	// issued, for a local quote of a remote post ("" until accepted).
	AuthorizationURI string
}

// insertQuote records st's quote in the caller's transaction and counts
// it on the quoted status when accepted.
func (s *Store) insertQuote(ctx context.Context, q db.Querier, qt *Quote) error {
	now := s.nowMs()
	_, err := q.ExecContext(ctx, `INSERT INTO quotes (status_id, quoted_status_id, quoted_account_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, int64(qt.StatusID), int64(qt.QuotedStatusID), int64(qt.QuotedAccountID), qt.State, now)
	if err != nil {
		return fmt.Errorf("insert quote: %w", err)
	}
	if qt.State == QuoteAccepted {
		if err := countQuote(ctx, q, qt.QuotedStatusID, 1); err != nil {
			return err
		}
	}
	tx, ok := q.(*sql.Tx)
	if !ok {
		return nil
	}
	return s.requestRemoteQuote(ctx, tx, qt.StatusID)
}

// requestRemoteQuote sends the QuoteRequest of a local quote of a remote
// post (FEP-044f) to the quoted author, in tx: even when their policy
// accepted it at once, their server issues the QuoteAuthorization. A
// post held for review asks once it is released (ReleaseHeld calls this).
func (s *Store) requestRemoteQuote(ctx context.Context, tx *sql.Tx, quoting domain.ID) error {
	var author, quotedAuthor int64
	var vis, quotedDomain string
	var local bool
	err := tx.QueryRowContext(ctx, `SELECT s.account_id, s.visibility, s.local, q.quoted_account_id, a.domain
		FROM quotes q JOIN statuses s ON s.id = q.status_id JOIN accounts a ON a.id = q.quoted_account_id
		WHERE q.status_id = $1`, int64(quoting)).Scan(&author, &vis, &local, &quotedAuthor, &quotedDomain)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load quote to request: %w", err)
	}
	if !local || quotedDomain == "" || vis == HeldVisibility {
		return nil
	}
	return s.federate(ctx, tx, Outgoing{Type: "QuoteRequest", ActorID: domain.ID(author), StatusID: quoting,
		TargetID: domain.ID(quotedAuthor), To: []domain.ID{domain.ID(quotedAuthor)}})
}

func countQuote(ctx context.Context, q db.Querier, quoted domain.ID, delta int) error {
	_, err := q.ExecContext(ctx, `UPDATE statuses SET quotes_count = quotes_count + $2 WHERE id = $1 AND quotes_count + $2 >= 0`,
		int64(quoted), delta)
	if err != nil {
		return fmt.Errorf("count quote: %w", err)
	}
	return nil
}

// deleteQuoteOf removes the quote a status being deleted makes, uncounting
// it on the quoted status.
func deleteQuoteOf(ctx context.Context, q db.Querier, id domain.ID) error {
	var quoted int64
	var state string
	err := q.QueryRowContext(ctx, `SELECT quoted_status_id, state FROM quotes WHERE status_id = $1`, int64(id)).Scan(&quoted, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load quote: %w", err)
	}
	if state == QuoteAccepted {
		if err := countQuote(ctx, q, domain.ID(quoted), -1); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM quotes WHERE status_id = $1`, int64(id)); err != nil {
		return fmt.Errorf("delete quote: %w", err)
	}
	return nil
}

// QuotesOf loads the quotes that statuses make, by quoting status.
func (s *Store) QuotesOf(ctx context.Context, ids []domain.ID) (map[domain.ID]*Quote, error) {
	out := map[domain.ID]*Quote{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT status_id, quoted_status_id, quoted_account_id, state, created_at, authorization_uri
		FROM quotes WHERE status_id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load quotes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		qt := &Quote{}
		var created int64
		if err := rows.Scan(&qt.StatusID, &qt.QuotedStatusID, &qt.QuotedAccountID, &qt.State, &created, &qt.AuthorizationURI); err != nil {
			return nil, err
		}
		qt.CreatedAt = fromMs(created)
		out[qt.StatusID] = qt
	}
	return out, rows.Err()
}

// QuotesOfStatus pages through the accepted quotes of a status, newest
// first (the quoting statuses' ids).
func (s *Store) QuotesOfStatus(ctx context.Context, quoted domain.ID, p domain.Page) ([]domain.ID, error) {
	where, order, args := PageClause("q.status_id", p, 3)
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT q.status_id FROM quotes q
		WHERE q.quoted_status_id = $1 AND q.state = 'accepted' AND `+where+` ORDER BY `+order+` LIMIT $2`,
		append([]any{int64(quoted), p.Limit}, args...)...))
	if err != nil {
		return nil, fmt.Errorf("list quotes: %w", err)
	}
	if p.MinID != 0 {
		Reverse(ids)
	}
	return ids, nil
}

// RevokeQuote detaches an accepted quote of quoted made by quoting: the
// quote then shows no quoted content. It is not found when quoting does
// not quote quoted; revoking twice does nothing more.
func (s *Store) RevokeQuote(ctx context.Context, quoted, quoting domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var state, vis string
		var author, quotedAuthor int64
		var local bool
		err := tx.QueryRowContext(ctx, `SELECT q.state, s.account_id, s.local, s.visibility, q.quoted_account_id FROM quotes q JOIN statuses s ON s.id = q.status_id
			WHERE q.status_id = $1 AND q.quoted_status_id = $2`, int64(quoting), int64(quoted)).Scan(&state, &author, &local, &vis, &quotedAuthor)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound()
		}
		if err != nil {
			return fmt.Errorf("load quote: %w", err)
		}
		if state == QuoteRevoked {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = $2, updated_at = $3 WHERE status_id = $1`,
			int64(quoting), QuoteRevoked, s.nowMs()); err != nil {
			return fmt.Errorf("revoke quote: %w", err)
		}
		if state == QuoteAccepted {
			if err := countQuote(ctx, tx, quoted, -1); err != nil {
				return err
			}
		}
		// Readers of the quoting post see it change.
		if err := s.emit(ctx, tx, Event{Kind: EventStatusUpdate, ID: quoting, Account: domain.ID(author)}); err != nil {
			return err
		}
		if state != QuoteAccepted {
			return nil // its note never named the quote
		}
		if local {
			// The note stops naming the quote and its authorization: the
			// servers that have it learn so from its Update (a held post
			// went nowhere yet).
			if vis == HeldVisibility {
				return nil
			}
			o, err := quoteUpdate(ctx, tx, quoting, domain.ID(author), domain.ID(quotedAuthor), domain.Visibility(vis))
			if err != nil {
				return err
			}
			return s.federate(ctx, tx, o)
		}
		// FEP-044f: the quoting post's server learns the consent is gone,
		// and so do the servers of the quoted author's followers, which may
		// show the quote too (Mastodon tells the reach of both posts).
		return s.federate(ctx, tx, Outgoing{Type: "Delete", Object: "QuoteAuthorization", ActorID: domain.ID(quotedAuthor),
			TargetID: domain.ID(author), StatusID: quoted, RowID: quoting, Followers: true, To: []domain.ID{domain.ID(author)}})
	})
}

// SetQuotePolicy changes who may quote a status ("" : its visibility's
// default). Quotes already accepted stay (as in Mastodon).
func (s *Store) SetQuotePolicy(ctx context.Context, id domain.ID, policy string) error {
	if _, err := s.DB.W.ExecContext(ctx, `UPDATE statuses SET quote_policy = $2 WHERE id = $1`, int64(id), policy); err != nil {
		return fmt.Errorf("set quote policy: %w", err)
	}
	return nil
}

// notifyQuotedUpdate tells the local authors of accepted quotes of st
// that it was edited.
func (s *Store) notifyQuotedUpdate(ctx context.Context, q db.Querier, st *domain.Status) error {
	authors, err := scanIDs(q.QueryContext(ctx, `SELECT DISTINCT s.account_id FROM quotes q JOIN statuses s ON s.id = q.status_id
		WHERE q.quoted_status_id = $1 AND q.state = 'accepted'`, int64(st.ID)))
	if err != nil {
		return fmt.Errorf("find quoting authors: %w", err)
	}
	for _, a := range authors {
		if err := s.InsertNotification(ctx, q, &domain.Notification{AccountID: a, FromAccountID: st.AccountID,
			Type: domain.NotifyQuotedUpdate, StatusID: st.ID}); err != nil {
			return err
		}
	}
	return nil
}

// AnswerRemoteQuote records the answer to a remote post's QuoteRequest
// (requestURI) of a local post, and sends it: an Accept naming the
// QuoteAuthorization, or a Reject. A quote the quoted author detached
// stays detached. An accepted quote notifies the quoted author.
func (s *Store) AnswerRemoteQuote(ctx context.Context, quoting, quoted *domain.Status, requestURI string, accept bool) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		state := QuoteRejected
		if accept {
			state = QuoteAccepted
		}
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT state FROM quotes WHERE status_id = $1`, int64(quoting.ID)).Scan(&prev)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := s.insertQuote(ctx, tx, &Quote{StatusID: quoting.ID, QuotedStatusID: quoted.ID, QuotedAccountID: quoted.AccountID, State: state}); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("load quote: %w", err)
		case prev == QuoteRevoked:
			state, accept = QuoteRevoked, false
		case prev != state:
			if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = $2, updated_at = $3 WHERE status_id = $1`,
				int64(quoting.ID), state, s.nowMs()); err != nil {
				return fmt.Errorf("answer quote: %w", err)
			}
			if err := countTransition(ctx, tx, quoted.ID, prev, state); err != nil {
				return err
			}
		}
		if accept && prev != QuoteAccepted {
			if err := s.InsertNotification(ctx, tx, &domain.Notification{AccountID: quoted.AccountID, FromAccountID: quoting.AccountID,
				Type: domain.NotifyQuote, StatusID: quoting.ID}); err != nil {
				return err
			}
		}
		typ := "Reject"
		if accept {
			typ = "Accept"
		}
		return s.federate(ctx, tx, Outgoing{Type: typ, Object: "QuoteRequest", ActorID: quoted.AccountID, TargetID: quoting.AccountID,
			StatusID: quoted.ID, RowID: quoting.ID, ActivityURI: requestURI, To: []domain.ID{quoting.AccountID}})
	})
}

// countTransition counts or uncounts a quote on the quoted status when its
// state enters or leaves accepted.
func countTransition(ctx context.Context, q db.Querier, quoted domain.ID, from, to string) error {
	switch {
	case from != QuoteAccepted && to == QuoteAccepted:
		return countQuote(ctx, q, quoted, 1)
	case from == QuoteAccepted && to != QuoteAccepted:
		return countQuote(ctx, q, quoted, -1)
	}
	return nil
}

// RecordRemoteQuote records that a remote post quotes a local one, as
// pending unless a quote is already recorded: only the answer to its
// QuoteRequest (AnswerRemoteQuote) makes it accepted, whatever
// authorization the remote note claims.
func (s *Store) RecordRemoteQuote(ctx context.Context, quoting, quoted *domain.Status) error {
	now := s.nowMs()
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO quotes (status_id, quoted_status_id, quoted_account_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (status_id) DO NOTHING`,
		int64(quoting.ID), int64(quoted.ID), int64(quoted.AccountID), QuotePending, now)
	if err != nil {
		return fmt.Errorf("record remote quote: %w", err)
	}
	return nil
}

// quoteUpdate is the Update of a local quoting post whose quote changed,
// so that the servers that have it show the quote (and its authorization)
// or stop showing it: its usual audience and the quoted author.
func quoteUpdate(ctx context.Context, q db.Querier, quoting, author, quotedAuthor domain.ID, vis domain.Visibility) (Outgoing, error) {
	to, err := scanIDs(q.QueryContext(ctx, `SELECT account_id FROM mentions WHERE status_id = $1`, int64(quoting)))
	if err != nil {
		return Outgoing{}, fmt.Errorf("load mentions: %w", err)
	}
	if vis != domain.Direct { // as statusOutgoing: the author replied to had its Create
		var replied sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT in_reply_to_account_id FROM statuses WHERE id = $1`, int64(quoting)).Scan(&replied); err != nil {
			return Outgoing{}, fmt.Errorf("load replied author: %w", err)
		}
		if replied.Valid && replied.Int64 != 0 {
			to = append(to, domain.ID(replied.Int64))
		}
	}
	return Outgoing{Type: "Update", ActorID: author, StatusID: quoting, Followers: vis != domain.Direct,
		To: append(to, quotedAuthor)}, nil
}

// AnswerLocalQuote applies the quoted author's answer to the QuoteRequest
// of a local quote of their post: accepted with the QuoteAuthorization the
// caller verified, or rejected. The quote post's readers see it change and
// its Update tells the servers that have it. A revoked quote stays
// revoked. NotFound when quoting is no local quote of a post of
// quotedAuthor.
func (s *Store) AnswerLocalQuote(ctx context.Context, quoting, quotedAuthor domain.ID, accept bool, authorization string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var prev, prevAuth, vis string
		var quoted, author int64
		err := tx.QueryRowContext(ctx, `SELECT q.state, q.authorization_uri, q.quoted_status_id, s.account_id, s.visibility
			FROM quotes q JOIN statuses s ON s.id = q.status_id
			WHERE q.status_id = $1 AND q.quoted_account_id = $2 AND s.local`, int64(quoting), int64(quotedAuthor)).
			Scan(&prev, &prevAuth, &quoted, &author, &vis)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound()
		}
		if err != nil {
			return fmt.Errorf("load quote: %w", err)
		}
		state := QuoteRejected
		if accept {
			state = QuoteAccepted
		} else {
			authorization = ""
		}
		if prev == QuoteRevoked || (prev == state && prevAuth == authorization) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = $2, authorization_uri = $3, updated_at = $4 WHERE status_id = $1`,
			int64(quoting), state, authorization, s.nowMs()); err != nil {
			return fmt.Errorf("answer quote: %w", err)
		}
		if err := countTransition(ctx, tx, domain.ID(quoted), prev, state); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, Event{Kind: EventStatusUpdate, ID: quoting, Account: domain.ID(author)}); err != nil {
			return err
		}
		if !accept && prev != QuoteAccepted {
			return nil // the note never carried the quote
		}
		o, err := quoteUpdate(ctx, tx, quoting, domain.ID(author), quotedAuthor, domain.Visibility(vis))
		if err != nil {
			return err
		}
		return s.federate(ctx, tx, o)
	})
}

// quoteByAuthorizationQuery finds the quote (local, or a remote quote of a
// remote post: AcceptRemoteQuote) an authorization of a remote author ($2)
// allowed, through the partial index quotes_authorization
// (hence the redundant non-empty test). Every Delete of an unknown object
// runs it.
const quoteByAuthorizationQuery = `SELECT q.status_id, q.quoted_status_id, q.state, s.account_id, s.visibility, s.local
	FROM quotes q JOIN statuses s ON s.id = q.status_id
	WHERE q.authorization_uri = $1 AND q.authorization_uri <> '' AND q.quoted_account_id = $2`

// RevokeQuoteAuthorization applies the Delete of a QuoteAuthorization by
// actor (FEP-044f): the quote it authorized is revoked; a local quote's
// Update tells the servers that have it. found is false when no quote of
// a post of actor holds that authorization.
func (s *Store) RevokeQuoteAuthorization(ctx context.Context, uri string, actor domain.ID) (found bool, err error) {
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		var quoting, quoted, author int64
		var state, vis string
		var local bool
		err := tx.QueryRowContext(ctx, quoteByAuthorizationQuery, uri, int64(actor)).Scan(&quoting, &quoted, &state, &author, &vis, &local)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("load quote: %w", err)
		}
		found = true
		if state == QuoteRevoked {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = $2, updated_at = $3 WHERE status_id = $1`,
			quoting, QuoteRevoked, s.nowMs()); err != nil {
			return fmt.Errorf("revoke quote: %w", err)
		}
		if err := countTransition(ctx, tx, domain.ID(quoted), state, QuoteRevoked); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, Event{Kind: EventStatusUpdate, ID: domain.ID(quoting), Account: domain.ID(author)}); err != nil {
			return err
		}
		if !local {
			return nil // the quoting post's own server tells the others
		}
		o, err := quoteUpdate(ctx, tx, domain.ID(quoting), domain.ID(author), actor, domain.Visibility(vis))
		if err != nil {
			return err
		}
		return s.federate(ctx, tx, o)
	})
	return found, err
}

// DropRemoteQuoteLink replaces the content of a remote status whose author
// stopped quoting (an Update without quote, not an edit: FEP-044f's
// detached quote) with content, its RE: link removed; a quote of a remote
// post it made, accepted here, is revoked. Readers see it change. Local
// statuses are left alone.
func (s *Store) DropRemoteQuoteLink(ctx context.Context, st *domain.Status, content string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE statuses SET content = $2 WHERE id = $1 AND NOT local`, int64(st.ID), content)
		if err != nil {
			return fmt.Errorf("drop quote link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if err := s.revokeRemoteQuote(ctx, tx, st.ID); err != nil {
			return err
		}
		return s.emit(ctx, tx, Event{Kind: EventStatusUpdate, ID: st.ID, Account: st.AccountID})
	})
}

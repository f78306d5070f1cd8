package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// Remote quotes of remote posts (FEP-044f): a note of one server quoting a
// post of another is recorded accepted only once the quoted author's
// consent is established (federation/quotes_remote.go); without it the
// note keeps its RE: link and has no quote row.

// AcceptRemoteQuote records that the remote status quoting quotes the
// remote status quoted with its author's consent: authorization is the
// QuoteAuthorization verified ("" when the quoted post's policy lets the
// quoter quote it at once), matched by its later Delete. The quote is
// counted on the quoted post and readers of the quoting post see it
// change. A quote already recorded for quoting is left as it is.
func (s *Store) AcceptRemoteQuote(ctx context.Context, quoting, quoted *domain.Status, authorization string) error {
	if quoting.Local || quoted.Local {
		return domain.Invalid("AcceptRemoteQuote is for remote quotes of remote posts")
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		now := s.nowMs()
		res, err := tx.ExecContext(ctx, `INSERT INTO quotes (status_id, quoted_status_id, quoted_account_id, state, authorization_uri, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (status_id) DO NOTHING`,
			int64(quoting.ID), int64(quoted.ID), int64(quoted.AccountID), QuoteAccepted, authorization, now)
		if err != nil {
			return fmt.Errorf("accept remote quote: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if err := countQuote(ctx, tx, quoted.ID, 1); err != nil {
			return err
		}
		return s.emit(ctx, tx, Event{Kind: EventStatusUpdate, ID: quoting.ID, Account: quoting.AccountID})
	})
}

// revokeRemoteQuote revokes, in tx, the accepted quote of a
// remote post that the remote status id makes (its note stopped quoting),
// uncounting it. Quotes of local posts are left to this server's answers.
func (s *Store) revokeRemoteQuote(ctx context.Context, tx *sql.Tx, id domain.ID) error {
	var quoted int64
	err := tx.QueryRowContext(ctx, `SELECT q.quoted_status_id FROM quotes q JOIN statuses qs ON qs.id = q.quoted_status_id
		WHERE q.status_id = $1 AND q.state = $2 AND NOT qs.local`, int64(id), QuoteAccepted).Scan(&quoted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load remote quote: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET state = $2, updated_at = $3 WHERE status_id = $1`, int64(id), QuoteRevoked, s.nowMs()); err != nil {
		return fmt.Errorf("revoke remote quote: %w", err)
	}
	return countQuote(ctx, tx, domain.ID(quoted), -1)
}

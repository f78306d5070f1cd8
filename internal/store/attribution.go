package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// AttributionDomains loads the domains whose pages may credit an account
// on their link previews (author attribution); empty when none.
func (s *Store) AttributionDomains(ctx context.Context, account domain.ID) ([]string, error) {
	var raw string
	err := s.DB.R.QueryRowContext(ctx, `SELECT attribution_domains FROM accounts WHERE id = $1`, int64(account)).Scan(&raw)
	if err != nil {
		return nil, notFound(err, "load attribution domains")
	}
	return splitDomains(raw), nil
}

// SetAttributionDomains replaces an account's attribution domains; the
// caller has normalized them (accounts.NormalizeAttributionDomains, or the
// checks of a received actor).
func (s *Store) SetAttributionDomains(ctx context.Context, account domain.ID, domains []string) error {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE accounts SET attribution_domains = $1 WHERE id = $2`,
		strings.Join(domains, "\n"), int64(account))
	if err != nil {
		return fmt.Errorf("set attribution domains: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

func splitDomains(raw string) []string {
	out := []string{}
	for _, d := range strings.Split(raw, "\n") {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}

// CardAuthor is who a link preview credits: the page's author link and,
// when the page's site is within the account's attribution domains, the
// account (0 otherwise).
type CardAuthor struct {
	URL       string
	AccountID domain.ID
}

// SetCardAuthor records the author of a stored card (after SaveCard, which
// leaves the author as it was): the zero CardAuthor clears it.
func (s *Store) SetCardAuthor(ctx context.Context, card domain.ID, a CardAuthor) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE preview_cards SET author_url = $1, author_account_id = $2 WHERE id = $3`,
		a.URL, nullID(a.AccountID), int64(card))
	if err != nil {
		return fmt.Errorf("set card author: %w", err)
	}
	return nil
}

// CardAuthorOf loads the author of a card; the zero CardAuthor when it has
// none.
func (s *Store) CardAuthorOf(ctx context.Context, card domain.ID) (CardAuthor, error) {
	var a CardAuthor
	var acct sql.NullInt64
	err := s.DB.R.QueryRowContext(ctx, `SELECT author_url, author_account_id FROM preview_cards WHERE id = $1`, int64(card)).Scan(&a.URL, &acct)
	if err != nil {
		return CardAuthor{}, notFound(err, "load card author")
	}
	a.AccountID = domain.ID(acct.Int64)
	return a, nil
}

package moderation

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// The domain allows as a service, for the web pages: the same admin check
// and audit entries (domain_allow.create, domain_allow.destroy) as the
// Mastodon API's handlers, which write them inline.

// DomainAllows lists the allowed domains for admins, newest first.
func (s *Service) DomainAllows(ctx context.Context, u *domain.User, p domain.Page) ([]*store.DomainAllow, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.DomainAllows(ctx, p)
}

// AllowDomain lets a domain and its subdomains federate in allow-list
// mode (admins only). Allowing it again returns the existing allow.
func (s *Service) AllowDomain(ctx context.Context, u *domain.User, raw string) (*store.DomainAllow, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	name, err := NormalizeDomain(raw)
	if err != nil {
		return nil, err
	}
	return s.Store.AllowDomain(ctx, name, func(tx *sql.Tx, d *store.DomainAllow) error {
		return s.audit(ctx, tx, u.AccountID, "domain_allow.create", "domain_allow", d.ID, d.Domain)
	})
}

// DeleteDomainAllow stops allowing a domain (admins only).
func (s *Service) DeleteDomainAllow(ctx context.Context, u *domain.User, id domain.ID) (*store.DomainAllow, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.DeleteDomainAllow(ctx, id, func(tx *sql.Tx, d *store.DomainAllow) error {
		return s.audit(ctx, tx, u.AccountID, "domain_allow.destroy", "domain_allow", d.ID, d.Domain)
	})
}

// DomainImpact is what suspending a domain would remove from this server,
// shown to the admin before they confirm (as Mastodon's confirmation).
type DomainImpact struct {
	Domain    string
	Accounts  int64 // known accounts of the domain and its subdomains
	Statuses  int64 // their posts stored here
	Followers int64 // follows of local accounts by them, cut
	Following int64 // follows of them by local accounts, cut
}

// SuspensionImpact counts what a suspension of raw (normalized as a block
// would be) removes (admins only). The counts are one read: a suspension
// of a large server is rare enough that an exact figure is worth it.
func (s *Service) SuspensionImpact(ctx context.Context, u *domain.User, raw string) (*DomainImpact, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	d, err := NormalizeDomain(raw)
	if err != nil {
		return nil, err
	}
	out := &DomainImpact{Domain: d}
	// The store has no count of a domain's footprint yet; the condition is
	// store.domainAccounts' (the domain or a subdomain of it).
	const of = `(a.domain = $1 OR a.domain LIKE $2)`
	err = s.Store.DB.R.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM accounts a WHERE `+of+`),
		(SELECT count(*) FROM statuses st JOIN accounts a ON a.id = st.account_id WHERE `+of+`),
		(SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id JOIN accounts l ON l.id = f.target_account_id
			WHERE `+of+` AND l.domain = ''),
		(SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.target_account_id JOIN accounts l ON l.id = f.account_id
			WHERE `+of+` AND l.domain = '')`, d, "%."+d).
		Scan(&out.Accounts, &out.Statuses, &out.Followers, &out.Following)
	if err != nil {
		return nil, fmt.Errorf("count the footprint of %s: %w", d, err)
	}
	return out, nil
}

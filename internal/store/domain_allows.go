package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// DomainAllow is a domain federation is allowed with in allow-list mode
// (it covers its subdomains).
type DomainAllow struct {
	ID        domain.ID
	Domain    string
	CreatedAt time.Time
}

func scanDomainAllow(r scanner) (*DomainAllow, error) {
	var a DomainAllow
	var created int64
	if err := r.Scan(&a.ID, &a.Domain, &created); err != nil {
		return nil, err
	}
	a.CreatedAt = fromMs(created)
	return &a, nil
}

// DomainAllowed reports whether host (or a parent domain of it) is in the
// domain allows: one indexed lookup, made on every inbound activity, fetch
// and delivery in allow-list mode.
func (s *Store) DomainAllowed(ctx context.Context, host string) (bool, error) {
	if host == "" {
		return false, nil
	}
	sfx := domainSuffixes(host)
	var one int
	err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM domain_allows WHERE domain IN (`+placeholders(1, len(sfx))+`) LIMIT 1`, sfx...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load domain allow: %w", err)
	}
	return true, nil
}

// DomainAllows pages the domain allows, newest first.
func (s *Store) DomainAllows(ctx context.Context, p domain.Page) ([]*DomainAllow, error) {
	where, order, args := PageClause("id", p, 1)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, domain, created_at FROM domain_allows WHERE `+where+
		` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)), args...)
	if err != nil {
		return nil, fmt.Errorf("load domain allows: %w", err)
	}
	defer rows.Close()
	var out []*DomainAllow
	for rows.Next() {
		a, err := scanDomainAllow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// DomainAllow loads one domain allow.
func (s *Store) DomainAllow(ctx context.Context, id domain.ID) (*DomainAllow, error) {
	a, err := scanDomainAllow(s.DB.R.QueryRowContext(ctx, `SELECT id, domain, created_at FROM domain_allows WHERE id = $1`, int64(id)))
	if err != nil {
		return nil, notFound(err, "load domain allow")
	}
	return a, nil
}

// AllowDomain adds a domain (already normalized) to the allows, in one
// transaction with the caller's audit entry (audit may be nil). Allowing
// an allowed domain again returns the existing allow, as Mastodon does.
func (s *Store) AllowDomain(ctx context.Context, allowed string, audit func(tx *sql.Tx, a *DomainAllow) error) (*DomainAllow, error) {
	defer s.domainRulesChanged()
	a := &DomainAllow{ID: s.IDs.Next(), Domain: allowed, CreatedAt: s.Now()}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO domain_allows (id, domain, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (domain) DO NOTHING`, int64(a.ID), a.Domain, ms(a.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert domain allow: %w", err)
		}
		got, err := scanDomainAllow(tx.QueryRowContext(ctx, `SELECT id, domain, created_at FROM domain_allows WHERE domain = $1`, allowed))
		if err != nil {
			return fmt.Errorf("load domain allow: %w", err)
		}
		if got.ID != a.ID { // allowed already
			a = got
			return nil
		}
		if audit != nil {
			return audit(tx, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteDomainAllow removes an allow, in one transaction with the caller's
// audit entry (audit may be nil).
func (s *Store) DeleteDomainAllow(ctx context.Context, id domain.ID, audit func(tx *sql.Tx, a *DomainAllow) error) (*DomainAllow, error) {
	defer s.domainRulesChanged()
	var a *DomainAllow
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanDomainAllow(tx.QueryRowContext(ctx, `SELECT id, domain, created_at FROM domain_allows WHERE id = $1`, int64(id)))
		if err != nil {
			return notFound(err, "load domain allow")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM domain_allows WHERE id = $1`, int64(id)); err != nil {
			return fmt.Errorf("delete domain allow: %w", err)
		}
		if audit != nil {
			return audit(tx, a)
		}
		return nil
	})
	return a, err
}

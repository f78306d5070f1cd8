package moderation

import (
	"context"
	"database/sql"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Domain allows (allow-list federation) and what a domain suspension
// removes, for the admin API and pages.

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
type DomainImpact = store.DomainFootprint

// SuspensionImpact counts what a suspension of raw (normalized as a block
// would be) removes (admins only).
func (s *Service) SuspensionImpact(ctx context.Context, u *domain.User, raw string) (*DomainImpact, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	d, err := NormalizeDomain(raw)
	if err != nil {
		return nil, err
	}
	return s.Store.DomainFootprintOf(ctx, d)
}

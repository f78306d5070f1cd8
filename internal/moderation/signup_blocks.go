package moderation

import (
	"context"
	"database/sql"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits of e-mail domain and IP blocks.
const (
	MaxIPComment    = 1000
	MaxIPBlocks     = 10000 // rules loaded at once
	IPRulesRefresh  = 30 * time.Second
	MaxIPExpiration = 5 * 366 * 24 * time.Hour
)

// AddEmailDomainBlock refuses future sign-ups with addresses at a domain
// and its subdomains (admins only). Existing accounts are not touched.
func (s *Service) AddEmailDomainBlock(ctx context.Context, u *domain.User, raw string) (*store.EmailDomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	d, err := NormalizeDomain(raw)
	if err != nil {
		return nil, err
	}
	b := &store.EmailDomainBlock{Domain: d}
	return b, s.Store.AddEmailDomainBlock(ctx, b, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "email_domain_block.create", "email_domain_block", b.ID, d)
	})
}

// EmailDomainBlocks lists the blocks for admins.
func (s *Service) EmailDomainBlocks(ctx context.Context, u *domain.User, p domain.Page) ([]*store.EmailDomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.EmailDomainBlocks(ctx, p)
}

// EmailDomainBlock loads one block for admins.
func (s *Service) EmailDomainBlock(ctx context.Context, u *domain.User, id domain.ID) (*store.EmailDomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.EmailDomainBlock(ctx, id)
}

// DeleteEmailDomainBlock lifts a block.
func (s *Service) DeleteEmailDomainBlock(ctx context.Context, u *domain.User, id domain.ID) error {
	if err := requireAdmin(u); err != nil {
		return err
	}
	return s.Store.DeleteEmailDomainBlock(ctx, id, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "email_domain_block.delete", "email_domain_block", id, "")
	})
}

// IPBlockInput is a rule as an admin gives it; nil keeps the value on update.
type IPBlockInput struct {
	IP        *string // an address or a CIDR prefix
	Severity  *string
	Comment   *string
	ExpiresIn *time.Duration // 0: never
}

func (in IPBlockInput) apply(b *store.IPBlock, now time.Time) error {
	if in.IP != nil {
		raw := strings.TrimSpace(*in.IP)
		p, err := netip.ParsePrefix(raw)
		if err != nil {
			a, aerr := netip.ParseAddr(raw)
			if aerr != nil {
				return domain.Invalid("ip: %q is neither an address nor a CIDR range", raw)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		b.Prefix = p.Masked()
	}
	if in.Severity != nil {
		switch *in.Severity {
		case store.IPSignUpApproval, store.IPSignUpBlock, store.IPNoAccess:
			b.Severity = *in.Severity
		default:
			return domain.Invalid("severity must be sign_up_requires_approval, sign_up_block or no_access")
		}
	}
	if in.Comment != nil {
		if runeLen(*in.Comment) > MaxIPComment {
			return domain.Invalid("comment: at most %d characters", MaxIPComment)
		}
		b.Comment = *in.Comment
	}
	if in.ExpiresIn != nil {
		switch d := *in.ExpiresIn; {
		case d == 0:
			b.ExpiresAt = nil
		case d < time.Minute || d > MaxIPExpiration:
			return domain.Invalid("expires_in: from 60 seconds to 5 years")
		default:
			t := now.Add(d)
			b.ExpiresAt = &t
		}
	}
	if !b.Prefix.IsValid() || b.Severity == "" {
		return domain.Invalid("ip and severity are required")
	}
	return nil
}

// SaveIPBlock creates (id 0) or changes a rule (admins only).
func (s *Service) SaveIPBlock(ctx context.Context, u *domain.User, id domain.ID, in IPBlockInput) (*store.IPBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	b := &store.IPBlock{}
	if id != 0 {
		all, err := s.Store.IPBlocks(ctx, false, MaxIPBlocks)
		if err != nil {
			return nil, err
		}
		for _, x := range all {
			if x.ID == id {
				b = x
			}
		}
		if b.ID == 0 {
			return nil, domain.NotFound()
		}
	}
	if err := in.apply(b, s.Store.Now()); err != nil {
		return nil, err
	}
	action := "ip_block.create"
	if id != 0 {
		action = "ip_block.update"
	}
	return b, s.Store.SaveIPBlock(ctx, b, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, action, "ip_block", b.ID, b.Prefix.String()+" "+b.Severity)
	})
}

// DeleteIPBlock removes a rule.
func (s *Service) DeleteIPBlock(ctx context.Context, u *domain.User, id domain.ID) error {
	if err := requireAdmin(u); err != nil {
		return err
	}
	return s.Store.DeleteIPBlock(ctx, id, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "ip_block.delete", "ip_block", id, "")
	})
}

// IPBlocks lists every rule for admins.
func (s *Service) IPBlocks(ctx context.Context, u *domain.User) ([]*store.IPBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.IPBlocks(ctx, false, MaxIPBlocks)
}

// IPRules answers, for every request, whether its address may reach the
// server at all. The rules are read again every IPRulesRefresh, so a new
// no_access rule takes effect on every node within that time.
type IPRules struct {
	Store *store.Store

	mu     sync.Mutex
	rules  []*store.IPBlock
	loaded time.Time
}

// NoAccess reports whether ip is under a no_access rule. A failure to read
// the rules keeps the last ones (and lets everyone in at first start).
func (r *IPRules) NoAccess(ctx context.Context, ip string) bool {
	r.mu.Lock()
	if r.Store.Now().Sub(r.loaded) > IPRulesRefresh {
		if rules, err := r.Store.IPBlocks(ctx, true, MaxIPBlocks); err == nil {
			r.rules = rules
		}
		r.loaded = r.Store.Now()
	}
	rules := r.rules
	r.mu.Unlock()
	return store.IPSeverity(rules, ip) == store.IPNoAccess
}

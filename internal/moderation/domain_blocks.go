package moderation

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"

	"golang.org/x/net/idna"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Domain block limits.
const (
	MaxDomainLen         = 253
	MaxDomainCommentLen  = 1000 // public and private comments
	purgeAccountsPerStep = 200
)

// NormalizeDomain turns what a person typed ("Example.ORG", "*.example.org",
// "bücher.example") into the stored form: lower-case punycode without a
// wildcard, a trailing dot or a port.
func NormalizeDomain(raw string) (string, error) {
	d := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(raw), "*."), ".")
	if d == "" {
		return "", domain.Invalid("domain is required")
	}
	ascii, err := idna.Lookup.ToASCII(d)
	if err != nil || len(ascii) > MaxDomainLen || !strings.Contains(ascii, ".") || strings.ContainsAny(ascii, "/:@ ") {
		return "", domain.Invalid("%q is not a domain name", raw)
	}
	return strings.ToLower(ascii), nil
}

// DomainBlockInput is a block as an admin gives it; nil keeps the current
// value on update (and takes the default on create).
type DomainBlockInput struct {
	Domain         string
	Severity       *string
	RejectMedia    *bool
	RejectReports  *bool
	PrivateComment *string
	PublicComment  *string
	Obfuscate      *bool
}

func (in DomainBlockInput) apply(b *store.DomainBlock) error {
	if in.Severity != nil {
		switch *in.Severity {
		case store.SeveritySuspend, store.SeveritySilence, store.SeverityNoop:
			b.Severity = *in.Severity
		default:
			return domain.Invalid("severity must be silence, suspend or noop")
		}
	}
	for _, c := range []struct {
		in  *string
		out *string
	}{{in.PrivateComment, &b.PrivateComment}, {in.PublicComment, &b.PublicComment}} {
		if c.in == nil {
			continue
		}
		if runeLen(*c.in) > MaxDomainCommentLen {
			return domain.Invalid("comments: at most %d characters", MaxDomainCommentLen)
		}
		*c.out = strings.TrimSpace(*c.in)
	}
	for _, f := range []struct {
		in  *bool
		out *bool
	}{{in.RejectMedia, &b.RejectMedia}, {in.RejectReports, &b.RejectReports}, {in.Obfuscate, &b.Obfuscate}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	return nil
}

// CreateDomainBlock blocks a domain and its subdomains (admins only):
// suspend suspends their accounts (whose content a job then purges) and
// refuses all federation with them; silence limits their accounts; noop
// only rejects media or reports as asked. Recorded in the audit log.
func (s *Service) CreateDomainBlock(ctx context.Context, u *domain.User, in DomainBlockInput) (*store.DomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	d, err := NormalizeDomain(in.Domain)
	if err != nil {
		return nil, err
	}
	b := &store.DomainBlock{Domain: d, Severity: store.SeveritySilence}
	if err := in.apply(b); err != nil {
		return nil, err
	}
	return b, s.Store.SaveDomainBlock(ctx, b, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "domain_block.create", "domain_block", b.ID, b.Domain+" "+b.Severity)
	})
}

// UpdateDomainBlock changes a block (admins only; the domain stays).
func (s *Service) UpdateDomainBlock(ctx context.Context, u *domain.User, id domain.ID, in DomainBlockInput) (*store.DomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	b, err := s.Store.DomainBlock(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Domain != "" {
		if d, err := NormalizeDomain(in.Domain); err != nil || d != b.Domain {
			return nil, domain.Invalid("the domain of a block cannot change: delete it and block the other domain")
		}
	}
	if err := in.apply(b); err != nil {
		return nil, err
	}
	return b, s.Store.SaveDomainBlock(ctx, b, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u.AccountID, "domain_block.update", "domain_block", b.ID, b.Domain+" "+b.Severity)
	})
}

// DeleteDomainBlock lifts a block (admins only). Content purged under a
// suspension does not come back; accounts fetch it anew.
func (s *Service) DeleteDomainBlock(ctx context.Context, u *domain.User, id domain.ID) (*store.DomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.DeleteDomainBlock(ctx, id, func(tx *sql.Tx, b *store.DomainBlock) error {
		return s.audit(ctx, tx, u.AccountID, "domain_block.delete", "domain_block", b.ID, b.Domain)
	})
}

// DomainBlocks lists the server's blocks for admins.
func (s *Service) DomainBlocks(ctx context.Context, u *domain.User, p domain.Page) ([]*store.DomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.DomainBlocks(ctx, p)
}

// DomainBlock loads one block for admins.
func (s *Service) DomainBlock(ctx context.Context, u *domain.User, id domain.ID) (*store.DomainBlock, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	return s.Store.DomainBlock(ctx, id)
}

// PublicDomainBlock is a block as everyone may see it: agora publishes its
// blocks and their public reasons (transparency), the domain partly
// starred when the admin chose to obfuscate it.
type PublicDomainBlock struct {
	Domain   string `json:"domain"`
	Digest   string `json:"digest"` // SHA-256 of the domain, hex, as Mastodon
	Severity string `json:"severity"`
	Comment  string `json:"comment,omitempty"`
}

// maxPublicBlocks bounds the public list (it is one page).
const maxPublicBlocks = 10000

// PublicDomainBlocks lists every block for the public page and API.
func (s *Service) PublicDomainBlocks(ctx context.Context) ([]PublicDomainBlock, error) {
	blocks, err := s.Store.DomainBlocks(ctx, domain.Page{Limit: maxPublicBlocks})
	if err != nil {
		return nil, err
	}
	out := []PublicDomainBlock{}
	for _, b := range blocks {
		sum := sha256.Sum256([]byte(b.Domain))
		d := b.Domain
		if b.Obfuscate {
			d = obfuscate(d)
		}
		out = append(out, PublicDomainBlock{Domain: d, Digest: hex.EncodeToString(sum[:]), Severity: b.Severity, Comment: b.PublicComment})
	}
	return out, nil
}

// obfuscate stars about a third of each label's letters, as Mastodon.
func obfuscate(d string) string {
	b := []byte(d)
	n := len(b)
	for i := n / 3; i < n-n/3; i++ {
		if b[i] != '.' {
			b[i] = '*'
		}
	}
	return string(b)
}

// PurgeSuspendedDomains removes what accounts of newly suspended domains
// left here (statuses, feeds, notifications, follows), a batch of
// accounts at a time, and marks each domain purged. It returns the number
// of accounts purged.
func (s *Service) PurgeSuspendedDomains(ctx context.Context) (int, error) {
	blocks, err := s.Store.DomainsToPurge(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range blocks {
		var after domain.ID
		for {
			ids, err := s.Store.SuspendedDomainAccounts(ctx, b.Domain, after, purgeAccountsPerStep)
			if err != nil {
				return n, err
			}
			for _, id := range ids {
				if err := s.Store.PurgeDomainAccount(ctx, id); err != nil {
					return n, err
				}
				n++
			}
			if len(ids) < purgeAccountsPerStep {
				break
			}
			after = ids[len(ids)-1]
		}
		if err := s.Store.MarkDomainPurged(ctx, b.ID, b.UpdatedAt); err != nil {
			return n, err
		}
		s.Log.Info("suspended domain purged", "domain", b.Domain)
	}
	return n, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// EmailDomainBlock refuses sign-ups with addresses at a domain (and its
// subdomains).
type EmailDomainBlock struct {
	ID        domain.ID
	Domain    string
	CreatedAt time.Time
}

// AddEmailDomainBlock stores a block; a domain blocked twice is invalid.
func (s *Store) AddEmailDomainBlock(ctx context.Context, b *EmailDomainBlock, audit func(tx *sql.Tx) error) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		b.ID, b.CreatedAt = s.IDs.Next(), s.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO email_domain_blocks (id, domain, created_at) VALUES ($1, $2, $3)`,
			int64(b.ID), b.Domain, ms(b.CreatedAt))
		if db.IsUniqueViolation(err) {
			return domain.Invalid("%s is already blocked", b.Domain)
		}
		if err != nil {
			return fmt.Errorf("add e-mail domain block: %w", err)
		}
		return audit(tx)
	})
}

// EmailDomainBlocks lists the blocks, newest first.
func (s *Store) EmailDomainBlocks(ctx context.Context, p domain.Page) ([]*EmailDomainBlock, error) {
	where, order, args := PageClause("id", p, 1)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, domain, created_at FROM email_domain_blocks WHERE `+where+
		` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)), args...)
	if err != nil {
		return nil, fmt.Errorf("load e-mail domain blocks: %w", err)
	}
	defer rows.Close()
	var out []*EmailDomainBlock
	for rows.Next() {
		var b EmailDomainBlock
		var created int64
		if err := rows.Scan(&b.ID, &b.Domain, &created); err != nil {
			return nil, err
		}
		b.CreatedAt = fromMs(created)
		out = append(out, &b)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// EmailDomainBlock loads one block.
func (s *Store) EmailDomainBlock(ctx context.Context, id domain.ID) (*EmailDomainBlock, error) {
	var b EmailDomainBlock
	var created int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, domain, created_at FROM email_domain_blocks WHERE id = $1`, int64(id)).
		Scan(&b.ID, &b.Domain, &created)
	if err != nil {
		return nil, notFound(err, "load e-mail domain block")
	}
	b.CreatedAt = fromMs(created)
	return &b, nil
}

// DeleteEmailDomainBlock removes a block.
func (s *Store) DeleteEmailDomainBlock(ctx context.Context, id domain.ID, audit func(tx *sql.Tx) error) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM email_domain_blocks WHERE id = $1`, int64(id))
		if err != nil {
			return fmt.Errorf("delete e-mail domain block: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound()
		}
		return audit(tx)
	})
}

// EmailDomainBlocked reports whether an address's domain, or a parent of
// it, is blocked.
func (s *Store) EmailDomainBlocked(ctx context.Context, email string) (bool, error) {
	_, host, ok := strings.Cut(strings.ToLower(email), "@")
	if !ok || host == "" {
		return false, nil
	}
	sfx := domainSuffixes(host)
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_domain_blocks WHERE domain IN (`+placeholders(1, len(sfx))+`)`, sfx...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check e-mail domain: %w", err)
	}
	return n > 0, nil
}

// IP block severities, as Mastodon's.
const (
	IPSignUpApproval = "sign_up_requires_approval"
	IPSignUpBlock    = "sign_up_block"
	IPNoAccess       = "no_access"
)

// IPBlock is a rule for a range of addresses.
type IPBlock struct {
	ID        domain.ID
	Prefix    netip.Prefix
	Severity  string
	Comment   string
	ExpiresAt *time.Time
	CreatedAt time.Time
}

// SaveIPBlock creates (ID 0) or updates a rule.
func (s *Store) SaveIPBlock(ctx context.Context, b *IPBlock, audit func(tx *sql.Tx) error) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if b.ID == 0 {
			b.ID, b.CreatedAt = s.IDs.Next(), s.Now()
			_, err = tx.ExecContext(ctx, `INSERT INTO ip_blocks (id, ip, severity, comment, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				int64(b.ID), b.Prefix.String(), b.Severity, b.Comment, optMs(b.ExpiresAt), ms(b.CreatedAt))
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE ip_blocks SET ip = $2, severity = $3, comment = $4, expires_at = $5 WHERE id = $1`,
				int64(b.ID), b.Prefix.String(), b.Severity, b.Comment, optMs(b.ExpiresAt))
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return domain.NotFound()
				}
			}
		}
		if db.IsUniqueViolation(err) {
			return domain.Invalid("%s already has a rule: edit it", b.Prefix)
		}
		if err != nil {
			return fmt.Errorf("save IP block: %w", err)
		}
		return audit(tx)
	})
}

// DeleteIPBlock removes a rule.
func (s *Store) DeleteIPBlock(ctx context.Context, id domain.ID, audit func(tx *sql.Tx) error) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ip_blocks WHERE id = $1`, int64(id))
		if err != nil {
			return fmt.Errorf("delete IP block: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound()
		}
		return audit(tx)
	})
}

// IPBlocks lists the rules, newest first; with active, only those not
// expired.
func (s *Store) IPBlocks(ctx context.Context, active bool, limit int) ([]*IPBlock, error) {
	q := `SELECT id, ip, severity, comment, expires_at, created_at FROM ip_blocks`
	var args []any
	if active {
		q += ` WHERE expires_at IS NULL OR expires_at > $1`
		args = append(args, s.nowMs())
	}
	rows, err := s.DB.R.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("load IP blocks: %w", err)
	}
	defer rows.Close()
	var out []*IPBlock
	for rows.Next() {
		var b IPBlock
		var ip string
		var expires sql.NullInt64
		var created int64
		if err := rows.Scan(&b.ID, &ip, &b.Severity, &b.Comment, &expires, &created); err != nil {
			return nil, err
		}
		if b.Prefix, err = netip.ParsePrefix(ip); err != nil {
			return nil, fmt.Errorf("IP block %d: %w", b.ID, err)
		}
		b.ExpiresAt, b.CreatedAt = optTime(expires), fromMs(created)
		out = append(out, &b)
	}
	return out, rows.Err()
}

// IPSeverity is the strictest active rule matching ip ("" for none):
// no_access, then sign_up_block, then sign_up_requires_approval.
func IPSeverity(blocks []*IPBlock, ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	addr = addr.Unmap()
	rank := map[string]int{IPSignUpApproval: 1, IPSignUpBlock: 2, IPNoAccess: 3}
	best := ""
	for _, b := range blocks {
		if b.Prefix.Contains(addr) && rank[b.Severity] > rank[best] {
			best = b.Severity
		}
	}
	return best
}

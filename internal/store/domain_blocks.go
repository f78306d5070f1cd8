package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Domain block severities, as Mastodon's.
const (
	SeveritySuspend = "suspend"
	SeveritySilence = "silence"
	SeverityNoop    = "noop"
)

// DomainBlock is a server-wide block of a domain and its subdomains.
type DomainBlock struct {
	ID             domain.ID
	Domain         string
	Severity       string
	RejectMedia    bool
	RejectReports  bool
	PrivateComment string
	PublicComment  string
	Obfuscate      bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const domainBlockColumns = `id, domain, severity, reject_media, reject_reports, private_comment, public_comment, obfuscate, created_at, updated_at`

func scanDomainBlock(r scanner) (*DomainBlock, error) {
	var b DomainBlock
	var created, updated int64
	if err := r.Scan(&b.ID, &b.Domain, &b.Severity, &b.RejectMedia, &b.RejectReports, &b.PrivateComment, &b.PublicComment,
		&b.Obfuscate, &created, &updated); err != nil {
		return nil, err
	}
	b.CreatedAt, b.UpdatedAt = fromMs(created), fromMs(updated)
	return &b, nil
}

// domainSuffixes lists host and each parent domain of it with at least two
// labels ("a.b.example.org" → itself, "b.example.org", "example.org").
func domainSuffixes(host string) []any {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.Contains(h, "]") {
		host = h // a port does not make another domain
	}
	out := []any{host}
	for {
		_, rest, ok := strings.Cut(host, ".")
		if !ok || !strings.Contains(rest, ".") {
			return out
		}
		out = append(out, rest)
		host = rest
	}
}

// DomainBlockFor returns the block that applies to host (its own or its
// closest parent domain's), or nil. Federation calls it on every inbound
// activity, fetch and delivery: one indexed lookup.
func (s *Store) DomainBlockFor(ctx context.Context, host string) (*DomainBlock, error) {
	if host == "" {
		return nil, nil
	}
	sfx := domainSuffixes(host)
	b, err := scanDomainBlock(s.DB.R.QueryRowContext(ctx, `SELECT `+domainBlockColumns+` FROM domain_blocks
		WHERE domain IN (`+placeholders(1, len(sfx))+`) ORDER BY length(domain) DESC LIMIT 1`, sfx...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load domain block: %w", err)
	}
	return b, nil
}

// DomainBlocks lists the server's domain blocks, newest first.
func (s *Store) DomainBlocks(ctx context.Context, p domain.Page) ([]*DomainBlock, error) {
	where, order, args := PageClause("id", p, 1)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+domainBlockColumns+` FROM domain_blocks WHERE `+where+
		` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)), args...)
	if err != nil {
		return nil, fmt.Errorf("load domain blocks: %w", err)
	}
	defer rows.Close()
	var out []*DomainBlock
	for rows.Next() {
		b, err := scanDomainBlock(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// DomainBlock loads one domain block.
func (s *Store) DomainBlock(ctx context.Context, id domain.ID) (*DomainBlock, error) {
	b, err := scanDomainBlock(s.DB.R.QueryRowContext(ctx, `SELECT `+domainBlockColumns+` FROM domain_blocks WHERE id = $1`, int64(id)))
	if err != nil {
		return nil, notFound(err, "load domain block")
	}
	return b, nil
}

// SaveDomainBlock creates (ID 0) or updates a block and applies its
// severity to the accounts of the domain, in one transaction with the
// caller's audit entry (audit may be nil). A second block of the same
// domain is a validation error.
func (s *Store) SaveDomainBlock(ctx context.Context, b *DomainBlock, audit func(tx *sql.Tx) error) error {
	defer s.domainRulesChanged()
	return s.Tx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		if b.ID == 0 {
			b.ID, b.CreatedAt = s.IDs.Next(), now
			b.UpdatedAt = now
			_, err := tx.ExecContext(ctx, `INSERT INTO domain_blocks (`+domainBlockColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, int64(b.ID), b.Domain, b.Severity, b.RejectMedia, b.RejectReports,
				b.PrivateComment, b.PublicComment, b.Obfuscate, ms(b.CreatedAt), ms(b.UpdatedAt))
			if db.IsUniqueViolation(err) {
				return domain.Invalid("%s is already blocked: edit that block", b.Domain)
			}
			if err != nil {
				return fmt.Errorf("insert domain block: %w", err)
			}
		} else {
			b.UpdatedAt = now
			// A changed severity needs a new purge if it is a suspension.
			res, err := tx.ExecContext(ctx, `UPDATE domain_blocks SET purged_at = CASE WHEN severity = $2 THEN purged_at END,
				severity = $2, reject_media = $3, reject_reports = $4,
				private_comment = $5, public_comment = $6, obfuscate = $7, updated_at = $8 WHERE id = $1`,
				int64(b.ID), b.Severity, b.RejectMedia, b.RejectReports, b.PrivateComment, b.PublicComment, b.Obfuscate, ms(now))
			if err != nil {
				return fmt.Errorf("update domain block: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return domain.NotFound()
			}
		}
		if err := applyDomainSeverity(ctx, tx, b); err != nil {
			return err
		}
		if audit != nil {
			return audit(tx)
		}
		return nil
	})
}

// DeleteDomainBlock removes a block and lifts the restrictions it put on
// the domain's accounts (those it set: an account restricted on its own,
// at another time, stays so).
func (s *Store) DeleteDomainBlock(ctx context.Context, id domain.ID, audit func(tx *sql.Tx, b *DomainBlock) error) (*DomainBlock, error) {
	defer s.domainRulesChanged()
	var b *DomainBlock
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		b, err = scanDomainBlock(tx.QueryRowContext(ctx, `SELECT `+domainBlockColumns+` FROM domain_blocks WHERE id = $1`, int64(id)))
		if err != nil {
			return notFound(err, "load domain block")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM domain_blocks WHERE id = $1`, int64(id)); err != nil {
			return fmt.Errorf("delete domain block: %w", err)
		}
		lifted := *b
		lifted.Severity = SeverityNoop
		if err := applyDomainSeverity(ctx, tx, &lifted); err != nil {
			return err
		}
		if audit != nil {
			return audit(tx, b)
		}
		return nil
	})
	return b, err
}

// domainAccounts is the condition selecting the accounts of a domain and
// its subdomains ($1 the domain, $2 "%." + the domain).
const domainAccounts = `(domain = $1 OR domain LIKE $2)`

// applyDomainSeverity marks the domain's accounts with the block's
// creation time: suspended for suspend, silenced for silence; marks a
// lighter severity lifts (only restrictions carrying that time).
func applyDomainSeverity(ctx context.Context, tx *sql.Tx, b *DomainBlock) error {
	mark := ms(b.CreatedAt)
	like := "%." + b.Domain
	suspend, silence := b.Severity == SeveritySuspend, b.Severity == SeveritySilence
	for _, st := range []struct {
		on   bool
		col  string
		desc string
	}{{suspend, "suspended_at", "suspend"}, {silence, "silenced_at", "silence"}} {
		var err error
		if st.on {
			_, err = tx.ExecContext(ctx, `UPDATE accounts SET `+st.col+` = $3 WHERE `+domainAccounts+` AND `+st.col+` IS NULL`, b.Domain, like, mark)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE accounts SET `+st.col+` = NULL WHERE `+domainAccounts+` AND `+st.col+` = $3`, b.Domain, like, mark)
		}
		if err != nil {
			return fmt.Errorf("%s accounts of %s: %w", st.desc, b.Domain, err)
		}
	}
	return nil
}

// PurgeDomainAccount removes what one account of a suspended domain left
// here: its statuses (with their feed entries), its notifications to local
// accounts, and its follows both ways (counters kept right). A job calls
// it, one account per transaction.
func (s *Store) PurgeDomainAccount(ctx context.Context, accountID domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM home_feed WHERE author_id = $1 OR origin_author_id = $1`,
			`DELETE FROM notifications WHERE from_account_id = $1`,
			`UPDATE accounts SET followers_count = followers_count - 1 WHERE id IN (SELECT target_account_id FROM follows WHERE account_id = $1)`,
			`UPDATE accounts SET following_count = following_count - 1 WHERE id IN (SELECT account_id FROM follows WHERE target_account_id = $1)`,
			`DELETE FROM follows WHERE account_id = $1 OR target_account_id = $1`,
			`DELETE FROM follow_requests WHERE account_id = $1 OR target_account_id = $1`,
			`DELETE FROM statuses WHERE account_id = $1`,
			`UPDATE accounts SET statuses_count = 0, followers_count = 0, following_count = 0 WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, int64(accountID)); err != nil {
				return fmt.Errorf("purge account %d: %w", accountID, err)
			}
		}
		return nil
	})
}

// DomainsToPurge lists the suspended domains whose content has not been
// purged yet.
func (s *Store) DomainsToPurge(ctx context.Context) ([]*DomainBlock, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+domainBlockColumns+` FROM domain_blocks
		WHERE severity = 'suspend' AND purged_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load domains to purge: %w", err)
	}
	defer rows.Close()
	var out []*DomainBlock
	for rows.Next() {
		b, err := scanDomainBlock(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// MarkDomainPurged records that a suspension's purge finished, unless the
// block changed since it was loaded (updatedAt).
func (s *Store) MarkDomainPurged(ctx context.Context, id domain.ID, updatedAt time.Time) error {
	defer s.domainRulesChanged()
	_, err := s.DB.W.ExecContext(ctx, `UPDATE domain_blocks SET purged_at = $3 WHERE id = $1 AND updated_at = $2 AND severity = 'suspend'`,
		int64(id), ms(updatedAt), s.nowMs())
	if err != nil {
		return fmt.Errorf("mark domain purged: %w", err)
	}
	return nil
}

// SuspendedDomainAccounts lists up to limit ids of accounts of domain (and
// its subdomains) that a block suspended, after the id after.
func (s *Store) SuspendedDomainAccounts(ctx context.Context, blockDomain string, after domain.ID, limit int) ([]domain.ID, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id FROM accounts WHERE `+domainAccounts+` AND suspended_at IS NOT NULL AND id > $3
		ORDER BY id LIMIT $4`, blockDomain, "%."+blockDomain, int64(after), limit)
	if err != nil {
		return nil, fmt.Errorf("load accounts of %s: %w", blockDomain, err)
	}
	defer rows.Close()
	var out []domain.ID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, domain.ID(id))
	}
	return out, rows.Err()
}

// MaxUserDomainBlocks bounds the domains one account may block.
const MaxUserDomainBlocks = 1000

// BlockDomain hides a domain from account's timelines and notifications
// and removes the account's followers from it, as Mastodon does: public
// timelines and notifications are filtered when read or written, the home
// feed loses the domain's entries now and gets no new ones.
func (s *Store) BlockDomain(ctx context.Context, account domain.ID, blocked string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_domain_blocks WHERE account_id = $1`, int64(account)).Scan(&n); err != nil {
			return fmt.Errorf("count domain blocks: %w", err)
		}
		if n >= MaxUserDomainBlocks {
			return domain.Invalid("You can block at most %d domains", MaxUserDomainBlocks)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO user_domain_blocks (id, account_id, domain, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_id, domain) DO NOTHING`, int64(s.IDs.Next()), int64(account), blocked, s.nowMs())
		if err != nil {
			return fmt.Errorf("block domain: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT f.account_id FROM follows f JOIN accounts a ON a.id = f.account_id
			WHERE f.target_account_id = $1 AND a.domain = $2`, int64(account), blocked)
		if err != nil {
			return fmt.Errorf("load followers on %s: %w", blocked, err)
		}
		var followers []domain.ID
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			followers = append(followers, domain.ID(id))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range followers {
			if err := unfollow(ctx, tx, f, account); err != nil {
				return err
			}
		}
		// The home feed is filtered when written (fan-out skips readers
		// blocking the author's domain), so what is there already goes now.
		_, err = tx.ExecContext(ctx, `DELETE FROM home_feed WHERE account_id = $1 AND (
			author_id IN (SELECT id FROM accounts WHERE domain = $2) OR origin_author_id IN (SELECT id FROM accounts WHERE domain = $2))`,
			int64(account), blocked)
		if err != nil {
			return fmt.Errorf("clean home feed of %s: %w", blocked, err)
		}
		return nil
	})
}

// UnblockDomain removes account's block of a domain.
func (s *Store) UnblockDomain(ctx context.Context, account domain.ID, blocked string) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM user_domain_blocks WHERE account_id = $1 AND domain = $2`, int64(account), blocked)
	if err != nil {
		return fmt.Errorf("unblock domain: %w", err)
	}
	return nil
}

// UserDomainBlock is one domain an account blocks; ID is the cursor.
type UserDomainBlock struct {
	ID     domain.ID
	Domain string
}

// UserDomainBlocks pages the domains account blocks, newest first.
func (s *Store) UserDomainBlocks(ctx context.Context, account domain.ID, p domain.Page) ([]UserDomainBlock, error) {
	where, order, args := PageClause("id", p, 2)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, domain FROM user_domain_blocks WHERE account_id = $1 AND `+where+
		` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)), append([]any{int64(account)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("load domain blocks: %w", err)
	}
	defer rows.Close()
	var out []UserDomainBlock
	for rows.Next() {
		var b UserDomainBlock
		if err := rows.Scan(&b.ID, &b.Domain); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

// domainBlockedBy is the condition "viewer blocks the domain of the account
// in column col" ($n the viewer): a primary-key probe and an index probe.
func domainBlockedBy(col string, viewer int) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM user_domain_blocks ub WHERE ub.account_id = $%d
		AND ub.domain = (SELECT da.domain FROM accounts da WHERE da.id = %s))`, viewer, col)
}

// DomainFootprint is what this server holds of a domain (and its
// subdomains): what a suspension removes.
type DomainFootprint struct {
	Domain    string
	Accounts  int64 // known accounts
	Statuses  int64 // their posts stored here
	Followers int64 // follows of local accounts by them
	Following int64 // follows of them by local accounts
}

// DomainFootprintOf counts a domain's footprint in one read: a suspension
// of a large server is rare enough that an exact figure is worth it.
func (s *Store) DomainFootprintOf(ctx context.Context, d string) (*DomainFootprint, error) {
	out := &DomainFootprint{Domain: d}
	of := strings.ReplaceAll(domainAccounts, "domain", "a.domain")
	err := s.DB.R.QueryRowContext(ctx, `SELECT
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

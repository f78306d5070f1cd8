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

// PolicyVersion is one version of the terms of service or of the
// moderation policy.
type PolicyVersion struct {
	ID            domain.ID
	Kind          string
	Content       string
	Summary       string
	EffectiveDate string // YYYY-MM-DD
	CreatedBy     domain.ID
	CreatedAt     time.Time
}

// AddPolicyVersion stores a version, with the announcement of it when
// announce is not nil, and the caller's audit entry, in one transaction.
func (s *Store) AddPolicyVersion(ctx context.Context, v *PolicyVersion, announce *Announcement, audit func(tx *sql.Tx) error) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		v.ID, v.CreatedAt = s.IDs.Next(), s.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO policy_versions (id, kind, content, summary, effective_date, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, int64(v.ID), v.Kind, v.Content, v.Summary, v.EffectiveDate, nullID(v.CreatedBy), ms(v.CreatedAt))
		if db.IsUniqueViolation(err) {
			return domain.Invalid("a version effective on %s exists already", v.EffectiveDate)
		}
		if err != nil {
			return fmt.Errorf("add policy version: %w", err)
		}
		if announce != nil {
			if err := s.insertAnnouncement(ctx, tx, announce); err != nil {
				return err
			}
		}
		return audit(tx)
	})
}

// PolicyVersions lists the versions of a kind, newest effective date first.
func (s *Store) PolicyVersions(ctx context.Context, kind string) ([]*PolicyVersion, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, kind, content, summary, effective_date, created_by, created_at FROM policy_versions
		WHERE kind = $1 ORDER BY effective_date DESC`, kind)
	if err != nil {
		return nil, fmt.Errorf("load policy versions: %w", err)
	}
	defer rows.Close()
	var out []*PolicyVersion
	for rows.Next() {
		var v PolicyVersion
		var by sql.NullInt64
		var created int64
		if err := rows.Scan(&v.ID, &v.Kind, &v.Content, &v.Summary, &v.EffectiveDate, &by, &created); err != nil {
			return nil, err
		}
		v.CreatedBy, v.CreatedAt = domain.ID(by.Int64), fromMs(created)
		out = append(out, &v)
	}
	return out, rows.Err()
}

// Announcement is a message to every member.
type Announcement struct {
	ID          domain.ID
	Text        string
	StartsAt    *time.Time
	EndsAt      *time.Time
	PublishedAt time.Time
	UpdatedAt   time.Time
	Read        bool // for the member who asked
}

func (s *Store) insertAnnouncement(ctx context.Context, q db.Querier, a *Announcement) error {
	a.ID = s.IDs.Next()
	a.PublishedAt, a.UpdatedAt = s.Now(), s.Now()
	_, err := q.ExecContext(ctx, `INSERT INTO announcements (id, text, starts_at, ends_at, published_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
		int64(a.ID), a.Text, optMs(a.StartsAt), optMs(a.EndsAt), ms(a.PublishedAt))
	if err != nil {
		return fmt.Errorf("insert announcement: %w", err)
	}
	return nil
}

// AddAnnouncement publishes an announcement with the caller's audit entry.
func (s *Store) AddAnnouncement(ctx context.Context, a *Announcement, audit func(tx *sql.Tx) error) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insertAnnouncement(ctx, tx, a); err != nil {
			return err
		}
		return audit(tx)
	})
}

// DeleteAnnouncement withdraws an announcement.
func (s *Store) DeleteAnnouncement(ctx context.Context, id domain.ID, audit func(tx *sql.Tx) error) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM announcements WHERE id = $1`, int64(id))
		if err != nil {
			return fmt.Errorf("delete announcement: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound()
		}
		return audit(tx)
	})
}

// Announcements lists the announcements current at now (all of them with
// all), newest first, with viewer's read marks.
func (s *Store) Announcements(ctx context.Context, viewer domain.ID, all bool) ([]*Announcement, error) {
	q := `SELECT a.id, a.text, a.starts_at, a.ends_at, a.published_at, a.updated_at,
		EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = a.id AND r.account_id = $1)
		FROM announcements a`
	args := []any{int64(viewer)}
	if !all {
		q += ` WHERE (a.starts_at IS NULL OR a.starts_at <= $2) AND (a.ends_at IS NULL OR a.ends_at > $2)`
		args = append(args, s.nowMs())
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY a.id DESC LIMIT 100`, args...)
	if err != nil {
		return nil, fmt.Errorf("load announcements: %w", err)
	}
	defer rows.Close()
	var out []*Announcement
	for rows.Next() {
		var a Announcement
		var starts, ends sql.NullInt64
		var pub, upd int64
		if err := rows.Scan(&a.ID, &a.Text, &starts, &ends, &pub, &upd, &a.Read); err != nil {
			return nil, err
		}
		a.StartsAt, a.EndsAt, a.PublishedAt, a.UpdatedAt = optTime(starts), optTime(ends), fromMs(pub), fromMs(upd)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// DismissAnnouncement marks an announcement read by account.
func (s *Store) DismissAnnouncement(ctx context.Context, account, id domain.ID) error {
	var one int
	err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM announcements WHERE id = $1`, int64(id)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound()
	}
	if err != nil {
		return err
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO announcement_reads (announcement_id, account_id) VALUES ($1, $2)
		ON CONFLICT (announcement_id, account_id) DO NOTHING`, int64(id), int64(account))
	return err
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Tag is a hashtag: Name is lowercased, DisplayName as first typed.
type Tag struct {
	ID           domain.ID
	Name         string
	DisplayName  string
	LastStatusAt *time.Time
}

// FeaturedTag is a hashtag shown on an account's profile, with counts of
// the account's public and unlisted statuses using it.
type FeaturedTag struct {
	ID            domain.ID
	Tag           Tag
	StatusesCount int64
	LastStatusAt  *time.Time
}

const tagColumns = `t.id, t.name, t.display_name, t.last_status_at`

func scanTag(r scanner) (*Tag, error) {
	var t Tag
	var last sql.NullInt64
	if err := r.Scan(&t.ID, &t.Name, &t.DisplayName, &last); err != nil {
		return nil, err
	}
	t.LastStatusAt = optTime(last)
	return &t, nil
}

func scanTags(rows *sql.Rows, err error) ([]*Tag, error) {
	if err != nil {
		return nil, fmt.Errorf("load tags: %w", err)
	}
	defer rows.Close()
	out := []*Tag{}
	for rows.Next() {
		t, err := scanTag(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TagByName loads a tag by its lowercased name.
func (s *Store) TagByName(ctx context.Context, name string) (*Tag, error) {
	t, err := scanTag(s.DB.R.QueryRowContext(ctx, `SELECT `+tagColumns+` FROM tags t WHERE t.name = $1`, name))
	return t, notFound(err, "load tag")
}

// EnsureTag returns the tag called name, creating it with displayName.
func (s *Store) EnsureTag(ctx context.Context, q db.Querier, name, displayName string) (*Tag, error) {
	_, err := q.ExecContext(ctx, `INSERT INTO tags (id, name, display_name, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO NOTHING`, int64(s.IDs.Next()), name, displayName, s.nowMs())
	if err != nil {
		return nil, fmt.Errorf("create tag: %w", err)
	}
	t, err := scanTag(q.QueryRowContext(ctx, `SELECT `+tagColumns+` FROM tags t WHERE t.name = $1`, name))
	return t, notFound(err, "load tag")
}

// SearchTags finds tags whose name starts with prefix (lowercased),
// most recently used first.
func (s *Store) SearchTags(ctx context.Context, prefix string, limit, offset int) ([]*Tag, error) {
	return scanTags(s.DB.R.QueryContext(ctx, `SELECT `+tagColumns+` FROM tags t WHERE t.name LIKE $1 ESCAPE '\'
		ORDER BY (CASE WHEN t.name = $4 THEN 0 ELSE 1 END), t.last_status_at DESC NULLS LAST, t.name LIMIT $2 OFFSET $3`,
		escapeLike(prefix)+"%", limit, offset, prefix))
}

// FollowingTags reports which of tagIDs account follows.
func (s *Store) FollowingTags(ctx context.Context, account domain.ID, tagIDs []domain.ID) (map[domain.ID]bool, error) {
	out := map[domain.ID]bool{}
	if account == 0 || len(tagIDs) == 0 {
		return out, nil
	}
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT tag_id FROM followed_tags WHERE account_id = $1 AND tag_id IN (`+
		placeholders(2, len(tagIDs))+`)`, append([]any{int64(account)}, idArgs(tagIDs)...)...))
	if err != nil {
		return nil, fmt.Errorf("load followed tags: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// FollowTag makes account follow the tag called name, creating the tag.
func (s *Store) FollowTag(ctx context.Context, account domain.ID, name, displayName string) (*Tag, error) {
	var t *Tag
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = s.EnsureTag(ctx, tx, name, displayName); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO followed_tags (id, account_id, tag_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_id, tag_id) DO NOTHING`, int64(s.IDs.Next()), int64(account), int64(t.ID), s.nowMs())
		if err != nil {
			return fmt.Errorf("follow tag: %w", err)
		}
		return nil
	})
	return t, err
}

// UnfollowTag stops account following the tag (nothing when it did not).
func (s *Store) UnfollowTag(ctx context.Context, account, tagID domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM followed_tags WHERE account_id = $1 AND tag_id = $2`, int64(account), int64(tagID))
	if err != nil {
		return fmt.Errorf("unfollow tag: %w", err)
	}
	return nil
}

// FollowedTags returns a page of the tags account follows, newest follow
// first, with the followed_tags ids that pagination uses.
func (s *Store) FollowedTags(ctx context.Context, account domain.ID, p domain.Page) ([]*Tag, []domain.ID, error) {
	where, order, args := PageClause("ft.id", p, 2)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT ft.id, `+tagColumns+` FROM followed_tags ft JOIN tags t ON t.id = ft.tag_id
		WHERE ft.account_id = $1 AND `+where+` ORDER BY `+order+fmt.Sprintf(" LIMIT %d", p.Limit),
		append([]any{int64(account)}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("load followed tags: %w", err)
	}
	defer rows.Close()
	var tags []*Tag
	var pageIDs []domain.ID
	for rows.Next() {
		var t Tag
		var id int64
		var last sql.NullInt64
		if err := rows.Scan(&id, &t.ID, &t.Name, &t.DisplayName, &last); err != nil {
			return nil, nil, err
		}
		t.LastStatusAt = optTime(last)
		tags = append(tags, &t)
		pageIDs = append(pageIDs, domain.ID(id))
	}
	if p.MinID != 0 {
		Reverse(tags)
		Reverse(pageIDs)
	}
	return tags, pageIDs, rows.Err()
}

// TagFollowers returns the accounts following any of tagIDs (for fanning a
// tagged status out to home timelines).
func (s *Store) TagFollowers(ctx context.Context, q db.Querier, tagIDs []domain.ID) ([]domain.ID, error) {
	if len(tagIDs) == 0 {
		return nil, nil
	}
	return scanIDs(q.QueryContext(ctx, `SELECT DISTINCT account_id FROM followed_tags WHERE tag_id IN (`+
		placeholders(1, len(tagIDs))+`)`, idArgs(tagIDs)...))
}

// FeaturedTags returns account's featured tags, oldest first, with the
// counts of its public and unlisted statuses using each.
func (s *Store) FeaturedTags(ctx context.Context, account domain.ID) ([]*FeaturedTag, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT f.id, `+tagColumns+`,
		(SELECT count(*) FROM status_tags x JOIN statuses st ON st.id = x.status_id
		 WHERE x.tag_id = t.id AND st.account_id = f.account_id AND st.visibility IN ('public', 'unlisted')),
		(SELECT max(st.created_at) FROM status_tags x JOIN statuses st ON st.id = x.status_id
		 WHERE x.tag_id = t.id AND st.account_id = f.account_id AND st.visibility IN ('public', 'unlisted'))
		FROM featured_tags f JOIN tags t ON t.id = f.tag_id WHERE f.account_id = $1 ORDER BY f.id`, int64(account))
	if err != nil {
		return nil, fmt.Errorf("load featured tags: %w", err)
	}
	defer rows.Close()
	out := []*FeaturedTag{}
	for rows.Next() {
		var f FeaturedTag
		var last, used sql.NullInt64
		if err := rows.Scan(&f.ID, &f.Tag.ID, &f.Tag.Name, &f.Tag.DisplayName, &last, &f.StatusesCount, &used); err != nil {
			return nil, err
		}
		f.Tag.LastStatusAt = optTime(last)
		f.LastStatusAt = optTime(used)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// FeatureTag features the tag called name on account's profile, creating
// the tag; at most maxFeatured tags, each once.
func (s *Store) FeatureTag(ctx context.Context, account domain.ID, name, displayName string, maxFeatured int) (domain.ID, error) {
	id := s.IDs.Next()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM featured_tags WHERE account_id = $1`, int64(account)).Scan(&n); err != nil {
			return fmt.Errorf("count featured tags: %w", err)
		}
		if n >= maxFeatured {
			return domain.Invalid("Validation failed: You cannot feature more than %d hashtags", maxFeatured)
		}
		t, err := s.EnsureTag(ctx, tx, name, displayName)
		if err != nil {
			return err
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM featured_tags WHERE account_id = $1 AND tag_id = $2`, int64(account), int64(t.ID)).Scan(&one)
		if err == nil {
			return domain.Invalid("Validation failed: Tag has already been taken")
		}
		if err != sql.ErrNoRows {
			return fmt.Errorf("check featured tag: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO featured_tags (id, account_id, tag_id, created_at) VALUES ($1, $2, $3, $4)`,
			int64(id), int64(account), int64(t.ID), s.nowMs())
		if err != nil {
			return fmt.Errorf("feature tag: %w", err)
		}
		return s.federateFeaturedTag(ctx, tx, account, t, true)
	})
	return id, err
}

// UnfeatureTag removes one of account's featured tags.
func (s *Store) UnfeatureTag(ctx context.Context, account, id domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		t, err := scanTag(tx.QueryRowContext(ctx, `SELECT `+tagColumns+` FROM featured_tags f JOIN tags t ON t.id = f.tag_id
			WHERE f.id = $1 AND f.account_id = $2`, int64(id), int64(account)))
		if err != nil {
			return notFound(err, "load featured tag")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM featured_tags WHERE id = $1 AND account_id = $2`, int64(id), int64(account))
		if err := affectedOne(res, err, "unfeature tag"); err != nil {
			return err
		}
		return s.federateFeaturedTag(ctx, tx, account, t, false)
	})
}

// federateFeaturedTag tells the account's followers' servers that it
// featured (an Add of the Hashtag to its featuredTags collection) or
// unfeatured the tag (a Remove), as Mastodon does.
func (s *Store) federateFeaturedTag(ctx context.Context, tx *sql.Tx, account domain.ID, t *Tag, add bool) error {
	typ := "Remove"
	if add {
		typ = "Add"
	}
	name := t.DisplayName
	if name == "" {
		name = t.Name
	}
	return s.federate(ctx, tx, Outgoing{Type: typ, Object: "Hashtag", ActorID: account, ObjectURI: name, Followers: true})
}

// TagSuggestions returns the tags account used most recently that it does
// not feature yet.
func (s *Store) TagSuggestions(ctx context.Context, account domain.ID, limit int) ([]*Tag, error) {
	return scanTags(s.DB.R.QueryContext(ctx, `SELECT `+tagColumns+` FROM tags t JOIN (
			SELECT x.tag_id, max(x.status_id) AS last_id FROM status_tags x
			JOIN statuses st ON st.id = x.status_id WHERE st.account_id = $1 GROUP BY x.tag_id
		) u ON u.tag_id = t.id
		WHERE NOT EXISTS (SELECT 1 FROM featured_tags f WHERE f.account_id = $1 AND f.tag_id = t.id)
		ORDER BY u.last_id DESC LIMIT $2`, int64(account), limit))
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// MaxRemoteFeaturedTags bounds the featured hashtags kept of a remote
// account (Mastodon lets its members feature 10).
const MaxRemoteFeaturedTags = 10

// SetFeaturedTagsURL records a remote account's featuredTags collection.
func (s *Store) SetFeaturedTagsURL(ctx context.Context, account domain.ID, url string) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE accounts SET featured_tags_url = $2 WHERE id = $1 AND featured_tags_url <> $2`, int64(account), url)
	if err != nil {
		return fmt.Errorf("save featured tags url: %w", err)
	}
	return nil
}

// FeaturedTagsURL is a remote account's featuredTags collection (” when
// it has none).
func (s *Store) FeaturedTagsURL(ctx context.Context, account domain.ID) (string, error) {
	var url string
	err := s.DB.R.QueryRowContext(ctx, `SELECT featured_tags_url FROM accounts WHERE id = $1`, int64(account)).Scan(&url)
	return url, notFound(err, "load featured tags url")
}

// TagName is a hashtag's stored (lowercased) name and its name as written.
type TagName struct{ Name, Display string }

// SetRemoteFeaturedTags replaces a remote account's featured hashtags by
// tags (the first MaxRemoteFeaturedTags, in their order).
func (s *Store) SetRemoteFeaturedTags(ctx context.Context, account domain.ID, tags []TagName) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM featured_tags WHERE account_id = $1`, int64(account)); err != nil {
			return fmt.Errorf("clear remote featured tags: %w", err)
		}
		for _, t := range tags {
			if err := s.addRemoteFeaturedTag(ctx, tx, account, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddRemoteFeaturedTag features the hashtag name on a remote account's
// profile (its Add); nothing when featured already or at the bound.
func (s *Store) AddRemoteFeaturedTag(ctx context.Context, account domain.ID, tag TagName) error {
	return s.Tx(ctx, func(tx *sql.Tx) error { return s.addRemoteFeaturedTag(ctx, tx, account, tag) })
}

func (s *Store) addRemoteFeaturedTag(ctx context.Context, tx *sql.Tx, account domain.ID, tag TagName) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM featured_tags WHERE account_id = $1`, int64(account)).Scan(&n); err != nil {
		return fmt.Errorf("count featured tags: %w", err)
	}
	if n >= MaxRemoteFeaturedTags {
		return nil
	}
	t, err := s.EnsureTag(ctx, tx, tag.Name, tag.Display)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO featured_tags (id, account_id, tag_id, created_at)
		SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM featured_tags WHERE account_id = $2 AND tag_id = $3)`,
		int64(s.IDs.Next()), int64(account), int64(t.ID), s.nowMs())
	if err != nil {
		return fmt.Errorf("feature remote tag: %w", err)
	}
	return nil
}

// RemoveRemoteFeaturedTag unfeatures the hashtag called name (stored,
// lowercased) of a remote account (its Remove); nothing when it was not
// featured.
func (s *Store) RemoveRemoteFeaturedTag(ctx context.Context, account domain.ID, name string) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM featured_tags WHERE account_id = $1
		AND tag_id IN (SELECT id FROM tags WHERE name = $2)`, int64(account), name)
	if err != nil {
		return fmt.Errorf("unfeature remote tag: %w", err)
	}
	return nil
}

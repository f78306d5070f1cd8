package store

import (
	"context"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// MaxRemoteFetchFailures is how often fetching a remote image may fail
// before it is left as a link to its origin.
const MaxRemoteFetchFailures = 3

// RemoteMediaToCache lists up to limit remote images of statuses received
// since since that have no local copy yet, newest first.
func (s *Store) RemoteMediaToCache(ctx context.Context, since time.Time, limit int) ([]*Media, error) {
	return s.mediaList(ctx, `SELECT `+mediaColumns+` FROM media_attachments m
		WHERE m.remote_url <> '' AND m.file_key = '' AND m.type = 'image' AND m.status_id IS NOT NULL AND m.fetch_failures < $1
		  AND m.created_at > $3
		ORDER BY m.id DESC LIMIT $2`, MaxRemoteFetchFailures, limit, ms(since))
}

// CachedRemoteMedia lists up to limit remote media copied before before.
func (s *Store) CachedRemoteMedia(ctx context.Context, before time.Time, limit int) ([]*Media, error) {
	return s.mediaList(ctx, `SELECT `+mediaColumns+` FROM media_attachments m
		WHERE m.cached_at IS NOT NULL AND m.cached_at < $1 ORDER BY m.cached_at LIMIT $2`, ms(before), limit)
}

func (s *Store) mediaList(ctx context.Context, q string, args ...any) ([]*Media, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load media: %w", err)
	}
	defer rows.Close()
	var out []*Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetRemoteCache records the local copy of a remote attachment.
func (s *Store) SetRemoteCache(ctx context.Context, m *Media) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE media_attachments SET file_key = $2, preview_key = $3, content_type = $4, file_size = $5,
		blurhash = CASE WHEN blurhash = '' THEN $6 ELSE blurhash END, meta = $7, cached_at = $8 WHERE id = $1 AND file_key = ''`,
		int64(m.ID), m.FileKey, m.PreviewKey, m.ContentType, m.FileSize, m.Blurhash, m.Meta, s.nowMs())
	if err != nil {
		return fmt.Errorf("cache remote media: %w", err)
	}
	return nil
}

// RemoteFetchFailed counts a failed fetch of a remote attachment.
func (s *Store) RemoteFetchFailed(ctx context.Context, id domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE media_attachments SET fetch_failures = fetch_failures + 1 WHERE id = $1`, int64(id))
	return err
}

// DropRemoteCache forgets the local copy of a remote attachment past its
// retention (the caller deletes the files): clients are sent to the
// origin again, and it is not fetched again.
func (s *Store) DropRemoteCache(ctx context.Context, id domain.ID) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE media_attachments SET file_key = '', preview_key = '', cached_at = NULL, fetch_failures = $2
		WHERE id = $1 AND remote_url <> ''`, int64(id), MaxRemoteFetchFailures)
	return err
}

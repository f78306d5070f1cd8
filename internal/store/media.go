package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// MaxStatusMedia is how many attachments a status may hold.
const MaxStatusMedia = 4

// Media is one media attachment: an upload (unattached until a status
// takes it) or a remote status's attachment.
type Media struct {
	ID          domain.ID
	AccountID   domain.ID
	StatusID    domain.ID // 0 while unattached
	Position    int       // order within the status
	Type        string    // image | video | audio
	ContentType string    // of the stored original
	FileKey     string    // storage key of the original
	PreviewKey  string    // storage key of the preview; "" for none
	FileSize    int64
	RemoteURL   string
	Description string
	Blurhash    string
	Meta        string // JSON: Mastodon's meta without focus
	FocusX      float64
	FocusY      float64
	// Processing is MediaDone, MediaProcessing (a job is converting the
	// upload, kept at SourceKey) or MediaFailed (ProcessingError says why).
	Processing      string
	ProcessingError string
	SourceKey       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// The processing states of an attachment.
const (
	MediaDone       = "done"
	MediaProcessing = "processing"
	MediaFailed     = "failed"
)

// ErrMediaNotReady is what attaching an unfinished upload fails with
// (Mastodon's wording).
var ErrMediaNotReady = domain.Invalid("Cannot attach files that have not finished processing. Try again in a moment!")

const mediaColumns = `m.id, m.account_id, m.status_id, m.position, m.type, m.content_type, m.file_key, m.preview_key,
	m.file_size, m.remote_url, m.description, m.blurhash, m.meta, m.focus_x, m.focus_y,
	m.processing, m.processing_error, m.source_key, m.created_at, m.updated_at`

func scanMedia(r scanner) (*Media, error) {
	var (
		m                Media
		status           sql.NullInt64
		created, updated int64
	)
	err := r.Scan(&m.ID, &m.AccountID, &status, &m.Position, &m.Type, &m.ContentType, &m.FileKey, &m.PreviewKey,
		&m.FileSize, &m.RemoteURL, &m.Description, &m.Blurhash, &m.Meta, &m.FocusX, &m.FocusY,
		&m.Processing, &m.ProcessingError, &m.SourceKey, &created, &updated)
	if err != nil {
		return nil, err
	}
	m.StatusID = domain.ID(status.Int64)
	m.CreatedAt, m.UpdatedAt = fromMs(created), fromMs(updated)
	return &m, nil
}

// CreateMedia stores a new, unattached attachment (its files are already
// stored); m.ID must be set.
func (s *Store) CreateMedia(ctx context.Context, m *Media) error {
	return s.CreateMediaThen(ctx, m, nil)
}

// CreateMediaThen stores a new attachment and runs then (enqueueing its
// processing job) in the same transaction; then may be nil.
func (s *Store) CreateMediaThen(ctx context.Context, m *Media, then func(tx *sql.Tx) error) error {
	now := s.Now()
	m.CreatedAt, m.UpdatedAt = now, now
	if m.Processing == "" {
		m.Processing = MediaDone
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO media_attachments (id, account_id, status_id, position, type, content_type,
			file_key, preview_key, file_size, remote_url, description, blurhash, meta, focus_x, focus_y,
			processing, processing_error, source_key, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)`,
			int64(m.ID), int64(m.AccountID), nullID(m.StatusID), m.Position, m.Type, m.ContentType, m.FileKey, m.PreviewKey,
			m.FileSize, m.RemoteURL, m.Description, m.Blurhash, m.Meta, m.FocusX, m.FocusY,
			m.Processing, m.ProcessingError, m.SourceKey, ms(now))
		if err != nil {
			return fmt.Errorf("insert media: %w", err)
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
}

// FinishMedia saves the result of processing: the files, type, size,
// blurhash and meta, with SourceKey cleared. It only finishes an upload
// still processing: one deleted meanwhile is not found.
func (s *Store) FinishMedia(ctx context.Context, m *Media) error {
	m.UpdatedAt, m.Processing, m.SourceKey = s.Now(), MediaDone, ""
	res, err := s.DB.W.ExecContext(ctx, `UPDATE media_attachments SET type = $2, content_type = $3, file_key = $4,
		preview_key = $5, file_size = $6, blurhash = $7, meta = $8, processing = $9, processing_error = '', source_key = '',
		updated_at = $10 WHERE id = $1 AND processing = $11`,
		int64(m.ID), m.Type, m.ContentType, m.FileKey, m.PreviewKey, m.FileSize, m.Blurhash, m.Meta, MediaDone,
		ms(m.UpdatedAt), MediaProcessing)
	if err != nil {
		return fmt.Errorf("finish media: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return domain.NotFound()
	}
	return nil
}

// FailMedia marks an upload still processing as failed, saying why, and
// clears its source (the caller deletes the file).
func (s *Store) FailMedia(ctx context.Context, id domain.ID, reason string) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE media_attachments SET processing = $2, processing_error = $3, source_key = '',
		updated_at = $4 WHERE id = $1 AND processing = $5`, int64(id), MediaFailed, reason, s.nowMs(), MediaProcessing)
	if err != nil {
		return fmt.Errorf("fail media: %w", err)
	}
	return nil
}

// Media loads one attachment.
func (s *Store) Media(ctx context.Context, id domain.ID) (*Media, error) {
	m, err := scanMedia(s.DB.R.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media_attachments m WHERE m.id = $1`, int64(id)))
	return m, notFound(err, "load media")
}

// UpdateMedia saves an attachment's description and focus.
func (s *Store) UpdateMedia(ctx context.Context, m *Media) error {
	m.UpdatedAt = s.Now()
	_, err := s.DB.W.ExecContext(ctx, `UPDATE media_attachments SET description = $2, focus_x = $3, focus_y = $4, updated_at = $5
		WHERE id = $1`, int64(m.ID), m.Description, m.FocusX, m.FocusY, ms(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update media: %w", err)
	}
	return nil
}

// DeleteMedia removes an attachment's row (its files are the caller's).
func (s *Store) DeleteMedia(ctx context.Context, id domain.ID) error {
	if _, err := s.DB.W.ExecContext(ctx, `DELETE FROM media_attachments WHERE id = $1`, int64(id)); err != nil {
		return fmt.Errorf("delete media: %w", err)
	}
	return nil
}

// MediaOf loads the attachments of statuses in one query, in order.
func (s *Store) MediaOf(ctx context.Context, statusIDs []domain.ID) (map[domain.ID][]*Media, error) {
	out := map[domain.ID][]*Media{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, mediaOfQuery(len(statusIDs)), idArgs(statusIDs)...)
	if err != nil {
		return nil, fmt.Errorf("load status media: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, err
		}
		out[m.StatusID] = append(out[m.StatusID], m)
	}
	return out, rows.Err()
}

// mediaOfQuery reads the attachments of n statuses through the partial
// index media_attachments_status.
func mediaOfQuery(n int) string {
	return `SELECT ` + mediaColumns + ` FROM media_attachments m
		WHERE m.status_id IN (` + placeholders(1, n) + `) ORDER BY m.status_id, m.position, m.id`
}

// MediaAttachable reports whether account may attach ids to status
// (0 for a new status): each is the account's, not attached to another
// existing status, and listed once. It is the check posting runs before
// its transaction; attachMedia runs it again inside.
func (s *Store) MediaAttachable(ctx context.Context, accountID, statusID domain.ID, ids []domain.ID) error {
	return checkAttachable(ctx, s.DB.R, accountID, statusID, ids)
}

func checkAttachable(ctx context.Context, q db.Querier, accountID, statusID domain.ID, ids []domain.ID) error {
	if len(ids) > MaxStatusMedia {
		return domain.Invalid("Validation failed: at most %d media attachments per post", MaxStatusMedia)
	}
	if len(ids) == 0 {
		return nil
	}
	seen := map[domain.ID]bool{}
	for _, id := range ids {
		if seen[id] {
			return domain.Invalid("Validation failed: media_ids lists %d twice", id)
		}
		seen[id] = true
	}
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.account_id, COALESCE(m.status_id, 0),
		CASE WHEN m.status_id IS NULL THEN FALSE ELSE EXISTS (SELECT 1 FROM statuses s WHERE s.id = m.status_id) END,
		m.processing
		FROM media_attachments m WHERE m.id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return fmt.Errorf("check media: %w", err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var id, owner, status int64
		var live bool
		var processing string
		if err := rows.Scan(&id, &owner, &status, &live, &processing); err != nil {
			return err
		}
		if domain.ID(owner) != accountID {
			return domain.Invalid("Validation failed: media %d not found", id)
		}
		switch processing {
		case MediaProcessing:
			return ErrMediaNotReady
		case MediaFailed:
			return domain.Invalid("Validation failed: media %d could not be processed", id)
		}
		if live && domain.ID(status) != statusID {
			return domain.Invalid("Validation failed: media %d is already attached to another post", id)
		}
		found++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if found != len(ids) {
		return domain.Invalid("Validation failed: media not found")
	}
	return nil
}

// attachMedia makes ids, in order, the attachments of statusID inside the
// status's own transaction, detaching those the status no longer lists
// (an edit). The status must be account's (forbidden otherwise); it fails
// as invalid when an id is not account's or belongs to another status.
func (s *Store) attachMedia(ctx context.Context, q db.Querier, statusID, accountID domain.ID, ids []domain.ID) error {
	var author int64
	if err := q.QueryRowContext(ctx, `SELECT account_id FROM statuses WHERE id = $1`, int64(statusID)).Scan(&author); err != nil {
		return notFound(err, "load status author")
	}
	if domain.ID(author) != accountID {
		return domain.Forbidden("This action is not allowed")
	}
	if err := checkAttachable(ctx, q, accountID, statusID, ids); err != nil {
		return err
	}
	now := s.nowMs()
	args := append([]any{int64(statusID), now}, idArgs(ids)...)
	keep := ``
	if len(ids) > 0 {
		keep = ` AND id NOT IN (` + placeholders(3, len(ids)) + `)`
	}
	if _, err := q.ExecContext(ctx, `UPDATE media_attachments SET status_id = NULL, position = 0, updated_at = $2
		WHERE status_id = $1`+keep, args...); err != nil {
		return fmt.Errorf("detach media: %w", err)
	}
	for i, id := range ids {
		if _, err := q.ExecContext(ctx, `UPDATE media_attachments SET status_id = $1, position = $2, updated_at = $3 WHERE id = $4`,
			int64(statusID), i, now, int64(id)); err != nil {
			return fmt.Errorf("attach media: %w", err)
		}
	}
	return nil
}

// AttachMedia runs attachMedia in a transaction of its own. Posting and
// editing call attachMedia inside the status's transaction
// (NewStatus.MediaIDs); this is for callers outside one.
func (s *Store) AttachMedia(ctx context.Context, statusID, accountID domain.ID, ids []domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error { return s.attachMedia(ctx, tx, statusID, accountID, ids) })
}

// UnattachedMedia lists up to limit local uploads left unattached since
// before, oldest first.
func (s *Store) UnattachedMedia(ctx context.Context, before time.Time, limit int) ([]*Media, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media_attachments m
		WHERE m.status_id IS NULL AND m.updated_at < $1 AND m.remote_url = '' ORDER BY m.updated_at LIMIT $2`, ms(before), limit)
	if err != nil {
		return nil, fmt.Errorf("find unattached media: %w", err)
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

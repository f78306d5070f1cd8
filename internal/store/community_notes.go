package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// CommunityNote is a note adding context to a post.
type CommunityNote struct {
	ID              domain.ID
	StatusID        domain.ID
	AccountID       domain.ID // the author, never shown to others
	Classification  string
	Text            string
	Language        string
	Status          string
	Intercept       *float64
	Factor          *float64
	NumRatings      int64
	FirstStatusAt   *time.Time
	StatusChangedAt *time.Time
	LockedAt        *time.Time
	CreatedAt       time.Time
}

const communityNoteColumns = `id, status_id, account_id, classification, text, language, status, intercept, factor,
	num_ratings, first_status_at, status_changed_at, locked_at, created_at`

func scanCommunityNote(r scanner) (*CommunityNote, error) {
	var n CommunityNote
	var intercept, factor sql.NullFloat64
	var first, changed, locked sql.NullInt64
	var created int64
	if err := r.Scan(&n.ID, &n.StatusID, &n.AccountID, &n.Classification, &n.Text, &n.Language, &n.Status, &intercept, &factor,
		&n.NumRatings, &first, &changed, &locked, &created); err != nil {
		return nil, err
	}
	if intercept.Valid {
		n.Intercept = &intercept.Float64
	}
	if factor.Valid {
		n.Factor = &factor.Float64
	}
	n.FirstStatusAt, n.StatusChangedAt, n.LockedAt = optTime(first), optTime(changed), optTime(locked)
	n.CreatedAt = fromMs(created)
	return &n, nil
}

func (s *Store) communityNotes(ctx context.Context, q string, args ...any) ([]*CommunityNote, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load community notes: %w", err)
	}
	defer rows.Close()
	var out []*CommunityNote
	for rows.Next() {
		n, err := scanCommunityNote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// CreateCommunityNote stores a new note; one note per author per post.
func (s *Store) CreateCommunityNote(ctx context.Context, n *CommunityNote) error {
	n.ID, n.CreatedAt, n.Status = s.IDs.Next(), s.Now(), "NEEDS_MORE_RATINGS"
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO community_notes (id, status_id, account_id, classification, text, language, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, int64(n.ID), int64(n.StatusID), int64(n.AccountID), n.Classification, n.Text, n.Language, ms(n.CreatedAt))
	if db.IsUniqueViolation(err) {
		return domain.Invalid("You already wrote a note on this post")
	}
	if err != nil {
		return fmt.Errorf("create community note: %w", err)
	}
	return nil
}

// CommunityNote loads one note.
func (s *Store) CommunityNote(ctx context.Context, id domain.ID) (*CommunityNote, error) {
	n, err := scanCommunityNote(s.DB.R.QueryRowContext(ctx, `SELECT `+communityNoteColumns+` FROM community_notes WHERE id = $1`, int64(id)))
	if err != nil {
		return nil, notFound(err, "load community note")
	}
	return n, nil
}

// CommunityNotesOf lists a post's notes, helpful ones first, then newest.
func (s *Store) CommunityNotesOf(ctx context.Context, statusID domain.ID) ([]*CommunityNote, error) {
	return s.communityNotes(ctx, `SELECT `+communityNoteColumns+` FROM community_notes WHERE status_id = $1
		ORDER BY CASE status WHEN 'CURRENTLY_RATED_HELPFUL' THEN 0 ELSE 1 END, id DESC`, int64(statusID))
}

// HelpfulCommunityNotes returns the helpful note of each of statusIDs
// that has one (the highest-scored), for rendering posts.
func (s *Store) HelpfulCommunityNotes(ctx context.Context, statusIDs []domain.ID) (map[domain.ID]*CommunityNote, error) {
	out := map[domain.ID]*CommunityNote{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(statusIDs))
	for i, id := range statusIDs {
		args[i] = int64(id)
	}
	notes, err := s.communityNotes(ctx, `SELECT `+communityNoteColumns+` FROM community_notes
		WHERE status = 'CURRENTLY_RATED_HELPFUL' AND status_id IN (`+placeholders(1, len(args))+`) ORDER BY intercept`, args...)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		out[n.StatusID] = n // ascending intercept: the best one is written last
	}
	return out, nil
}

// CommunityNotesToRate pages notes that still need ratings, newest first,
// leaving out the rater's own notes and those it rated.
func (s *Store) CommunityNotesToRate(ctx context.Context, rater domain.ID, p domain.Page) ([]*CommunityNote, error) {
	where, order, args := PageClause("n.id", p, 2)
	return s.communityNotes(ctx, `SELECT `+communityNoteColumns+` FROM community_notes n
		WHERE n.status = 'NEEDS_MORE_RATINGS' AND n.account_id <> $1
		  AND NOT EXISTS (SELECT 1 FROM community_note_ratings r WHERE r.note_id = n.id AND r.account_id = $1)
		  AND `+where+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, max(p.Limit, 1)), append([]any{int64(rater)}, args...)...)
}

// DeleteCommunityNote deletes an author's note.
func (s *Store) DeleteCommunityNote(ctx context.Context, id, author domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM community_notes WHERE id = $1 AND account_id = $2`, int64(id), int64(author))
	if err != nil {
		return fmt.Errorf("delete community note: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound()
	}
	return nil
}

// NoteRating is one member's rating of a note.
type NoteRating struct {
	NoteID      domain.ID
	AccountID   domain.ID
	Helpfulness string
	Tags        []string
	CreatedAt   time.Time
}

// RateCommunityNote records or replaces a member's rating and recounts
// the note's ratings.
func (s *Store) RateCommunityNote(ctx context.Context, r *NoteRating) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		now := s.nowMs()
		_, err := tx.ExecContext(ctx, `INSERT INTO community_note_ratings (note_id, account_id, helpfulness, tags, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (note_id, account_id) DO UPDATE SET helpfulness = excluded.helpfulness,
			tags = excluded.tags, updated_at = excluded.updated_at`, int64(r.NoteID), int64(r.AccountID), r.Helpfulness, strings.Join(r.Tags, ","), now)
		if err != nil {
			return fmt.Errorf("rate community note: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE community_notes SET num_ratings = (SELECT COUNT(*) FROM community_note_ratings WHERE note_id = $1)
			WHERE id = $1`, int64(r.NoteID))
		return err
	})
}

// NoteRatingsOf returns viewer's ratings of notes, by note.
func (s *Store) NoteRatingsOf(ctx context.Context, viewer domain.ID, noteIDs []domain.ID) (map[domain.ID]*NoteRating, error) {
	out := map[domain.ID]*NoteRating{}
	if viewer == 0 || len(noteIDs) == 0 {
		return out, nil
	}
	args := []any{int64(viewer)}
	for _, id := range noteIDs {
		args = append(args, int64(id))
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT note_id, account_id, helpfulness, tags, created_at FROM community_note_ratings
		WHERE account_id = $1 AND note_id IN (`+placeholders(2, len(noteIDs))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load note ratings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanNoteRating(rows)
		if err != nil {
			return nil, err
		}
		out[r.NoteID] = r
	}
	return out, rows.Err()
}

func scanNoteRating(r scanner) (*NoteRating, error) {
	var nr NoteRating
	var tags string
	var created int64
	if err := r.Scan(&nr.NoteID, &nr.AccountID, &nr.Helpfulness, &tags, &created); err != nil {
		return nil, err
	}
	if tags != "" {
		nr.Tags = strings.Split(tags, ",")
	}
	nr.CreatedAt = fromMs(created)
	return &nr, nil
}

// NoteRatingsFor returns every rating of the notes, for the reasons shown
// with them.
func (s *Store) NoteRatingsFor(ctx context.Context, noteIDs []domain.ID) ([]*NoteRating, error) {
	if len(noteIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(noteIDs))
	for i, id := range noteIDs {
		args[i] = int64(id)
	}
	return s.noteRatings(ctx, `SELECT note_id, account_id, helpfulness, tags, created_at FROM community_note_ratings
		WHERE note_id IN (`+placeholders(1, len(args))+`)`, args...)
}

// AllNoteRatings returns every rating of notes that are not locked, for
// the scoring job, oldest first.
func (s *Store) AllNoteRatings(ctx context.Context) ([]*NoteRating, error) {
	return s.noteRatings(ctx, `SELECT r.note_id, r.account_id, r.helpfulness, r.tags, r.created_at FROM community_note_ratings r
		ORDER BY r.created_at`)
}

func (s *Store) noteRatings(ctx context.Context, q string, args ...any) ([]*NoteRating, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load note ratings: %w", err)
	}
	defer rows.Close()
	var out []*NoteRating
	for rows.Next() {
		r, err := scanNoteRating(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UnlockedCommunityNotes lists the notes whose status may still change.
func (s *Store) UnlockedCommunityNotes(ctx context.Context) ([]*CommunityNote, error) {
	return s.communityNotes(ctx, `SELECT `+communityNoteColumns+` FROM community_notes WHERE locked_at IS NULL`)
}

// NoteScore is the scoring job's verdict on one note.
type NoteScore struct {
	NoteID    domain.ID
	Status    string
	Intercept *float64
	Factor    *float64
	Lock      bool // the note is old enough: freeze its status
}

// SaveNoteScores records a scoring run in one transaction: scores, new
// statuses with their times, locks.
func (s *Store) SaveNoteScores(ctx context.Context, scores []NoteScore) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		now := s.nowMs()
		for _, sc := range scores {
			var locked any
			if sc.Lock {
				locked = now
			}
			_, err := tx.ExecContext(ctx, `UPDATE community_notes SET intercept = $2, factor = $3, scored_at = $4,
				status_changed_at = CASE WHEN status <> $5 THEN $4 ELSE status_changed_at END,
				first_status_at = CASE WHEN first_status_at IS NULL AND $5 <> 'NEEDS_MORE_RATINGS' THEN $4 ELSE first_status_at END,
				status = $5, locked_at = $6
				WHERE id = $1 AND locked_at IS NULL`, int64(sc.NoteID), sc.Intercept, sc.Factor, now, sc.Status, locked)
			if err != nil {
				return fmt.Errorf("save note score: %w", err)
			}
		}
		return nil
	})
}

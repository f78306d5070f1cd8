package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// Marker is a user's reading position in a timeline.
type Marker struct {
	Timeline   string
	LastReadID domain.ID
	Version    int64
	UpdatedAt  time.Time
}

// Markers returns owner's markers for the given timelines (absent ones are
// left out).
func (s *Store) Markers(ctx context.Context, owner domain.ID, timelines []string) (map[string]Marker, error) {
	out := map[string]Marker{}
	if len(timelines) == 0 {
		return out, nil
	}
	args := []any{int64(owner)}
	for _, t := range timelines {
		args = append(args, t)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT timeline, last_read_id, version, updated_at FROM markers
		WHERE account_id = $1 AND timeline IN (`+placeholders(2, len(timelines))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load markers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Marker
		var updated int64
		if err := rows.Scan(&m.Timeline, &m.LastReadID, &m.Version, &updated); err != nil {
			return nil, err
		}
		m.UpdatedAt = fromMs(updated)
		out[m.Timeline] = m
	}
	return out, rows.Err()
}

// SetMarkers saves owner's positions (timeline -> last read id) in one
// transaction; each saved marker's version goes up by one.
func (s *Store) SetMarkers(ctx context.Context, owner domain.ID, positions map[string]domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		for timeline, id := range positions {
			_, err := tx.ExecContext(ctx, `INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)
				VALUES ($1, $2, $3, 0, $4)
				ON CONFLICT (account_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id,
					version = markers.version + 1, updated_at = excluded.updated_at`,
				int64(owner), timeline, int64(id), s.nowMs())
			if err != nil {
				return fmt.Errorf("save marker: %w", err)
			}
		}
		return nil
	})
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// TagDay is one day of a hashtag's use, Mastodon's Tag history entry.
type TagDay struct {
	Day      time.Time // midnight UTC
	Uses     int64     // statuses using the tag that day
	Accounts int64     // distinct authors of those statuses
}

// TagHistory returns, for each of tagIDs, its use over the last days days
// (today first, days without use included as zeros), from status_tags.
// Status ids are time-ordered, so the primary key (tag_id, status_id)
// bounds the scan to the period.
func (s *Store) TagHistory(ctx context.Context, tagIDs []domain.ID, days int) (map[domain.ID][]TagDay, error) {
	out := make(map[domain.ID][]TagDay, len(tagIDs))
	if len(tagIDs) == 0 || days <= 0 {
		return out, nil
	}
	today := s.Now().UTC().Truncate(24 * time.Hour)
	since := today.AddDate(0, 0, -(days - 1))
	for _, id := range tagIDs {
		h := make([]TagDay, days)
		for i := range h {
			h[i].Day = today.AddDate(0, 0, -i)
		}
		out[id] = h
	}
	args := append([]any{int64(domain.IDAt(since))}, idArgs(tagIDs)...)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT st.tag_id, s.created_at / 86400000, count(*), count(DISTINCT s.account_id)
		FROM status_tags st JOIN statuses s ON s.id = st.status_id
		WHERE st.status_id >= $1 AND st.tag_id IN (`+placeholders(2, len(tagIDs))+`)
		  AND s.visibility = 'public'
		GROUP BY st.tag_id, s.created_at / 86400000`, args...)
	if err != nil {
		return nil, fmt.Errorf("tag history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tag, day, uses, accounts int64
		if err := rows.Scan(&tag, &day, &uses, &accounts); err != nil {
			return nil, err
		}
		i := int(today.Sub(time.UnixMilli(day*86400000).UTC()) / (24 * time.Hour))
		if h := out[domain.ID(tag)]; i >= 0 && i < len(h) {
			h[i].Uses, h[i].Accounts = uses, accounts
		}
	}
	return out, rows.Err()
}

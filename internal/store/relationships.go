package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// Relationships computes viewer's relationship to each of ids, in the order
// of ids, in one query. Ids are not checked for existence.
func (s *Store) Relationships(ctx context.Context, viewer domain.ID, ids []domain.ID) ([]*domain.Relationship, error) {
	out := make([]*domain.Relationship, len(ids))
	byID := make(map[domain.ID]*domain.Relationship, len(ids))
	for i, id := range ids {
		if r := byID[id]; r != nil {
			out[i] = r
			continue
		}
		out[i] = &domain.Relationship{ID: id}
		byID[id] = out[i]
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, relationshipsSQL(len(ids)),
		append([]any{int64(viewer), s.nowMs()}, idArgs(ids)...)...)
	if err != nil {
		return nil, fmt.Errorf("load relationships: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind   string
			other  int64
			b1, b2 bool
			text   string
		)
		if err := rows.Scan(&kind, &other, &b1, &b2, &text); err != nil {
			return nil, err
		}
		r := byID[domain.ID(other)]
		switch kind {
		case "following", "requested":
			if kind == "following" {
				r.Following = true
			} else {
				r.Requested = true
			}
			r.ShowingReblogs, r.Notifying = b1, b2
			if text != "" {
				r.Languages = splitLanguages(text)
			}
		case "followed_by":
			r.FollowedBy = true
		case "requested_by":
			r.RequestedBy = true
		case "blocking":
			r.Blocking = true
		case "blocked_by":
			r.BlockedBy = true
		case "muting":
			r.Muting, r.MutingNotifications = true, b1
		case "note":
			r.Note = text
		}
	}
	return out, rows.Err()
}

// splitLanguages parses the stored comma-separated language list.
func splitLanguages(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// relationshipsSQL is the query of Relationships for n ids: $1 is the
// viewer, $2 the current time, the ids follow. Each branch names the
// relation it found; the columns after the other account's id carry that
// relation's details.
func relationshipsSQL(n int) string {
	in := placeholders(3, n)
	return `
		SELECT 'following', target_account_id, show_reblogs, notify, languages FROM follows
			WHERE account_id = $1 AND target_account_id IN (` + in + `)
		UNION ALL SELECT 'followed_by', account_id, FALSE, FALSE, '' FROM follows
			WHERE target_account_id = $1 AND account_id IN (` + in + `)
		UNION ALL SELECT 'requested', target_account_id, show_reblogs, notify, languages FROM follow_requests
			WHERE account_id = $1 AND target_account_id IN (` + in + `)
		UNION ALL SELECT 'requested_by', account_id, FALSE, FALSE, '' FROM follow_requests
			WHERE target_account_id = $1 AND account_id IN (` + in + `)
		UNION ALL SELECT 'blocking', target_account_id, FALSE, FALSE, '' FROM blocks
			WHERE account_id = $1 AND target_account_id IN (` + in + `)
		UNION ALL SELECT 'blocked_by', account_id, FALSE, FALSE, '' FROM blocks
			WHERE target_account_id = $1 AND account_id IN (` + in + `)
		UNION ALL SELECT 'muting', target_account_id, hide_notifications, FALSE, '' FROM mutes
			WHERE account_id = $1 AND target_account_id IN (` + in + `) AND (expires_at IS NULL OR expires_at > $2)
		UNION ALL SELECT 'note', target_account_id, FALSE, FALSE, comment FROM account_notes
			WHERE account_id = $1 AND target_account_id IN (` + in + `)`
}

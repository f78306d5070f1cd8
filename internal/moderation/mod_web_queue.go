package moderation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// MaxQueuePage is the most reports one page of the web queue shows.
const MaxQueuePage = 100

// QueueFilter selects the reports of a queue page.
type QueueFilter struct {
	State      string    // open, escalated, resolved; "" for open and escalated
	AssignedTo domain.ID // 0 for anyone
}

// QueuePage is a page of the moderation queue and the cursor of the next
// one (0 when it is the last). Unresolved reports come in the API queue's
// order, trusted flaggers first and then oldest first, paged by the last
// report shown (the order is on priority and id, so a plain id range
// cannot page it); resolved reports come newest first, as Mastodon lists
// them, paged by max_id.
func (s *Service) QueuePage(ctx context.Context, u *domain.User, f QueueFilter, after domain.ID, limit int) ([]*store.Report, domain.ID, error) {
	if err := RequireModerator(u); err != nil {
		return nil, 0, err
	}
	if limit < 1 || limit > MaxQueuePage {
		return nil, 0, domain.Invalid("limit: between 1 and %d", MaxQueuePage)
	}
	states := []string{"open", "escalated"}
	switch {
	case f.State == "resolved":
		rs, err := s.Store.Reports(ctx, store.ReportFilter{States: []string{"resolved"}, AssignedTo: f.AssignedTo},
			domain.Page{MaxID: after, Limit: limit + 1}, false)
		if err != nil {
			return nil, 0, err
		}
		return nextPage(rs, limit)
	case slices.Contains(states, f.State):
		states = []string{f.State}
	case f.State != "":
		return nil, 0, domain.Invalid("state: must be open, escalated or resolved")
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	marks := make([]string, 0, len(states))
	for _, st := range states {
		marks = append(marks, arg(st))
	}
	conds := []string{"state IN (" + strings.Join(marks, ", ") + ")"}
	if f.AssignedTo != 0 {
		conds = append(conds, "assigned_account_id = "+arg(int64(f.AssignedTo)))
	}
	if after != 0 {
		last, err := s.Store.Report(ctx, after)
		if err != nil {
			return nil, 0, err
		}
		if last.Priority {
			conds = append(conds, "((priority = TRUE AND id > "+arg(int64(after))+") OR priority = FALSE)")
		} else {
			conds = append(conds, "(priority = FALSE AND id > "+arg(int64(after))+")")
		}
	}
	q := `SELECT id FROM reports WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY priority DESC, id ASC LIMIT ` + arg(limit+1)
	rows, err := s.Store.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("queue page: %w", err)
	}
	var ids []domain.ID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids = append(ids, domain.ID(id))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rs := make([]*store.Report, 0, len(ids))
	for _, id := range ids {
		r, err := s.Store.Report(ctx, id)
		if err != nil {
			return nil, 0, err
		}
		rs = append(rs, r)
	}
	return nextPage(rs, limit)
}

// nextPage cuts a list fetched with one extra row to limit and returns the
// cursor of the next page.
func nextPage(rs []*store.Report, limit int) ([]*store.Report, domain.ID, error) {
	if len(rs) <= limit {
		return rs, 0, nil
	}
	rs = rs[:limit]
	return rs, rs[limit-1].ID, nil
}

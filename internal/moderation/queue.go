package moderation

import (
	"context"
	"slices"

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
	var last *store.Report
	if after != 0 {
		var err error
		if last, err = s.Store.Report(ctx, after); err != nil {
			return nil, 0, err
		}
	}
	rs, err := s.Store.Reports(ctx, store.ReportFilter{States: states, AssignedTo: f.AssignedTo, QueueAfter: last},
		domain.Page{Limit: limit + 1}, true)
	if err != nil {
		return nil, 0, err
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

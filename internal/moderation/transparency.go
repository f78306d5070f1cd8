package moderation

import (
	"context"
	"sort"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Period holds the transparency figures of one calendar month (UTC).
type Period struct {
	Period                  string         `json:"period"` // "2026-11"
	NoticesByCategory       map[string]int `json:"notices_by_category"`
	NoticesBySource         map[string]int `json:"notices_by_source"`
	DecisionsByGround       map[string]int `json:"decisions_by_ground"`
	DecisionsByAction       map[string]int `json:"decisions_by_action"`
	DecisionsByCategory     map[string]int `json:"decisions_by_category"`
	AutomatedDecisions      int            `json:"automated_decisions"`
	ManualDecisions         int            `json:"manual_decisions"`
	AutomatedDetections     int            `json:"automated_detections"`
	MedianHoursToDecision   *float64       `json:"median_hours_to_decision"` // over decisions taken on a report
	Appeals                 int            `json:"appeals"`
	AppealsApproved         int            `json:"appeals_approved"`
	AppealsRejected         int            `json:"appeals_rejected"`
	AppealsPending          int            `json:"appeals_pending"`
	MedianHoursToAppealDone *float64       `json:"median_hours_to_appeal_decision"`
	Reversals               int            `json:"reversals"`
	// Posts held by the spam heuristics (automated decisions, action
	// "hold"), and how their review ended, by the month of the hold: the
	// accuracy of the automated means (DSA Art. 15(1)(e)). A release is an
	// error of the heuristics, not a reversal: reversals count appeals
	// that succeeded (Art. 15(1)(d)).
	HeldPosts         int `json:"held_posts"`
	HeldPostsReleased int `json:"held_posts_released"`
	HeldPostsUpheld   int `json:"held_posts_upheld"` // a moderator restricted them
}

// MaxTransparencyMonths is how many months the report covers.
const MaxTransparencyMonths = 24

// Transparency computes the public figures by month, newest first. A small
// server has few reports, so the rows are counted here rather than in SQL.
func (s *Service) Transparency(ctx context.Context) ([]*Period, error) {
	since := s.Store.Now().UTC().AddDate(0, -MaxTransparencyMonths, 0)
	reports, err := s.Store.Reports(ctx, store.ReportFilter{}, domain.Page{Limit: 1 << 30}, false)
	if err != nil {
		return nil, err
	}
	decisions, err := s.Store.Decisions(ctx, 0, since, time.Time{})
	if err != nil {
		return nil, err
	}
	appeals, err := s.Store.Appeals(ctx, 0, "")
	if err != nil {
		return nil, err
	}
	periods := map[string]*Period{}
	get := func(t time.Time) *Period {
		k := t.UTC().Format("2006-01")
		p := periods[k]
		if p == nil {
			p = &Period{Period: k, NoticesByCategory: map[string]int{}, NoticesBySource: map[string]int{},
				DecisionsByGround: map[string]int{}, DecisionsByAction: map[string]int{}, DecisionsByCategory: map[string]int{}}
			periods[k] = p
		}
		return p
	}
	reportAt := map[domain.ID]time.Time{}
	for _, r := range reports {
		reportAt[r.ID] = r.CreatedAt
		if r.CreatedAt.Before(since) {
			continue
		}
		p := get(r.CreatedAt)
		p.NoticesByCategory[r.Category]++
		p.NoticesBySource[r.Source]++
	}
	waits := map[string][]float64{}
	decidedBy := map[domain.ID]*store.Decision{}
	for _, d := range decisions {
		decidedBy[d.ID] = d
		p := get(d.DecidedAt)
		p.DecisionsByGround[d.Ground]++
		p.DecisionsByAction[d.Action]++
		p.DecisionsByCategory[d.Category]++
		if d.AutomatedDecision == "AUTOMATED_DECISION_NOT_AUTOMATED" {
			p.ManualDecisions++
		} else {
			p.AutomatedDecisions++
		}
		if d.AutomatedDetection {
			p.AutomatedDetections++
		}
		if at, ok := reportAt[d.ReportID]; ok && d.ReportID != 0 {
			waits[p.Period] = append(waits[p.Period], d.DecidedAt.Sub(at).Hours())
		}
		if d.OverruledAt != nil {
			get(*d.OverruledAt).Reversals++
		}
	}
	for _, d := range decisions {
		if d.Action != ActionHold {
			continue
		}
		p := get(d.DecidedAt)
		p.HeldPosts++
		switch by := decidedBy[d.SupersededBy]; {
		case by != nil && by.Action != "none":
			p.HeldPostsUpheld++
		case d.EndsAt != nil: // released by a moderator, on appeal, or by a decision of no action
			p.HeldPostsReleased++
		}
	}
	appealWaits := map[string][]float64{}
	for _, a := range appeals {
		if a.CreatedAt.Before(since) {
			continue
		}
		p := get(a.CreatedAt)
		p.Appeals++
		switch a.State {
		case "approved":
			p.AppealsApproved++
		case "rejected":
			p.AppealsRejected++
		default:
			p.AppealsPending++
		}
		if a.DecidedAt != nil {
			appealWaits[p.Period] = append(appealWaits[p.Period], a.DecidedAt.Sub(a.CreatedAt).Hours())
		}
	}
	out := []*Period{}
	for k, p := range periods {
		p.MedianHoursToDecision = median(waits[k])
		p.MedianHoursToAppealDone = median(appealWaits[k])
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Period > out[j].Period })
	return out, nil
}

// median returns the median of v (nil when empty), rounded to 0.01 h.
func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	sort.Float64s(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	m = float64(int64(m*100+0.5)) / 100
	return &m
}

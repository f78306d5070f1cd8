package mastodon_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
)

// TestAppealWindow: appeals are open for AGORA_APPEAL_DAYS days, never
// fewer than 183; a notifier may appeal a "no action" decision, and its
// approval reopens the report.
func TestAppealWindow(t *testing.T) {
	cases := []struct {
		env       string
		afterDays int
		want      int
	}{
		{"", 182, 200},
		{"", 184, 422},
		{"30", 182, 200}, // below the minimum: 183 days apply
		{"400", 399, 200},
		{"400", 401, 422},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("days=%q/after=%d", c.env, c.afterDays), func(t *testing.T) {
			t.Setenv("AGORA_APPEAL_DAYS", c.env)
			apitest.Each(t, func(t *testing.T, s *apitest.Server) {
				alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
				mod1, mod2 := staff(t, s, "mod1", domain.RoleModerator), staff(t, s, "mod2", domain.RoleModerator)
				repID := s.Must(t, 200, "POST", "/api/v1/reports", bob.Token, map[string]any{"account_id": alice.AccountID}).Map(t)["id"].(string)
				decID := s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod1.Token, map[string]any{
					"report_id": repID, "action": "none", "ground": "terms", "explanation": "Nothing breaks the rules.",
				}).Map(t)["id"].(string)
				// No restriction: the account gets no warning, the notifier gets the outcome.
				for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t) {
					t.Errorf("unexpected notification for alice: %v", n)
				}
				st := s.Must(t, 200, "GET", "/api/agora/v1/statements/"+decID, bob.Token, nil).Map(t)
				deadline, err := time.Parse(time.RFC3339, st["appeal_deadline"].(string))
				if err != nil {
					t.Fatal(err)
				}
				days := 183
				if c.env == "400" {
					days = 400
				}
				if got := time.Until(deadline).Hours() / 24; got < float64(days)-1 || got > float64(days)+1 {
					t.Fatalf("deadline in %.1f days, want %d", got, days)
				}
				real := s.App.Store.Now
				s.App.Store.Now = func() time.Time { return real().AddDate(0, 0, c.afterDays) }
				defer func() { s.App.Store.Now = real }()
				res := s.Do(t, "POST", "/api/agora/v1/statements/"+decID+"/appeal", bob.Token, map[string]any{"text": "It is clearly spam."})
				if res.Status != c.want {
					t.Fatalf("appeal after %d days: %d, want %d (%s)", c.afterDays, res.Status, c.want, res.Body)
				}
				if c.want != 200 {
					return
				}
				appealID := res.Map(t)["id"].(string)
				s.Must(t, 403, "POST", "/api/agora/v1/admin/appeals/"+appealID+"/approve", mod1.Token, nil)
				s.Must(t, 200, "POST", "/api/agora/v1/admin/appeals/"+appealID+"/approve", mod2.Token, nil)
				if r := s.Must(t, 200, "GET", "/api/v1/admin/reports/"+repID, mod2.Token, nil).Map(t); r["agora"].(map[string]any)["state"] != "open" {
					t.Fatalf("report not reopened: %v", r["agora"])
				}
			})
		})
	}
}

// TestTransparencyMedian: fixtures with known times give exact figures.
func TestTransparencyMedian(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		mod := staff(t, s, "mod", domain.RoleModerator)
		real := s.App.Store.Now
		defer func() { s.App.Store.Now = real }()
		at := func(tm time.Time) { s.App.Store.Now = func() time.Time { return tm } }
		base := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		at(base)
		var reps []string
		for i := 0; i < 3; i++ {
			reps = append(reps, s.Must(t, 200, "POST", "/api/v1/reports", bob.Token, map[string]any{"account_id": alice.AccountID, "category": "spam"}).Map(t)["id"].(string))
		}
		for i, hours := range []int{2, 4, 9} {
			at(base.Add(time.Duration(hours) * time.Hour))
			s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod.Token, map[string]any{
				"report_id": reps[i], "action": "none", "ground": "terms", "explanation": "Not spam.",
			})
		}
		at(base.AddDate(0, 1, 0))
		tr := s.Must(t, 200, "GET", "/api/agora/v1/transparency", "", nil).Map(t)
		var march map[string]any
		for _, p := range tr["periods"].([]any) {
			if p.(map[string]any)["period"] == "2026-03" {
				march = p.(map[string]any)
			}
		}
		if march == nil {
			t.Fatalf("no March period: %v", tr)
		}
		if march["median_hours_to_decision"] != 4.0 || march["notices_by_category"].(map[string]any)["spam"] != 3.0 ||
			march["notices_by_source"].(map[string]any)["account"] != 3.0 || march["decisions_by_action"].(map[string]any)["none"] != 3.0 ||
			march["decisions_by_category"].(map[string]any)["STATEMENT_CATEGORY_SCAMS_AND_FRAUD"] != 3.0 {
			t.Fatalf("March figures: %v", march)
		}
		// "none" is not a restriction: nothing to export.
		if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/statements/export", mod.Token, nil).Map(t)["statements"].([]any); len(got) != 0 {
			t.Fatalf("export of no-action decisions: %v", got)
		}
	})
}

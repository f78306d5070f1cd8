package mastodon_test

import (
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

func TestReportValidation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, dave := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "dave")
		admin := staff(t, s, "root", domain.RoleAdmin)
		ruleID := s.Must(t, 200, "POST", "/api/agora/v1/admin/rules", admin.Token, map[string]any{"text": "Be kind"}).Map(t)["id"].(string)
		stID := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "hello"}).Map(t)["id"].(string)
		daveSt := s.Must(t, 200, "POST", "/api/v1/statuses", dave.Token, map[string]any{"status": "other"}).Map(t)["id"].(string)
		legal := func(extra map[string]any) map[string]any {
			m := map[string]any{"account_id": alice.AccountID, "status_ids": []string{stID}, "category": "legal",
				"legal_category": "illegal_or_harmful_speech", "legal_explanation": "This is defamation under art. 29 of the 1881 law.",
				"good_faith_confirmed": true}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		cases := []struct {
			name string
			body map[string]any
			want int
		}{
			{"no account", map[string]any{"comment": "x"}, 422},
			{"unknown account", map[string]any{"account_id": "123456"}, 404},
			{"self", map[string]any{"account_id": bob.AccountID}, 422},
			{"long comment", map[string]any{"account_id": alice.AccountID, "comment": strings.Repeat("x", moderation.MaxCommentLen+1)}, 422},
			{"bad category", map[string]any{"account_id": alice.AccountID, "category": "rude"}, 422},
			{"violation without rules", map[string]any{"account_id": alice.AccountID, "category": "violation"}, 422},
			{"unknown rule", map[string]any{"account_id": alice.AccountID, "category": "violation", "rule_ids": []string{"999"}}, 422},
			{"rules outside violation", map[string]any{"account_id": alice.AccountID, "category": "spam", "rule_ids": []string{ruleID}}, 422},
			{"status of someone else", map[string]any{"account_id": alice.AccountID, "status_ids": []string{daveSt}}, 422},
			{"legal without explanation", legal(map[string]any{"legal_explanation": ""}), 422},
			{"legal without good faith", legal(map[string]any{"good_faith_confirmed": false}), 422},
			{"legal unknown category", legal(map[string]any{"legal_category": "rudeness"}), 422},
			{"legal bad email", legal(map[string]any{"notifier_email": "not an email"}), 422},
			{"legal bad url", legal(map[string]any{"content_urls": []string{"javascript:alert(1)"}}), 422},
			{"legal ok", legal(nil), 200},
			{"child abuse ok", legal(map[string]any{"legal_category": "child_sexual_abuse"}), 200},
			{"rules imply violation", map[string]any{"account_id": alice.AccountID, "rule_ids": []string{ruleID}, "forward": true}, 200},
			{"plain", map[string]any{"account_id": alice.AccountID}, 200},
		}
		for _, c := range cases {
			res := s.Do(t, "POST", "/api/v1/reports", bob.Token, c.body)
			if res.Status != c.want {
				t.Errorf("%s: status %d, want %d (%s)", c.name, res.Status, c.want, res.Body)
			}
			if c.name == "rules imply violation" {
				m := res.Map(t)
				if m["category"] != "violation" || m["forwarded"] != false {
					t.Errorf("rules imply violation: %v", m)
				}
			}
		}
		s.Must(t, 401, "POST", "/api/v1/reports", "", map[string]any{"account_id": alice.AccountID})

		// A legal notice keeps the notifier's details for moderators only.
		mod := staff(t, s, "mod", domain.RoleModerator)
		reps := s.Must(t, 200, "GET", "/api/v1/admin/reports?target_account_id="+alice.AccountID, mod.Token, nil).List(t)
		var legalRep map[string]any
		for _, r := range reps {
			if r["category"] == "legal" {
				legalRep = r
			}
		}
		if legalRep == nil {
			t.Fatalf("legal report not listed: %v", reps)
		}
		ag := legalRep["agora"].(map[string]any)
		if ag["notifier_email"] != "bob@example.org" || ag["notifier_name"] != "bob" || ag["good_faith_confirmed"] != true || len(ag["content_urls"].([]any)) != 1 {
			t.Fatalf("legal notice fields: %v", ag)
		}
		// The reporter follows their own report, nobody else can.
		id := legalRep["id"].(string)
		s.Must(t, 200, "GET", "/api/agora/v1/reports/"+id, bob.Token, nil)
		s.Must(t, 404, "GET", "/api/agora/v1/reports/"+id, dave.Token, nil)
	})
}

// TestReportFloodLimit: an account may file LimitReportsPerHour reports an hour.
func TestReportFloodLimit(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		for i := 0; i < moderation.LimitReportsPerHour; i++ {
			s.Must(t, 200, "POST", "/api/v1/reports", bob.Token, map[string]any{"account_id": alice.AccountID})
		}
		s.Must(t, 429, "POST", "/api/v1/reports", bob.Token, map[string]any{"account_id": alice.AccountID})
	}, "AGORA_RATE_LIMITS=false")
}

// TestTrustedFlaggerPriority: a trusted flagger's report goes first in the queue.
func TestTrustedFlaggerPriority(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, ngo := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "ngo")
		admin := staff(t, s, "root", domain.RoleAdmin)
		mod := staff(t, s, "mod", domain.RoleModerator)
		s.Must(t, 403, "POST", "/api/agora/v1/admin/trusted_flaggers", mod.Token, map[string]any{"account_id": ngo.AccountID, "name": "NGO"})
		s.Must(t, 200, "POST", "/api/agora/v1/admin/trusted_flaggers", admin.Token, map[string]any{"account_id": ngo.AccountID, "name": "NGO"})
		first := s.Must(t, 200, "POST", "/api/v1/reports", bob.Token, map[string]any{"account_id": alice.AccountID}).Map(t)["id"]
		flagged := s.Must(t, 200, "POST", "/api/v1/reports", ngo.Token, map[string]any{"account_id": alice.AccountID}).Map(t)["id"]
		q := s.Must(t, 200, "GET", "/api/agora/v1/admin/queue", mod.Token, nil).List(t)
		if len(q) != 2 || q[0]["id"] != flagged || q[1]["id"] != first {
			t.Fatalf("queue order: %v", q)
		}
		if ag := q[0]["agora"].(map[string]any); ag["priority"] != true || ag["source"] != "trusted_flagger" {
			t.Fatalf("trusted flagger report: %v", ag)
		}
		// Escalation and resolution without a decision.
		esc := s.Must(t, 200, "POST", "/api/agora/v1/admin/reports/"+first.(string)+"/escalate", mod.Token, nil).Map(t)
		if esc["agora"].(map[string]any)["state"] != "escalated" {
			t.Fatalf("escalate: %v", esc["agora"])
		}
		s.Must(t, 200, "POST", "/api/v1/admin/reports/"+first.(string)+"/resolve", mod.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/admin/reports?resolved=true", mod.Token, nil).List(t); len(got) != 1 || got[0]["id"] != first {
			t.Fatalf("resolved filter: %v", got)
		}
		reopened := s.Must(t, 200, "POST", "/api/v1/admin/reports/"+first.(string)+"/reopen", mod.Token, nil).Map(t)
		if reopened["action_taken"] != false || reopened["agora"].(map[string]any)["state"] != "open" {
			t.Fatalf("reopen: %v", reopened)
		}
	})
}

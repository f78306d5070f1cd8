package mastodon_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// staff creates a user with a role and a token that also carries the admin scopes.
func staff(t *testing.T, s *apitest.Server, name string, role domain.Role) *apitest.User {
	t.Helper()
	u := s.NewUserRole(t, name, role)
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(context.Background(), auth.HashSecret(tok), &domain.Token{UserID: u.UserID,
		Scopes: domain.Scopes{"read", "write", "admin:read", "admin:write"}}); err != nil {
		t.Fatal(err)
	}
	u.Token = tok
	return u
}

func hasID(list []map[string]any, id string) bool {
	for _, m := range list {
		if m["id"] == id {
			return true
		}
	}
	return false
}

func notificationTypes(t *testing.T, s *apitest.Server, u *apitest.User) []string {
	var out []string
	for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications", u.Token, nil).List(t) {
		out = append(out, n["type"].(string))
	}
	return out
}

// TestModerationEndToEnd: report -> queue -> decision -> the author's
// notice -> appeal decided by a second moderator -> reversal restores the
// post -> figures in the transparency report and the export.
func TestModerationEndToEnd(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		admin := staff(t, s, "root", domain.RoleAdmin)
		mod1, mod2 := staff(t, s, "mod1", domain.RoleModerator), staff(t, s, "mod2", domain.RoleModerator)
		carol := staff(t, s, "carol", domain.RoleUser) // admin scopes, but no role

		s.Must(t, 403, "POST", "/api/agora/v1/admin/rules", mod1.Token, map[string]any{"text": "No spam"})
		rule := s.Must(t, 200, "POST", "/api/agora/v1/admin/rules", admin.Token, map[string]any{"text": "No spam", "hint": "Ads"}).Map(t)
		ruleID := rule["id"].(string)
		if rules := s.Must(t, 200, "GET", "/api/v1/instance/rules", "", nil).List(t); !hasID(rules, ruleID) {
			t.Fatalf("rule not listed: %v", rules)
		}

		st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "buy cheap pills", "visibility": "public"}).Map(t)
		stID := st["id"].(string)

		rep := s.Must(t, 200, "POST", "/api/v1/reports", bob.Token, map[string]any{
			"account_id": alice.AccountID, "status_ids": []string{stID}, "comment": "spam", "category": "violation", "rule_ids": []string{ruleID},
		}).Map(t)
		repID := rep["id"].(string)
		if rep["category"] != "violation" || rep["action_taken"] != false || rep["target_account"].(map[string]any)["id"] != alice.AccountID {
			t.Fatalf("report entity: %v", rep)
		}
		if got := notificationTypes(t, s, bob); len(got) != 1 || got[0] != "agora.report_received" {
			t.Fatalf("receipt notification: %v", got)
		}

		// Only moderators with admin scopes reach the queue.
		s.Must(t, 403, "GET", "/api/v1/admin/reports", carol.Token, nil)
		s.Must(t, 403, "GET", "/api/v1/admin/reports", bob.Token, nil)
		s.Must(t, 403, "GET", "/api/v1/admin/accounts", carol.Token, nil)
		s.Must(t, 403, "POST", "/api/agora/v1/admin/decisions", carol.Token, map[string]any{"report_id": repID})
		s.Must(t, 401, "GET", "/api/v1/admin/reports", "", nil)
		queue := s.Must(t, 200, "GET", "/api/v1/admin/reports", mod1.Token, nil).List(t)
		if !hasID(queue, repID) {
			t.Fatalf("report not in queue: %v", queue)
		}
		assigned := s.Must(t, 200, "POST", "/api/v1/admin/reports/"+repID+"/assign_to_self", mod1.Token, nil).Map(t)
		if assigned["assigned_account"].(map[string]any)["id"] != mod1.AccountID {
			t.Fatalf("assignment: %v", assigned["assigned_account"])
		}
		s.Must(t, 200, "POST", "/api/agora/v1/admin/reports/"+repID+"/notes", mod1.Token, map[string]any{"content": "clear spam"})

		// Decision validation.
		for _, bad := range []map[string]any{
			{"report_id": repID, "action": "explode", "ground": "terms", "rule_ids": []string{ruleID}, "explanation": "x"},
			{"report_id": repID, "action": "remove", "ground": "terms", "explanation": "x"},
			{"report_id": repID, "action": "remove", "ground": "illegal", "explanation": "x"},
			{"report_id": repID, "action": "remove", "ground": "terms", "rule_ids": []string{ruleID}},
			{"report_id": repID, "action": "remove", "ground": "terms", "rule_ids": []string{ruleID}, "explanation": "x", "duration": 7200},
		} {
			s.Must(t, 422, "POST", "/api/agora/v1/admin/decisions", mod1.Token, bad)
		}
		dec := s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod1.Token, map[string]any{
			"report_id": repID, "action": "remove", "ground": "terms", "rule_ids": []string{ruleID}, "explanation": "Advertising is not allowed.",
		}).Map(t)
		decID := dec["id"].(string)

		// The post is gone for everyone, its author included.
		for _, tok := range []string{"", bob.Token, alice.Token} {
			s.Must(t, 404, "GET", "/api/v1/statuses/"+stID, tok, nil)
		}
		if hasID(s.Must(t, 200, "GET", "/api/v1/timelines/public", bob.Token, nil).List(t), stID) {
			t.Fatal("removed status still in the public timeline")
		}
		if hasID(s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses", "", nil).List(t), stID) {
			t.Fatal("removed status still on the profile")
		}
		resolved := s.Must(t, 200, "GET", "/api/v1/admin/reports/"+repID, mod1.Token, nil).Map(t)
		if resolved["action_taken"] != true || resolved["agora"].(map[string]any)["decision_id"] != decID {
			t.Fatalf("report not resolved by the decision: %v", resolved)
		}
		if got := notificationTypes(t, s, bob); got[0] != "agora.report_decided" {
			t.Fatalf("notifier not told the outcome: %v", got)
		}

		// The author's statement of reasons.
		if got := notificationTypes(t, s, alice); len(got) != 1 || got[0] != "moderation_warning" {
			t.Fatalf("author notification: %v", got)
		}
		first := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t)[0]
		if mw, _ := first["moderation_warning"].(map[string]any); mw == nil || mw["id"] != decID || mw["action"] != "delete_statuses" {
			t.Fatalf("moderation_warning notification without its AccountWarning: %v", first)
		}
		nid, _ := domain.ParseID(first["id"].(string))
		warnings, err := s.App.API.AccountWarnings(context.Background(), []domain.ID{nid})
		if err != nil {
			t.Fatal(err)
		}
		if w := warnings[nid]; w == nil || w.ID != decID || w.Action != "delete_statuses" || len(w.StatusIDs) != 1 || w.StatusIDs[0] != stID ||
			w.TargetAccount.ID != alice.AccountID || w.Appeal != nil || !strings.Contains(w.Text, "Appeal until") {
			t.Fatalf("account warning: %+v", w)
		}
		stmts := s.Must(t, 200, "GET", "/api/agora/v1/statements", alice.Token, nil).List(t)
		if len(stmts) != 1 || stmts[0]["id"] != decID || stmts[0]["action"] != "remove" || stmts[0]["source_type"] != "SOURCE_TYPE_OTHER_NOTIFICATION" {
			t.Fatalf("statements: %v", stmts)
		}
		text := stmts[0]["text"].(string)
		for _, want := range []string{"removed", "No spam", "Advertising is not allowed.", "Appeal until", "Art. 21"} {
			if !strings.Contains(text, want) {
				t.Errorf("statement text lacks %q: %s", want, text)
			}
		}
		if len(s.Must(t, 200, "GET", "/api/agora/v1/statements", bob.Token, nil).List(t)) != 0 {
			t.Fatal("bob sees statements about alice")
		}
		s.Must(t, 404, "GET", "/api/agora/v1/statements/"+decID, carol.Token, nil)

		// Appeal: four eyes.
		s.Must(t, 422, "POST", "/api/agora/v1/statements/"+decID+"/appeal", alice.Token, map[string]any{"text": ""})
		s.Must(t, 422, "POST", "/api/agora/v1/statements/"+decID+"/appeal", alice.Token, map[string]any{"text": strings.Repeat("a", 5001)})
		s.Must(t, 404, "POST", "/api/agora/v1/statements/"+decID+"/appeal", carol.Token, map[string]any{"text": "me too"})
		appeal := s.Must(t, 200, "POST", "/api/agora/v1/statements/"+decID+"/appeal", alice.Token, map[string]any{"text": "It was a joke."}).Map(t)
		appealID := appeal["id"].(string)
		s.Must(t, 422, "POST", "/api/agora/v1/statements/"+decID+"/appeal", alice.Token, map[string]any{"text": "again"})
		if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/appeals?state=pending", mod2.Token, nil).List(t); !hasID(got, appealID) {
			t.Fatalf("appeal not pending: %v", got)
		}
		s.Must(t, 403, "POST", "/api/agora/v1/admin/appeals/"+appealID+"/approve", mod1.Token, nil)
		s.Must(t, 403, "POST", "/api/agora/v1/admin/appeals/"+appealID+"/approve", carol.Token, nil)
		s.Must(t, 200, "POST", "/api/agora/v1/admin/appeals/"+appealID+"/approve", mod2.Token, map[string]any{"response": "Accepted."})
		s.Must(t, 422, "POST", "/api/agora/v1/admin/appeals/"+appealID+"/reject", admin.Token, nil)

		// The reversal restores the post.
		s.Must(t, 200, "GET", "/api/v1/statuses/"+stID, bob.Token, nil)
		if !hasID(s.Must(t, 200, "GET", "/api/v1/timelines/public", "", nil).List(t), stID) {
			t.Fatal("restored status missing from the public timeline")
		}
		got := s.Must(t, 200, "GET", "/api/agora/v1/statements/"+decID, alice.Token, nil).Map(t)
		if got["overruled_at"] == nil || got["appeals"].([]any)[0].(map[string]any)["state"] != "approved" {
			t.Fatalf("statement after reversal: %v", got)
		}

		// Transparency figures, public.
		tr := s.Must(t, 200, "GET", "/api/agora/v1/transparency", "", nil).Map(t)
		period := tr["periods"].([]any)[0].(map[string]any)
		checks := map[string]float64{"appeals": 1, "appeals_approved": 1, "reversals": 1, "manual_decisions": 1}
		for k, want := range checks {
			if period[k] != want {
				t.Errorf("transparency %s = %v, want %v", k, period[k], want)
			}
		}
		if period["notices_by_category"].(map[string]any)["violation"] != 1.0 || period["decisions_by_action"].(map[string]any)["remove"] != 1.0 ||
			period["decisions_by_ground"].(map[string]any)["terms"] != 1.0 || period["median_hours_to_decision"] == nil {
			t.Errorf("transparency period: %v", period)
		}

		// Audit log.
		log := s.Must(t, 200, "GET", "/api/agora/v1/admin/audit_log", mod2.Token, nil).List(t)
		actions := map[string]bool{}
		for _, e := range log {
			actions[e["action"].(string)] = true
		}
		for _, want := range []string{"rule.create", "report.assign_to_self", "report.note", "decision.remove", "appeal.approved"} {
			if !actions[want] {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
		s.Must(t, 403, "GET", "/api/agora/v1/admin/audit_log", carol.Token, nil)

		// Export.
		exp := s.Must(t, 200, "GET", "/api/agora/v1/admin/statements/export", mod1.Token, nil)
		checkExport(t, exp.Body, decID)
		if strings.Contains(string(exp.Body), "alice") || strings.Contains(string(exp.Body), "@example.org") {
			t.Fatalf("export carries personal data: %s", exp.Body)
		}
	})
}

// allowedExport lists the Transparency Database fields and, for enums,
// their allowed values (see the trust-and-safety reference, §4.7).
var allowedExport = map[string][]string{
	"decision_visibility": {"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
		"DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER"},
	"decision_provision":               {"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION", "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"},
	"decision_account":                 {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"},
	"account_type":                     {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"},
	"decision_ground":                  {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"},
	"decision_ground_reference_url":    nil,
	"illegal_content_legal_ground":     nil,
	"illegal_content_explanation":      nil,
	"incompatible_content_ground":      nil,
	"incompatible_content_explanation": nil,
	"incompatible_content_illegal":     {"Yes", "No"},
	"content_type":                     {"CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"},
	"category": {"STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "STATEMENT_CATEGORY_CYBER_VIOLENCE",
		"STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
		"STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
		"STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
		"STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
		"STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE"},
	"territorial_scope":               nil,
	"content_language":                nil,
	"content_date":                    nil,
	"application_date":                nil,
	"end_date_account_restriction":    nil,
	"end_date_service_restriction":    nil,
	"end_date_visibility_restriction": nil,
	"decision_facts":                  nil,
	"source_type":                     {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_VOLUNTARY", "SOURCE_TYPE_OTHER_NOTIFICATION"},
	"automated_detection":             {"Yes", "No"},
	"automated_decision":              {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"},
	"puid":                            nil,
}

func checkExport(t *testing.T, body []byte, puid string) {
	t.Helper()
	var doc struct {
		Statements []map[string]any `json:"statements"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statements) == 0 {
		t.Fatalf("no statements: %s", body)
	}
	found := false
	for _, st := range doc.Statements {
		for k, v := range st {
			allowed, ok := allowedExport[k]
			if !ok {
				t.Errorf("field %q is not a Transparency Database field", k)
				continue
			}
			if allowed == nil || v == nil {
				continue
			}
			vals := []any{v}
			if arr, isArr := v.([]any); isArr {
				vals = arr
			}
			for _, x := range vals {
				if !containsString(allowed, x) {
					t.Errorf("field %q: value %v not allowed", k, x)
				}
			}
		}
		for _, req := range []string{"decision_ground", "content_type", "category", "content_date", "application_date", "decision_facts",
			"source_type", "automated_detection", "automated_decision", "puid"} {
			if st[req] == nil || st[req] == "" {
				t.Errorf("required field %q missing: %v", req, st)
			}
		}
		if st["decision_visibility"] == nil && st["decision_provision"] == nil && st["decision_account"] == nil && st["decision_monetary"] == nil {
			t.Errorf("no decision_* restriction: %v", st)
		}
		if st["puid"] == puid {
			found = true
		}
	}
	if !found {
		t.Errorf("no statement with puid %s", puid)
	}
}

func containsString(list []string, v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

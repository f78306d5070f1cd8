package moderation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

func staffUser(t *testing.T, s *apitest.Server, name string, role domain.Role) *apitest.User {
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

// holdOne posts text three times (the third is held by repeated_text and
// repeated_link) and returns the held post's entry in the held list.
func holdOne(t *testing.T, s *apitest.Server, author, mod *apitest.User, text string) map[string]any {
	t.Helper()
	var id string
	for range 3 {
		id = s.Must(t, 200, "POST", "/api/v1/statuses", author.Token, map[string]any{"status": text}).Map(t)["id"].(string)
	}
	for _, h := range s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held", mod.Token, nil).List(t) {
		if h["id"] == id {
			return h
		}
	}
	t.Fatalf("post %s was not held", id)
	return nil
}

func statementOf(t *testing.T, s *apitest.Server, u *apitest.User, id string) map[string]any {
	t.Helper()
	return s.Must(t, 200, "GET", "/api/agora/v1/statements/"+id, u.Token, nil).Map(t)
}

// TestHoldStatement: a post held by the spam heuristics gets an automated
// decision at once, with its statement of reasons (notification,
// statements list) that the author can appeal; a release ends it without
// counting as a reversal; an appeal that succeeds reverses it and
// publishes the post; a moderator's decision on the report supersedes
// it. The transparency figures and the Transparency Database export count
// holds as automated decisions (detection Yes, AUTOMATED_DECISION_FULLY).
func TestHoldStatement(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		mod := staffUser(t, s, "mod", domain.RoleModerator)
		mod2 := staffUser(t, s, "mod2", domain.RoleModerator)
		admin := staffUser(t, s, "root", domain.RoleAdmin)

		// 1. Held, then released by a moderator.
		h1 := holdOne(t, s, alice, mod, "Cheap watches at https://deals.example/w")
		d1, _ := h1["decision_id"].(string)
		if d1 == "" {
			t.Fatalf("held post without a decision: %v", h1)
		}
		st := statementOf(t, s, alice, d1)
		if st["action"] != "hold" || st["automated_detection"] != true || st["automated_decision"] != "AUTOMATED_DECISION_FULLY" ||
			st["source_type"] != "SOURCE_VOLUNTARY" || st["ground"] != "terms" || st["ends_at"] != nil ||
			!strings.Contains(st["facts"].(string), "repeated_text") || !strings.Contains(st["text"].(string), "only you can see it") ||
			len(st["status_ids"].([]any)) != 1 || st["status_ids"].([]any)[0] != h1["id"] {
			t.Fatalf("hold statement: %v", st)
		}
		for _, personal := range []string{"alice", "example.org"} {
			if strings.Contains(st["facts"].(string), personal) {
				t.Errorf("facts hold personal data %q: %s", personal, st["facts"])
			}
		}
		warned := false
		for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t) {
			if w, ok := n["moderation_warning"].(map[string]any); ok && n["type"] == "moderation_warning" && w["id"] == d1 {
				warned = true
			}
		}
		if !warned {
			t.Errorf("no moderation_warning notification for the hold")
		}
		s.Must(t, 200, "POST", "/api/agora/v1/admin/statuses/"+h1["id"].(string)+"/release", mod.Token, nil)
		st = statementOf(t, s, alice, d1)
		if st["ends_at"] == nil || st["overruled_at"] != nil || !strings.Contains(st["text"].(string), "The restriction ended") {
			t.Fatalf("released hold: %v", st)
		}
		if r := s.Do(t, "POST", "/api/agora/v1/statements/"+d1+"/appeal", alice.Token, map[string]any{"text": "Not spam"}); r.Status != 422 ||
			!strings.Contains(string(r.Body), "released") {
			t.Fatalf("appeal of a released hold: %d %s", r.Status, r.Body)
		}

		// 2. Held, appealed, the appeal approved: reversed and published.
		h2 := holdOne(t, s, alice, mod, "Our choir sings tonight, tickets https://choir.example/t")
		d2 := h2["decision_id"].(string)
		appeal := s.Must(t, 200, "POST", "/api/agora/v1/statements/"+d2+"/appeal", alice.Token, map[string]any{"text": "This is my choir."}).Map(t)
		s.Must(t, 200, "POST", "/api/agora/v1/admin/appeals/"+appeal["id"].(string)+"/approve", mod2.Token, map[string]any{"response": "Fine."})
		st = statementOf(t, s, alice, d2)
		if st["overruled_at"] == nil || st["ends_at"] == nil {
			t.Fatalf("hold after the appeal: %v", st)
		}
		bob := s.NewUser(t, "bob")
		if got := s.Must(t, 200, "GET", "/api/v1/statuses/"+h2["id"].(string), bob.Token, nil).Map(t); got["visibility"] != "public" {
			t.Fatalf("post after the approved appeal: %v", got)
		}

		// 3. Held, then removed by a moderator: the removal supersedes the hold.
		rule := s.Must(t, 200, "POST", "/api/agora/v1/admin/rules", admin.Token, map[string]any{"text": "No spam"}).Map(t)["id"].(string)
		h3 := holdOne(t, s, alice, mod, "Win a free phone today https://prizes.example/p")
		d3 := h3["decision_id"].(string)
		dec := s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod.Token, map[string]any{"report_id": h3["report_id"],
			"action": "remove", "ground": "terms", "rule_ids": []string{rule}, "explanation": "Repeated advertising"}).Map(t)
		st = statementOf(t, s, alice, d3)
		if st["superseded_by"] != dec["id"] || st["ends_at"] == nil {
			t.Fatalf("superseded hold: %v", st)
		}
		if r := s.Do(t, "POST", "/api/agora/v1/statements/"+d3+"/appeal", alice.Token, map[string]any{"text": "No"}); r.Status != 422 ||
			!strings.Contains(string(r.Body), dec["id"].(string)) {
			t.Fatalf("appeal of a superseded hold: %d %s", r.Status, r.Body)
		}

		// 4. Held, and a moderator decides "no action": published.
		h4 := holdOne(t, s, alice, mod, "The library is open on Sunday https://library.example/sunday")
		s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod.Token, map[string]any{"report_id": h4["report_id"],
			"action": "none", "ground": "terms", "explanation": "Not spam"})
		if got := s.Must(t, 200, "GET", "/api/v1/statuses/"+h4["id"].(string), bob.Token, nil).Map(t); got["visibility"] != "public" {
			t.Fatalf("post after a decision of no action: %v", got)
		}

		// The author's statements list has the four holds and the removal.
		holds := 0
		for _, x := range s.Must(t, 200, "GET", "/api/agora/v1/statements", alice.Token, nil).List(t) {
			if x["action"] == "hold" {
				holds++
			}
		}
		if holds != 4 {
			t.Errorf("statements list: %d holds, want 4", holds)
		}

		// Transparency: 4 automated decisions (holds) and 2 manual ones;
		// automated detections: the 4 holds and the 2 decisions on their
		// reports; one reversal (the appeal), not the releases.
		p := s.Must(t, 200, "GET", "/api/agora/v1/transparency", "", nil).Map(t)["periods"].([]any)[0].(map[string]any)
		for k, want := range map[string]float64{"automated_decisions": 4, "manual_decisions": 2, "automated_detections": 6,
			"reversals": 1, "held_posts": 4, "held_posts_released": 3, "held_posts_upheld": 1} {
			if p[k] != want {
				t.Errorf("transparency %s = %v, want %v (%v)", k, p[k], want, p)
			}
		}
		if p["decisions_by_action"].(map[string]any)["hold"] != 4.0 {
			t.Errorf("decisions_by_action: %v", p["decisions_by_action"])
		}

		// Export: one statement per hold, content disabled, automated.
		var exp struct {
			Statements []map[string]any `json:"statements"`
		}
		s.Must(t, 200, "GET", "/api/agora/v1/admin/statements/export", mod.Token, nil).Decode(t, &exp)
		found := 0
		for _, x := range exp.Statements {
			if x["puid"] != d1 && x["puid"] != d2 && x["puid"] != d3 {
				continue
			}
			found++
			if x["automated_detection"] != "Yes" || x["automated_decision"] != "AUTOMATED_DECISION_FULLY" || x["source_type"] != "SOURCE_VOLUNTARY" ||
				x["decision_visibility"].([]any)[0] != "DECISION_VISIBILITY_CONTENT_DISABLED" || x["end_date_visibility_restriction"] == nil ||
				x["decision_ground"] != "DECISION_GROUND_INCOMPATIBLE_CONTENT" {
				t.Errorf("exported hold: %v", x)
			}
		}
		if found != 3 {
			t.Errorf("export: %d of the holds, want 3", found)
		}
	})
}

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestAdminRulesOrder: admins reorder the rules with Move up / Move down
// (plain forms, no script); the instance API, the sign-up page and the
// rules page follow the order; moderators cannot move rules; each move is
// audited.
func TestAdminRulesOrder(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, mod, _, anon := admStaff(t, s)
		for _, text := range []string{"Be kind", "No spam", "No doxxing"} {
			admin.post("/admin/rules", "/admin/rules", url.Values{"text": {text}}, http.StatusSeeOther)
		}
		rules, err := s.App.Store.Rules(t.Context())
		if err != nil || len(rules) != 3 {
			t.Fatalf("rules = %v, %v", rules, err)
		}
		first, last := rules[0].ID.String(), rules[2].ID.String()
		p := admin.get("/admin/rules", 200)
		contains(t, p, `name="move" value="down"`, `name="move" value="up"`, "Move up", "Move down")
		// The first rule offers no Move up, the last no Move down.
		if strings.Count(p.Body, `value="up"`) != 2 || strings.Count(p.Body, `value="down"`) != 2 {
			t.Errorf("move buttons: %d up, %d down; want 2 and 2", strings.Count(p.Body, `value="up"`), strings.Count(p.Body, `value="down"`))
		}

		order := func(want ...string) {
			t.Helper()
			var got []string
			for _, r := range s.Must(t, 200, "GET", "/api/v1/instance/rules", "", nil).List(t) {
				got = append(got, r["text"].(string))
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("instance rules %v, want %v", got, want)
			}
			signUp := anon.get("/auth/sign_up", 200).Body
			at := -1
			for _, w := range want {
				i := strings.Index(signUp, "<li>"+w+"</li>")
				if i < at {
					t.Fatalf("sign-up page lists %q out of order", w)
				}
				at = i
			}
		}
		location(t, admin.post("/admin/rules", "/admin/rules/"+last, url.Values{"move": {"up"}}, http.StatusSeeOther), "/admin/rules")
		contains(t, admin.get("/admin/rules", 200), "The rule was moved.")
		order("Be kind", "No doxxing", "No spam")
		admin.post("/admin/rules", "/admin/rules/"+first, url.Values{"move": {"down"}}, http.StatusSeeOther)
		order("No doxxing", "Be kind", "No spam")
		admin.post("/admin/rules", "/admin/rules/"+last, url.Values{"move": {"up"}}, http.StatusSeeOther) // already first: stays
		order("No doxxing", "Be kind", "No spam")
		admin.post("/admin/rules", "/admin/rules/"+first, url.Values{"move": {"sideways"}}, http.StatusUnprocessableEntity)
		mod.post("/admin/rules", "/admin/rules/"+first, url.Values{"move": {"up"}}, http.StatusForbidden)
		order("No doxxing", "Be kind", "No spam")

		admin.lang = "fr"
		contains(t, admin.get("/admin/rules", 200), "Monter", "Descendre")
		admAudited(t, s, "rule.move")
	})
}

package mastodon_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
)

// TestPoliciesAndAnnouncements: admins publish versions of the terms and
// the moderation policy, each announced to every member; the version in
// effect and the history are public.
func TestPoliciesAndAnnouncements(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, mod := staff(t, s, "admin", domain.RoleAdmin), staff(t, s, "mod", domain.RoleModerator)
		alice := s.NewUser(t, "alice")
		s.Must(t, 404, "GET", "/api/v1/instance/terms_of_service", "", nil)
		today := time.Now().UTC().Format(time.DateOnly)
		later := time.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)

		s.Must(t, 403, "POST", "/api/agora/v1/admin/policies", mod.Token, map[string]any{"kind": "terms_of_service", "content": "x"})
		s.Must(t, 422, "POST", "/api/agora/v1/admin/policies", admin.Token, map[string]any{"kind": "poem", "content": "x"})
		s.Must(t, 422, "POST", "/api/agora/v1/admin/policies", admin.Token, map[string]any{"kind": "terms_of_service", "content": "x", "effective_date": "2001-01-01"})
		s.Must(t, 200, "POST", "/api/agora/v1/admin/policies", admin.Token, map[string]any{"kind": "terms_of_service",
			"content": "Be kind.\n\nSee https://example.org/rules & more.", "summary": "First terms."})
		s.Must(t, 422, "POST", "/api/agora/v1/admin/policies", admin.Token, map[string]any{"kind": "terms_of_service", "content": "again, same day"})
		s.Must(t, 200, "POST", "/api/agora/v1/admin/policies", admin.Token, map[string]any{"kind": "terms_of_service",
			"content": "Be kind, and cite sources.", "summary": "Sources required.", "effective_date": later})

		tos := s.Must(t, 200, "GET", "/api/v1/instance/terms_of_service", "", nil).Map(t)
		if tos["effective_date"] != today || tos["effective"] != true || tos["succeeded_by"] != later ||
			!strings.Contains(tos["content"].(string), `<p>Be kind.</p><p>See <a href="https://example.org/rules"`) {
			t.Errorf("terms now = %v", tos)
		}
		next := s.Must(t, 200, "GET", "/api/v1/instance/terms_of_service/"+later, "", nil).Map(t)
		if next["effective_date"] != later || next["succeeded_by"] != nil || !strings.Contains(next["content"].(string), "cite sources") {
			t.Errorf("terms later = %v", next)
		}
		s.Must(t, 422, "GET", "/api/v1/instance/terms_of_service/yesterday", "", nil)
		if h := s.Must(t, 200, "GET", "/api/agora/v1/instance/policies/terms_of_service/versions", "", nil).List(t); len(h) != 2 || h[0]["summary"] != "Sources required." {
			t.Errorf("history = %v", h)
		}
		s.Must(t, 404, "GET", "/api/v1/instance/moderation_policy", "", nil)

		// Each version was announced to members, who can mark it read.
		ann := s.Must(t, 200, "GET", "/api/v1/announcements", alice.Token, nil).List(t)
		if len(ann) != 2 || !strings.Contains(ann[0]["content"].(string), "New terms of service, effective "+later) || ann[0]["read"] != false {
			t.Fatalf("announcements = %v", ann)
		}
		s.Must(t, 200, "POST", "/api/v1/announcements/"+ann[0]["id"].(string)+"/dismiss", alice.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/announcements", alice.Token, nil).List(t); got[0]["read"] != true || got[1]["read"] != false {
			t.Errorf("after dismiss = %v", got)
		}
		s.Must(t, 404, "POST", "/api/v1/announcements/1/dismiss", alice.Token, nil)

		// Announcements of the admins' own, with a window.
		s.Must(t, 422, "POST", "/api/agora/v1/admin/announcements", admin.Token, map[string]any{"text": ""})
		x := s.Must(t, 200, "POST", "/api/agora/v1/admin/announcements", admin.Token, map[string]any{"text": "Maintenance tonight",
			"ends_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}).Map(t)
		future := s.Must(t, 200, "POST", "/api/agora/v1/admin/announcements", admin.Token, map[string]any{"text": "Next week",
			"starts_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)}).Map(t)
		if got := s.Must(t, 200, "GET", "/api/v1/announcements", alice.Token, nil).List(t); len(got) != 3 {
			t.Errorf("current announcements = %d, want 3 (the future one hidden)", len(got))
		}
		if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/announcements", admin.Token, nil).List(t); len(got) != 4 {
			t.Errorf("admin list = %d, want 4", len(got))
		}
		s.Must(t, 403, "DELETE", "/api/agora/v1/admin/announcements/"+x["id"].(string), mod.Token, nil)
		s.Must(t, 200, "DELETE", "/api/agora/v1/admin/announcements/"+future["id"].(string), admin.Token, nil)
		s.Must(t, 401, "GET", "/api/v1/announcements", "", nil)
	})
}

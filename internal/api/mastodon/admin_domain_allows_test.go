package mastodon_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
)

func TestAdminDomainAllows(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		mux := http.NewServeMux()
		s.App.API.RegisterDomainAllowsForTest(mux)
		ts := httptest.NewServer(mux)
		t.Cleanup(ts.Close)
		api := &apitest.Server{Server: ts, App: s.App}

		admin := staff(t, s, "admin", domain.RoleAdmin)
		mod := staff(t, s, "mod", domain.RoleModerator)
		alice := s.NewUser(t, "alice")

		api.Must(t, 401, "GET", "/api/v1/admin/domain_allows", "", nil)
		api.Must(t, 403, "GET", "/api/v1/admin/domain_allows", alice.Token, nil)
		api.Must(t, 403, "POST", "/api/v1/admin/domain_allows", mod.Token, url.Values{"domain": {"friends.example"}})
		api.Must(t, 422, "POST", "/api/v1/admin/domain_allows", admin.Token, url.Values{"domain": {"not a domain"}})
		a := api.Must(t, 200, "POST", "/api/v1/admin/domain_allows", admin.Token, url.Values{"domain": {"*.Friends.example."}}).Map(t)
		if a["domain"] != "friends.example" || a["id"] == "" || a["created_at"] == nil {
			t.Fatalf("created allow = %v", a)
		}
		// Allowing it again returns the same allow.
		if again := api.Must(t, 200, "POST", "/api/v1/admin/domain_allows", admin.Token, url.Values{"domain": {"friends.example"}}).Map(t); again["id"] != a["id"] {
			t.Errorf("second allow = %v, want %v", again, a)
		}
		b := api.Must(t, 200, "POST", "/api/v1/admin/domain_allows", admin.Token, url.Values{"domain": {"pals.example"}}).Map(t)

		list := api.Must(t, 200, "GET", "/api/v1/admin/domain_allows", admin.Token, nil).List(t)
		if len(list) != 2 || list[0]["id"] != b["id"] || list[1]["id"] != a["id"] {
			t.Errorf("list = %v", list)
		}
		if page := api.Must(t, 200, "GET", "/api/v1/admin/domain_allows?limit=1", admin.Token, nil).List(t); len(page) != 1 || page[0]["id"] != b["id"] {
			t.Errorf("first page = %v", page)
		}
		if one := api.Must(t, 200, "GET", "/api/v1/admin/domain_allows/"+a["id"].(string), admin.Token, nil).Map(t); one["domain"] != "friends.example" {
			t.Errorf("one = %v", one)
		}
		api.Must(t, 404, "GET", "/api/v1/admin/domain_allows/12345", admin.Token, nil)

		// The domain and its subdomains are allowed; others not.
		for host, want := range map[string]bool{"friends.example": true, "a.friends.example:8443": true, "notfriends.example": false} {
			if got, err := s.App.Store.DomainAllowed(ctx, host); err != nil || got != want {
				t.Errorf("DomainAllowed(%s) = %v, %v; want %v", host, got, err, want)
			}
		}

		api.Must(t, 403, "DELETE", "/api/v1/admin/domain_allows/"+a["id"].(string), mod.Token, nil)
		api.Must(t, 200, "DELETE", "/api/v1/admin/domain_allows/"+a["id"].(string), admin.Token, nil)
		api.Must(t, 404, "DELETE", "/api/v1/admin/domain_allows/"+a["id"].(string), admin.Token, nil)
		if got, err := s.App.Store.DomainAllowed(ctx, "friends.example"); err != nil || got {
			t.Errorf("after delete: DomainAllowed = %v, %v", got, err)
		}
		var n int
		if err := s.App.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM moderation_audit_log WHERE action LIKE 'domain_allow.%'`).Scan(&n); err != nil || n != 3 {
			t.Errorf("audit entries = %d, %v; want 3", n, err)
		}
	})
}

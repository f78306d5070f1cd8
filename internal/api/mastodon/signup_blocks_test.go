package mastodon_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

// TestEmailAndIPBlocks: admins refuse sign-ups from an e-mail provider or
// a network, or hold them for approval.
func TestEmailAndIPBlocks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, mod := staff(t, s, "admin", domain.RoleAdmin), staff(t, s, "mod", domain.RoleModerator)
		app := appToken(t, s)
		signUp := func(name, email string) *apitest.Response {
			return s.Do(t, "POST", "/api/v1/accounts", app, map[string]any{"username": name, "email": email,
				"password": "correct horse battery", "agreement": true})
		}
		s.Must(t, 403, "POST", "/api/v1/admin/email_domain_blocks", mod.Token, map[string]any{"domain": "spam.example"})
		s.Must(t, 422, "POST", "/api/v1/admin/email_domain_blocks", admin.Token, map[string]any{"domain": "not a domain"})
		b := s.Must(t, 200, "POST", "/api/v1/admin/email_domain_blocks", admin.Token, map[string]any{"domain": "Spam.Example"}).Map(t)
		if b["domain"] != "spam.example" || b["history"] == nil {
			t.Errorf("block = %v", b)
		}
		s.Must(t, 422, "POST", "/api/v1/admin/email_domain_blocks", admin.Token, map[string]any{"domain": "spam.example"})
		if r := signUp("eve", "eve@mail.spam.example"); r.Status != 422 || !strings.Contains(string(r.Body), "e-mail provider") {
			t.Errorf("sign-up at a blocked provider: %d %s", r.Status, r.Body)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts", app, map[string]any{"username": "fred", "email": "fred@fine.example",
			"password": "correct horse battery", "agreement": true})
		if got := s.Must(t, 200, "GET", "/api/v1/admin/email_domain_blocks", admin.Token, nil).List(t); len(got) != 1 {
			t.Errorf("blocks = %v", got)
		}
		s.Must(t, 200, "DELETE", "/api/v1/admin/email_domain_blocks/"+b["id"].(string), admin.Token, nil)
		s.Must(t, 404, "GET", "/api/v1/admin/email_domain_blocks/"+b["id"].(string), admin.Token, nil)
		if r := signUp("eve", "eve@mail.spam.example"); r.Status != 200 {
			t.Errorf("sign-up after the block was lifted: %d %s", r.Status, r.Body)
		}

		// The tests' requests come from 127.0.0.1.
		s.Must(t, 422, "POST", "/api/v1/admin/ip_blocks", admin.Token, map[string]any{"ip": "nonsense", "severity": "no_access"})
		s.Must(t, 422, "POST", "/api/v1/admin/ip_blocks", admin.Token, map[string]any{"ip": "127.0.0.1", "severity": "banish"})
		ip := s.Must(t, 200, "POST", "/api/v1/admin/ip_blocks", admin.Token, map[string]any{"ip": "127.0.0.7/8",
			"severity": "sign_up_requires_approval", "comment": "a wave of spam", "expires_in": 86400}).Map(t)
		if ip["ip"] != "127.0.0.0/8" || ip["expires_at"] == nil || ip["comment"] != "a wave of spam" {
			t.Errorf("IP block = %v", ip)
		}
		r := signUp("gina", "gina@fine.example")
		if r.Status != 200 {
			t.Fatalf("sign-up under approval: %d %s", r.Status, r.Body)
		}
		s.Must(t, 403, "GET", "/api/v1/accounts/verify_credentials", r.Map(t)["access_token"].(string), nil)
		s.Must(t, 200, "PUT", "/api/v1/admin/ip_blocks/"+ip["id"].(string), admin.Token, map[string]any{"severity": "sign_up_block"})
		if r := signUp("hank", "hank@fine.example"); r.Status != 403 || !strings.Contains(string(r.Body), "network") {
			t.Errorf("sign-up from a blocked network: %d %s", r.Status, r.Body)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/admin/ip_blocks", admin.Token, nil).List(t); len(got) != 1 || got[0]["severity"] != "sign_up_block" {
			t.Errorf("IP blocks = %v", got)
		}
		s.Must(t, 200, "DELETE", "/api/v1/admin/ip_blocks/"+ip["id"].(string), admin.Token, nil)
		s.Must(t, 403, "GET", "/api/v1/admin/ip_blocks", mod.Token, nil)
	}, "AGORA_RATE_LIMITS=false")
}

// TestNoAccessIPBlock: a no_access rule keeps a network out entirely.
func TestNoAccessIPBlock(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	admin := s.NewUserRole(t, "admin", domain.RoleAdmin)
	u, err := s.App.Store.UserByAccount(context.Background(), admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	ip, severity := "203.0.113.0/24", "no_access"
	if _, err := moderation.New(s.App.Store, nil, s.URL).SaveIPBlock(context.Background(), u, 0,
		moderation.IPBlockInput{IP: &ip, Severity: &severity}); err != nil {
		t.Fatal(err)
	}
	get := func(forwarded string) int {
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/instance", nil)
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded) // behind a reverse proxy on loopback
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get("203.0.113.9"); got != 403 {
		t.Errorf("a request from the blocked network: %d, want 403", got)
	}
	if got := get("198.51.100.4"); got != 200 {
		t.Errorf("a request from elsewhere: %d, want 200", got)
	}
}

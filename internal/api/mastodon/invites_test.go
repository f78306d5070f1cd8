package mastodon_test

import (
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestInvites: in invite mode only invitees sign up, each link within its
// uses and time; an invite may make the newcomer follow the inviter.
func TestInvites(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		app := appToken(t, s)
		signUp := func(name, code string) *apitest.Response {
			return s.Do(t, "POST", "/api/v1/accounts", app, map[string]any{"username": name, "email": name + "@example.org",
				"password": "correct horse battery", "agreement": true, "invite_code": code})
		}
		if r := signUp("nobody", ""); r.Status != 403 || !strings.Contains(string(r.Body), "invitation") {
			t.Errorf("sign-up without invite: %d %s", r.Status, r.Body)
		}
		inv := s.Must(t, 200, "POST", "/api/agora/v1/invites", alice.Token, map[string]any{"max_uses": 1, "expires_in": 3600,
			"autofollow": true, "comment": "for the library"}).Map(t)
		code := inv["code"].(string)
		if inv["url"] != s.App.Cfg.URL+"/invite/"+code || inv["max_uses"] != float64(1) || inv["valid"] != true || inv["expires_at"] == nil {
			t.Errorf("invite = %v", inv)
		}
		res := s.Must(t, 200, "POST", "/api/v1/accounts", app, map[string]any{"username": "bob", "email": "bob@example.org",
			"password": "correct horse battery", "agreement": true, "invite_code": code}).Map(t)
		bob := res["access_token"].(string)
		rel := s.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+alice.AccountID, bob, nil).List(t)
		if rel[0]["following"] != true {
			t.Errorf("autofollow: relationship = %v", rel[0])
		}
		if r := signUp("carol", code); r.Status != 422 || !strings.Contains(string(r.Body), "invitation") {
			t.Errorf("used-up invite: %d %s", r.Status, r.Body)
		}
		if r := signUp("carol", "no-such-code"); r.Status != 422 {
			t.Errorf("unknown invite: %d %s", r.Status, r.Body)
		}
		// An unlimited invite works until revoked.
		multi := s.Must(t, 200, "POST", "/api/agora/v1/invites", alice.Token, map[string]any{}).Map(t)
		if multi["max_uses"] != nil || multi["expires_at"] != nil {
			t.Errorf("unlimited invite = %v", multi)
		}
		for _, name := range []string{"carol", "dave"} {
			if r := signUp(name, multi["code"].(string)); r.Status != 200 {
				t.Errorf("sign-up %s with an unlimited invite: %d %s", name, r.Status, r.Body)
			}
		}
		s.Must(t, 200, "DELETE", "/api/agora/v1/invites/"+multi["id"].(string), alice.Token, nil)
		if r := signUp("erin", multi["code"].(string)); r.Status != 422 {
			t.Errorf("revoked invite: %d %s", r.Status, r.Body)
		}
		list := s.Must(t, 200, "GET", "/api/agora/v1/invites", alice.Token, nil).List(t)
		if len(list) != 2 || list[0]["uses"] != float64(2) || list[0]["valid"] != false || list[1]["uses"] != float64(1) {
			t.Errorf("invites = %v", list)
		}
		// Others' invites are not one's own; limits are explicit.
		s.Must(t, 404, "DELETE", "/api/agora/v1/invites/"+inv["id"].(string), bob, nil)
		s.Must(t, 422, "POST", "/api/agora/v1/invites", alice.Token, map[string]any{"max_uses": 1000})
		s.Must(t, 422, "POST", "/api/agora/v1/invites", alice.Token, map[string]any{"expires_in": 60})
		s.Must(t, 401, "GET", "/api/agora/v1/invites", "", nil)
	}, "AGORA_REGISTRATIONS=invite", "AGORA_RATE_LIMITS=false")
}

// TestInviteSkipsApproval: with approval required, an invitee is approved.
func TestInviteSkipsApproval(t *testing.T) {
	s := apitest.Start(t, "sqlite", "AGORA_REGISTRATIONS=approval")
	alice := s.NewUser(t, "alice")
	code := s.Must(t, 200, "POST", "/api/agora/v1/invites", alice.Token, nil).Map(t)["code"].(string)
	res := s.Must(t, 200, "POST", "/api/v1/accounts", appToken(t, s), map[string]any{"username": "bob", "email": "bob@example.org",
		"password": "correct horse battery", "agreement": true, "invite_code": code}).Map(t)
	s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", res["access_token"].(string), nil)
}

// TestNoInvitesWhenClosed: closed means closed, invitations included.
func TestNoInvitesWhenClosed(t *testing.T) {
	s := apitest.Start(t, "sqlite", "AGORA_REGISTRATIONS=closed")
	alice := s.NewUser(t, "alice")
	s.Must(t, 403, "POST", "/api/agora/v1/invites", alice.Token, nil)
}

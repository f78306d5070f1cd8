package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The admin CLI works on the running server's database, and its token
// works against the running server.
func TestAdminCLI(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		if !strings.Contains(s.log.String(), "/setup?token=") {
			t.Errorf("no first-admin link in the log:\n%s", s.log.String())
		}
		out := s.admin(t, "create-user", "--username", "root_admin", "--email", "root@example.org", "--password", "correct horse battery", "--role", "admin")
		if !strings.Contains(out, "created @root_admin") {
			t.Errorf("create-user printed %q", out)
		}
		tok := s.admin(t, "token", "--username", "root_admin", "--scopes", "read write")
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/accounts/verify_credentials", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var me struct {
			Acct string `json:"acct"`
			Role struct {
				Name string `json:"name"`
			} `json:"role"`
		}
		if err := json.NewDecoder(res.Body).Decode(&me); err != nil || res.StatusCode != 200 {
			t.Fatalf("verify_credentials: %d %v", res.StatusCode, err)
		}
		if me.Acct != "root_admin" || me.Role.Name != "Admin" {
			t.Errorf("got %+v", me)
		}
		// Bad input: a precise message and a non-zero exit.
		for _, args := range [][]string{
			{"create-user", "--username", "root_admin", "--email", "other@example.org", "--password", "correct horse battery"},
			{"create-user", "--username", "x", "--email", "not-an-email", "--password", "correct horse battery"},
			{"create-user", "--username", "y", "--email", "y@example.org", "--password", "short"},
			{"create-user", "--username", "z", "--email", "z@example.org", "--password", "correct horse battery", "--role", "king"},
			{"token", "--username", "nobody"},
			{"token", "--username", "root_admin", "--scopes", "read everything"},
			{"frobnicate"},
		} {
			out, err := s.adminErr(args...)
			if err == nil {
				t.Errorf("agora admin %v succeeded; want an error", args)
			} else if !strings.Contains(out, "agora:") {
				t.Errorf("agora admin %v: no message: %q", args, out)
			}
		}
	})
}

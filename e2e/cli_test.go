package e2e

import (
	"archive/zip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
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

// Under approval, a sign-up waits until an admin approves it from the CLI.
func TestApproveCLI(t *testing.T) {
	s := startServer(t, "sqlite", "AGORA_REGISTRATIONS=approval")
	post := func(path, token string, form url.Values) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != 200 {
			t.Fatalf("POST %s: %d %v %v", path, res.StatusCode, m, err)
		}
		return m
	}
	app := post("/api/v1/apps", "", url.Values{"client_name": {"signup"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read write"}})
	appTok := post("/oauth/token", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {app["client_id"].(string)},
		"client_secret": {app["client_secret"].(string)}, "scope": {"read write"}})["access_token"].(string)
	userTok := post("/api/v1/accounts", appTok, url.Values{"username": {"dana"}, "email": {"dana@example.org"},
		"password": {"correct horse battery"}, "agreement": {"true"}, "reason": {"I work at the library"}})["access_token"].(string)
	status := func() int {
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/accounts/verify_credentials", nil)
		req.Header.Set("Authorization", "Bearer "+userTok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := status(); got != 403 {
		t.Fatalf("before approval: %d, want 403", got)
	}
	if out := s.admin(t, "approve", "--username", "dana"); out != "approved @dana" {
		t.Errorf("approve printed %q", out)
	}
	if got := status(); got != 200 {
		t.Fatalf("after approval: %d, want 200", got)
	}
	if _, err := s.adminErr("approve", "--username", "nobody"); err == nil {
		t.Errorf("approving an unknown user succeeded")
	}
	// The CLI approval takes the moderators' path: it is in the audit log,
	// and the account counts as approved by a person, so the new-account
	// limits (no links to other sites during the first day) do not apply.
	post("/api/v1/statuses", userTok, url.Values{"status": {"The library opens at 9: https://library.example/hours"}})
	s.admin(t, "create-user", "--username", "auditor", "--email", "auditor@example.org", "--password", "correct horse battery", "--role", "moderator")
	modTok := s.admin(t, "token", "--username", "auditor", "--scopes", "read admin:read")
	req, _ := http.NewRequest("GET", s.URL+"/api/agora/v1/admin/audit_log", nil)
	req.Header.Set("Authorization", "Bearer "+modTok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var audit []struct {
		Action, Detail string
		AccountID      *string `json:"account_id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&audit); err != nil || res.StatusCode != 200 {
		t.Fatalf("audit log: %d %v", res.StatusCode, err)
	}
	res.Body.Close()
	approvals := 0
	for _, e := range audit {
		if e.Action == "account.approve" {
			approvals++
			if e.AccountID != nil || !strings.Contains(e.Detail, "agora admin approve") {
				t.Errorf("approval entry %+v: want no moderator and the CLI named", e)
			}
		}
	}
	if approvals != 1 {
		t.Errorf("audit log has %d account.approve entries, want 1: %+v", approvals, audit)
	}

	// An invitation from the CLI skips approval.
	link := s.admin(t, "invite", "--username", "dana", "--max-uses", "1", "--expires-in", "1h")
	code, ok := strings.CutPrefix(link, s.URL+"/invite/")
	if !ok || code == "" {
		t.Fatalf("invite printed %q", link)
	}
	invitee := post("/api/v1/accounts", appTok, url.Values{"username": {"eve"}, "email": {"eve@example.org"},
		"password": {"correct horse battery"}, "agreement": {"true"}, "invite_code": {code}})["access_token"].(string)
	userTok = invitee
	if got := status(); got != 200 {
		t.Errorf("invitee under approval: %d, want 200", got)
	}
	if _, err := s.adminErr("invite", "--username", "dana", "--max-uses", "500"); err == nil {
		t.Errorf("an invite with 500 uses was accepted")
	}

	// A lost password: the operator prints a reset link that opens the form.
	reset := s.admin(t, "reset-password", "--username", "dana")
	if !strings.HasPrefix(reset, s.URL+"/auth/password/edit?token=") {
		t.Fatalf("reset-password printed %q", reset)
	}
	res, err = http.Get(reset)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), `type="password"`) {
		t.Errorf("reset page: %d\n%s", res.StatusCode, page)
	}
	if _, err := s.adminErr("reset-password", "--username", "nobody"); err == nil {
		t.Errorf("a reset link for an unknown user was printed")
	}

	// An account's archive, written by the operator (for a person who can
	// no longer sign in); an existing file is never overwritten.
	zipPath := filepath.Join(t.TempDir(), "dana.zip")
	if out := s.admin(t, "export", "--username", "dana", "--out", zipPath); out != zipPath {
		t.Errorf("export printed %q", out)
	}
	z, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("the export is not a ZIP: %v", err)
	}
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	z.Close()
	if !names["actor.json"] || !names["outbox.json"] || !names["following_accounts.csv"] {
		t.Errorf("the export holds %v", names)
	}
	if out, err := s.adminErr("export", "--username", "dana", "--out", zipPath); err == nil || !strings.Contains(out, "file exists") {
		t.Errorf("export over an existing file: %v %q", err, out)
	}
	if out, err := s.adminErr("export", "--username", "nobody", "--out", zipPath+"2"); err == nil || !strings.Contains(out, `no local user "nobody"`) {
		t.Errorf("export of an unknown user: %v %q", err, out)
	}
}

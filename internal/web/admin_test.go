package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// admRemoteAccount inserts a remote account of host with one public
// status, following target; when followed is set, target follows it too.
func admRemoteAccount(t *testing.T, s *apitest.Server, username, host string, target domain.ID, followed bool) domain.ID {
	t.Helper()
	ctx := context.Background()
	st := s.App.Store
	id, sid, now := st.IDs.Next(), st.IDs.Next(), time.Now().UnixMilli()
	stmts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO accounts (id, username, domain, uri, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			[]any{int64(id), username, host, fmt.Sprintf("https://%s/users/%s", host, username), now}},
		{`INSERT INTO statuses (id, account_id, uri, local, content, visibility, conversation_id, created_at)
			VALUES ($1, $2, $3, FALSE, '<p>hello</p>', 'public', $1, $4)`, []any{int64(sid), int64(id), fmt.Sprintf("https://%s/s/%d", host, sid), now}},
		{`INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4)`, []any{int64(st.IDs.Next()), int64(id), int64(target), now}},
	}
	if followed {
		stmts = append(stmts, struct {
			sql  string
			args []any
		}{`INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4)`, []any{int64(st.IDs.Next()), int64(target), int64(id), now}})
	}
	for _, q := range stmts {
		if _, err := s.App.DB.W.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// admAudited checks that the audit log holds action (the API's entries).
func admAudited(t *testing.T, s *apitest.Server, actions ...string) {
	t.Helper()
	es, err := s.App.Store.AuditLog(context.Background(), store.AuditFilter{}, domain.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.Action] = true
	}
	for _, a := range actions {
		if !seen[a] {
			t.Errorf("audit log lacks %s", a)
		}
	}
}

// admStaff signs in an admin, a moderator and a member.
func admStaff(t *testing.T, s *apitest.Server) (admin, mod, member, anon *browser) {
	s.NewUserRole(t, "root", domain.RoleAdmin)
	s.NewUserRole(t, "mod", domain.RoleModerator)
	s.NewUser(t, "alice")
	admin, mod, member, anon = newBrowser(t, s), newBrowser(t, s), newBrowser(t, s), newBrowser(t, s)
	admin.signIn("root")
	mod.signIn("mod")
	member.signIn("alice")
	return
}

func location(t *testing.T, p *page, want string) {
	t.Helper()
	if got := p.Header.Get("Location"); got != want {
		t.Fatalf("went to %q, want %q", got, want)
	}
}

// TestAdminDomainsPage: blocks listed, added (a suspension only after its
// consequences are shown and confirmed), edited and lifted, without
// JavaScript; admins only, as the API.
func TestAdminDomainsPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, mod, member, anon := admStaff(t, s)
		alice, err := s.App.Store.AccountByHandle(t.Context(), "alice", "")
		if err != nil {
			t.Fatal(err)
		}
		admRemoteAccount(t, s, "troll", "spam.example", alice.ID, true)
		admRemoteAccount(t, s, "bot", "a.spam.example", alice.ID, false)
		admRemoteAccount(t, s, "friend", "fine.example", alice.ID, true)

		anon.get("/admin/domains", http.StatusSeeOther)
		member.get("/admin/domains", http.StatusForbidden)
		mod.get("/admin/domains", http.StatusForbidden) // Manage Federation is the admins'
		p := admin.get("/admin/domains", 200)
		contains(t, p, "Block-list mode", "No server is blocked.", `aria-current="page">Servers`)
		if strings.Contains(p.Body, "Allowed servers") {
			t.Error("the allows are shown in block-list mode")
		}

		p = admin.post("/admin/domains", "/admin/domains", url.Values{"domain": {"not a domain"}, "severity": {"silence"}}, 422)
		contains(t, p, "This is not a domain name", `aria-invalid="true"`, `value="not a domain"`)
		admin.lang = "fr"
		p = admin.post("/admin/domains", "/admin/domains", url.Values{"domain": {"not a domain"}, "severity": {"silence"}}, 422)
		contains(t, p, "Ce n’est pas un nom de domaine")
		admin.lang = "en"

		// A suspension shows what it removes first, and nothing changes.
		form := url.Values{"domain": {"*.Spam.Example"}, "severity": {"suspend"}, "reject_reports": {"1"},
			"public_comment": {"Spam and harassment"}, "private_comment": {"see report 12"}}
		p = admin.post("/admin/domains", "/admin/domains", form, 200)
		contains(t, p, "Suspend spam.example?", "2 accounts and their 2 posts will be removed",
			"2 follows of your members by accounts there, and 1 follows of accounts there by your members", `name="confirm" value="1"`)
		if bs, _ := s.App.Store.DomainBlocks(t.Context(), domain.Page{Limit: 10}); len(bs) != 0 {
			t.Fatalf("blocked before the confirmation: %v", bs)
		}
		mod.post("/admin/reports", "/admin/domains", form, http.StatusForbidden)
		form.Set("confirm", "1")
		location(t, admin.post("/admin/domains", "/admin/domains", form, http.StatusSeeOther), "/admin/domains")
		p = admin.get("/admin/domains", 200)
		contains(t, p, "The server is blocked.", "<h3>spam.example</h3>", "Suspend", "reports ignored", "Public reason: Spam and harassment",
			"Private note: see report 12")
		bs, err := s.App.Store.DomainBlocks(t.Context(), domain.Page{Limit: 10})
		if err != nil || len(bs) != 1 || bs[0].Severity != store.SeveritySuspend || !bs[0].RejectReports {
			t.Fatalf("blocks = %v, %v", bs, err)
		}
		id := bs[0].ID.String()
		pub := s.Must(t, 200, "GET", "/api/v1/instance/domain_blocks", "", nil).List(t)
		if len(pub) != 1 || pub[0]["domain"] != "spam.example" || pub[0]["comment"] != "Spam and harassment" {
			t.Errorf("public blocks = %v", pub)
		}
		p = admin.post("/admin/domains", "/admin/domains", url.Values{"domain": {"spam.example"}, "severity": {"silence"}}, 422)
		contains(t, p, "This domain is blocked already")

		// Edit: lighter severity, the box unticked, obfuscated; no confirmation.
		p = admin.get("/admin/domains/"+id, 200)
		contains(t, p, "Block of spam.example", `id="severity-suspend" name="severity" type="radio" value="suspend" checked`)
		location(t, admin.post("/admin/domains/"+id, "/admin/domains/"+id, url.Values{"severity": {"silence"}, "obfuscate": {"1"},
			"public_comment": {"Spam"}}, http.StatusSeeOther), "/admin/domains")
		b, err := s.App.Store.DomainBlock(t.Context(), bs[0].ID)
		if err != nil || b.Severity != store.SeveritySilence || b.RejectReports || !b.Obfuscate || b.PublicComment != "Spam" || b.PrivateComment != "" {
			t.Fatalf("edited block = %+v, %v", b, err)
		}
		// Back to suspend: confirmed again.
		p = admin.post("/admin/domains/"+id, "/admin/domains/"+id, url.Values{"severity": {"suspend"}}, 200)
		contains(t, p, "Suspend spam.example?", `action="/admin/domains/`+id+`"`)
		admin.post("/admin/domains/"+id, "/admin/domains/"+id, url.Values{"severity": {"banish"}}, 422)
		admin.get("/admin/domains/123", http.StatusNotFound)

		location(t, admin.post("/admin/domains", "/admin/domains/"+id+"/delete", url.Values{}, http.StatusSeeOther), "/admin/domains")
		contains(t, admin.get("/admin/domains", 200), "The block is lifted.", "No server is blocked.")
		admAudited(t, s, "domain_block.create", "domain_block.update", "domain_block.delete")
	})
}

// TestAdminDomainAllows: in allow-list mode the page says so and edits
// the allows.
func TestAdminDomainAllows(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, _, _, _ := admStaff(t, s)
		p := admin.get("/admin/domains", 200)
		contains(t, p, "Allow-list mode", "Allowed servers", "No server is allowed")
		admin.post("/admin/domains", "/admin/domain_allows", url.Values{"domain": {"nope"}}, 422)
		location(t, admin.post("/admin/domains", "/admin/domain_allows", url.Values{"domain": {"Friends.Example"}}, http.StatusSeeOther), "/admin/domains")
		contains(t, admin.get("/admin/domains", 200), "The server is allowed.", "<span>friends.example</span>")
		allows, err := s.App.Store.DomainAllows(t.Context(), domain.Page{Limit: 10})
		if err != nil || len(allows) != 1 {
			t.Fatalf("allows = %v, %v", allows, err)
		}
		admin.post("/admin/domains", "/admin/domain_allows/"+allows[0].ID.String()+"/delete", url.Values{}, http.StatusSeeOther)
		contains(t, admin.get("/admin/domains", 200), "No server is allowed")
		admAudited(t, s, "domain_allow.create", "domain_allow.destroy")
	}, "AGORA_FEDERATION_MODE=allowlist")
}

// TestAdminSignUpsPage: e-mail domain and IP blocks, with readable
// validation messages in English and French.
func TestAdminSignUpsPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, mod, member, _ := admStaff(t, s)
		member.get("/admin/signups", http.StatusForbidden)
		mod.get("/admin/signups", http.StatusForbidden)
		contains(t, admin.get("/admin/signups", 200), "No e-mail domain is blocked.", "No IP rule.")

		admin.post("/admin/signups", "/admin/signups/email", url.Values{"domain": {"@@"}}, 422)
		location(t, admin.post("/admin/signups", "/admin/signups/email", url.Values{"domain": {"Mailinator.com"}}, http.StatusSeeOther), "/admin/signups")
		contains(t, admin.get("/admin/signups", 200), "Sign-ups from this e-mail domain are refused", "mailinator.com")
		if ok, err := s.App.Store.EmailDomainBlocked(t.Context(), "x@eu.mailinator.com"); err != nil || !ok {
			t.Errorf("e-mail domain not blocked: %v %v", ok, err)
		}
		contains(t, admin.post("/admin/signups", "/admin/signups/email", url.Values{"domain": {"mailinator.com"}}, 422), "blocked already")

		bad := url.Values{"ip": {"10.0.0.0/33"}, "severity": {"sign_up_block"}, "expires_in": {"0"}}
		p := admin.post("/admin/signups", "/admin/signups/ip", bad, 422)
		contains(t, p, "This is neither an IP address nor a CIDR range", `value="10.0.0.0/33"`)
		admin.lang = "fr"
		contains(t, admin.post("/admin/signups", "/admin/signups/ip", bad, 422), "Ce n’est ni une adresse IP ni une plage CIDR")
		admin.lang = "en"
		admin.post("/admin/signups", "/admin/signups/ip", url.Values{"ip": {"10.0.0.0/8"}, "severity": {"ban"}}, 422)
		admin.post("/admin/signups", "/admin/signups/ip", url.Values{"ip": {"10.0.0.0/8"}, "severity": {"sign_up_block"}, "expires_in": {"soon"}}, 422)
		location(t, admin.post("/admin/signups", "/admin/signups/ip", url.Values{"ip": {"10.9.8.7/16"}, "severity": {"sign_up_block"},
			"expires_in": {"86400"}, "comment": {"spam wave"}}, http.StatusSeeOther), "/admin/signups")
		p = admin.get("/admin/signups", 200)
		contains(t, p, "The IP rule is added.", "<strong>10.9.0.0/16</strong>", "Sign-ups refused", "until ", "spam wave")
		ips, err := s.App.Store.IPBlocks(t.Context(), true, 10)
		if err != nil || len(ips) != 1 || ips[0].ExpiresAt == nil {
			t.Fatalf("ip blocks = %v, %v", ips, err)
		}
		emails, _ := s.App.Store.EmailDomainBlocks(t.Context(), domain.Page{Limit: 10})
		admin.post("/admin/signups", "/admin/signups/ip/"+ips[0].ID.String()+"/delete", url.Values{}, http.StatusSeeOther)
		admin.post("/admin/signups", "/admin/signups/email/"+emails[0].ID.String()+"/delete", url.Values{}, http.StatusSeeOther)
		contains(t, admin.get("/admin/signups", 200), "No e-mail domain is blocked.", "No IP rule.")
		admAudited(t, s, "email_domain_block.create", "email_domain_block.delete", "ip_block.create", "ip_block.delete")
	})
}

// TestAdminRulesPage: admins add, edit and delete rules; moderators read
// them.
func TestAdminRulesPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, mod, member, _ := admStaff(t, s)
		member.get("/admin/rules", http.StatusForbidden)
		contains(t, admin.get("/admin/rules", 200), "No rules yet.", `action="/admin/rules"`)

		p := admin.post("/admin/rules", "/admin/rules", url.Values{"text": {"  "}}, 422)
		contains(t, p, "The text is required")
		admin.post("/admin/rules", "/admin/rules", url.Values{"text": {"Be kind"}, "hint": {"No harassment."}}, http.StatusSeeOther)
		admin.post("/admin/rules", "/admin/rules", url.Values{"text": {"No spam"}}, http.StatusSeeOther)
		rules, err := s.App.Store.Rules(t.Context())
		if err != nil || len(rules) != 2 || rules[0].Text != "Be kind" || rules[0].Hint != "No harassment." {
			t.Fatalf("rules = %v, %v", rules, err)
		}
		id := rules[0].ID.String()
		p = admin.post("/admin/rules", "/admin/rules/"+id, url.Values{"text": {strings.Repeat("x", 1001)}}, 422)
		contains(t, p, `id="rule-`+id+`-error"`)
		admin.post("/admin/rules", "/admin/rules/"+id, url.Values{"text": {"Be kind to everyone"}, "hint": {""}}, http.StatusSeeOther)
		rules, _ = s.App.Store.Rules(t.Context())
		if rules[0].Text != "Be kind to everyone" || rules[0].Hint != "" {
			t.Fatalf("edited rule = %+v", rules[0])
		}
		s.Must(t, 200, "GET", "/api/v1/instance/rules", "", nil)

		p = mod.get("/admin/rules", 200)
		contains(t, p, "Be kind to everyone", "Only administrators can change this")
		if strings.Contains(p.Body, `action="/admin/rules`) {
			t.Error("a moderator is offered the rule forms")
		}
		mod.post("/admin/rules", "/admin/rules", url.Values{"text": {"Mine"}}, http.StatusForbidden)
		mod.post("/admin/rules", "/admin/rules/"+id+"/delete", url.Values{}, http.StatusForbidden)

		contains(t, admin.get("/admin/rules", 200), "statements of reasons no longer quote its text")
		admin.post("/admin/rules", "/admin/rules/"+id+"/delete", url.Values{}, http.StatusSeeOther)
		contains(t, admin.get("/admin/rules", 200), "The rule is deleted.", "No spam")
		admAudited(t, s, "rule.create", "rule.update", "rule.delete")
	})
}

// TestAdminPoliciesAndAnnouncements: a new terms version is published
// with its announcement; announcements are published and withdrawn;
// moderators read both pages.
func TestAdminPoliciesAndAnnouncements(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin, mod, member, _ := admStaff(t, s)
		member.get("/admin/policies", http.StatusForbidden)
		member.get("/admin/announcements", http.StatusForbidden)
		contains(t, admin.get("/admin/policies", 200), "Terms of service", "Moderation policy", "No version published yet.")

		today := time.Now().UTC().Format(time.DateOnly)
		p := admin.post("/admin/policies", "/admin/policies", url.Values{"kind": {"terms_of_service"}, "content": {"Be nice."},
			"effective_date": {"2001-01-01"}}, 422)
		contains(t, p, "The effective date must be today or later.", "Be nice.")
		admin.lang = "fr"
		contains(t, admin.post("/admin/policies", "/admin/policies", url.Values{"kind": {"terms_of_service"}, "content": {""},
			"effective_date": {today}}, 422), "Le texte est obligatoire")
		admin.lang = "en"
		location(t, admin.post("/admin/policies", "/admin/policies", url.Values{"kind": {"terms_of_service"},
			"content": {"Be nice.\n\nSee https://example.org/more"}, "summary": {"First terms."}, "effective_date": {today}},
			http.StatusSeeOther), "/admin/policies")
		p = admin.get("/admin/policies", 200)
		contains(t, p, "The new version is published", "In effect since "+today, "First terms.", "in effect",
			`<a href="https://example.org/more" rel="nofollow noopener" target="_blank">`)
		admin.post("/admin/policies", "/admin/policies", url.Values{"kind": {"terms_of_service"}, "content": {"Again"},
			"effective_date": {today}}, 422)
		mp := mod.get("/admin/policies", 200)
		contains(t, mp, "First terms.", "Only administrators can change this")
		mod.post("/admin/policies", "/admin/policies", url.Values{"kind": {"terms_of_service"}, "content": {"x"}}, http.StatusForbidden)

		// The publication is announced to members, as through the API.
		p = admin.get("/admin/announcements", 200)
		contains(t, p, "New terms of service, effective "+today+".", "First terms.", "Shown now")
		alice := s.NewUser(t, "bob")
		anns := s.Must(t, 200, "GET", "/api/v1/announcements", alice.Token, nil).List(t)
		if len(anns) != 1 {
			t.Fatalf("announcements = %v", anns)
		}

		admin.post("/admin/announcements", "/admin/announcements", url.Values{"text": {"Maintenance"}, "starts_at": {"tomorrow"}}, 422)
		p = admin.post("/admin/announcements", "/admin/announcements", url.Values{"text": {"Maintenance"},
			"starts_at": {"2030-01-02T10:00"}, "ends_at": {"2030-01-01T10:00"}}, 422)
		contains(t, p, "The end must come after the start.", "Maintenance")
		admin.post("/admin/announcements", "/admin/announcements", url.Values{"text": {"Maintenance on Sunday"},
			"starts_at": {"2030-01-01T10:00"}, "ends_at": {"2030-01-02T10:00"}}, http.StatusSeeOther)
		p = admin.get("/admin/announcements", 200)
		contains(t, p, "The announcement is published.", "Maintenance on Sunday", "Scheduled", "Jan 1, 2030, 10:00 UTC")

		mp = mod.get("/admin/announcements", 200)
		contains(t, mp, "Maintenance on Sunday", "Only administrators can change this")
		list, err := s.App.Store.Announcements(t.Context(), 0, true)
		if err != nil || len(list) != 2 {
			t.Fatalf("announcements = %v, %v", list, err)
		}
		mod.post("/admin/announcements", "/admin/announcements/"+list[0].ID.String()+"/delete", url.Values{}, http.StatusForbidden)
		admin.post("/admin/announcements", "/admin/announcements/"+list[0].ID.String()+"/delete", url.Values{}, http.StatusSeeOther)
		p = admin.get("/admin/announcements", 200)
		contains(t, p, "The announcement is withdrawn.")
		if strings.Contains(p.Body, "Maintenance on Sunday") {
			t.Error("the withdrawn announcement is still listed")
		}
		admAudited(t, s, "policy.publish", "announcement.create", "announcement.delete")
	})
}

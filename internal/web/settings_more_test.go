package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

func TestNotificationSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		bob := s.NewUser(t, "bob")
		alice := s.NewUser(t, "alice")
		b := newBrowser(t, s)
		b.signIn("bob")
		p := b.get("/settings/notifications", 200)
		contains(t, p, "Calm mode is off.", `role="switch" aria-checked="false"`, `name="for_not_following"`, "No filtered notifications.")

		// Calm mode on: a stranger's mention waits in the filtered list.
		b.post("/settings/notifications", "/settings/notifications/calm", url.Values{"calm": {"1"}}, http.StatusSeeOther)
		contains(t, b.get("/settings/notifications", 200), "Calm mode is on.", `aria-checked="true"`)
		aliceAcct, _ := s.App.Store.Account(ctx, alice.ID)
		if _, err := statuses.New(s.App.Cfg, s.App.Store).Post(ctx, aliceAcct, domain.Preferences{}, statuses.PostInput{Text: "@bob hello there"}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.get("/notifications", 200).Body, "alice mentioned you") {
			t.Error("calm mode let a stranger's mention through")
		}
		p = b.get("/settings/notifications", 200)
		contains(t, p, `href="/@alice"`, "1 notification")
		id := regexp.MustCompile(`action="/settings/notifications/requests/(\d+)"`).FindStringSubmatch(p.Body)
		if id == nil {
			t.Fatal("no filtered notification request listed")
		}
		b.post("/settings/notifications", "/settings/notifications/requests/"+id[1], url.Values{"do": {"accept"}}, http.StatusSeeOther)
		contains(t, b.get("/notifications", 200), "alice mentioned you")
		contains(t, b.get("/settings/notifications", 200), "No filtered notifications.")

		// The policy, and calm mode off keeping it.
		b.post("/settings/notifications", "/settings/notifications/policy", url.Values{"for_new_accounts": {"drop"}}, http.StatusSeeOther)
		b.post("/settings/notifications", "/settings/notifications/calm", url.Values{"calm": {"0"}}, http.StatusSeeOther)
		pol, err := s.App.Store.NotificationPolicy(ctx, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pol.CalmMode || pol.ForNewAccounts != "drop" || pol.ForPrivateMentions != "filter" {
			t.Errorf("policy = %+v", pol)
		}
		if p := b.post("/settings/notifications", "/settings/notifications/policy", url.Values{"for_new_accounts": {"maybe"}}, 422); !strings.Contains(p.Body, "accept, filter, drop") {
			t.Error("a wrong policy value is not explained")
		}
		b.lang = "fr"
		contains(t, b.get("/settings/notifications", 200), "Mode calme", "Activer le mode calme")
	})
}

func TestInvitations(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/settings/invites", 200), "You have no invitation links.")
		b.post("/settings/invites", "/settings/invites", url.Values{"max_uses": {"1"}, "expires_in": {"86400"}, "autofollow": {"1"}}, http.StatusSeeOther)
		p := b.get("/settings/invites", 200)
		contains(t, p, "Used 0 of 1 times", "they follow you", "Revoke the link")
		m := regexp.MustCompile(`value="(https?://[^"]+/invite/([^"]+))" readonly`).FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatal("no invitation link on the page")
		}
		code := m[2]
		if p := b.post("/settings/invites", "/settings/invites", url.Values{"max_uses": {"1000"}}, 422); !strings.Contains(p.Body, "Choose from 1 to 100 uses") {
			t.Error("too many uses not explained")
		}

		// The link leads to the sign-up form with the code, naming alice.
		nb := newBrowser(t, s)
		r := nb.get("/invite/"+code, http.StatusSeeOther)
		loc := r.Header.Get("Location")
		if loc != "/auth/sign_up?invite_code="+code {
			t.Fatalf("invite went to %q", loc)
		}
		contains(t, nb.get(loc, 200), `name="invite_code" value="`+code+`"`, "alice invited you.")
		nb.post(loc, "/auth/sign_up", url.Values{"username": {"newbie"}, "email": {"newbie@example.org"}, "password": {"secret password"},
			"password_confirmation": {"secret password"}, "agreement": {"1"}, "invite_code": {code}}, http.StatusSeeOther)
		contains(t, nb.get("/@alice", 200), "Unfollow")
		contains(t, b.get("/settings/invites", 200), "Used 1 of 1 times", "used up")

		// Revoking.
		b.post("/settings/invites", "/settings/invites", url.Values{"max_uses": {""}, "expires_in": {""}}, http.StatusSeeOther)
		p = b.get("/settings/invites", 200)
		id := regexp.MustCompile(`action="/settings/invites/(\d+)/revoke"`).FindStringSubmatch(p.Body)
		if id == nil {
			t.Fatal("no revoke button")
		}
		b.post("/settings/invites", "/settings/invites/"+id[1]+"/revoke", url.Values{}, http.StatusSeeOther)
		if strings.Contains(b.get("/settings/invites", 200).Body, "/revoke") {
			t.Error("the revoked link can still be revoked")
		}
	})
}

func TestInviteOnlyRegistrations(t *testing.T) {
	s := apitest.Start(t, db.SQLite, "AGORA_REGISTRATIONS=invite")
	s.NewUser(t, "alice")
	b := newBrowser(t, s)
	b.signIn("alice")
	b.post("/settings/invites", "/settings/invites", url.Values{"max_uses": {"5"}}, http.StatusSeeOther)
	code := regexp.MustCompile(`/invite/([^"]+)" readonly`).FindStringSubmatch(b.get("/settings/invites", 200).Body)[1]
	nb := newBrowser(t, s)
	if strings.Contains(nb.get("/auth/sign_up", 200).Body, `name="username"`) {
		t.Error("the sign-up form is open without an invitation")
	}
	contains(t, nb.get("/auth/sign_up?invite_code="+code, 200), `name="username"`, "alice invited you.")
}

func TestDomainBlocks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/settings/domain_blocks", 200), "You block no servers.")
		b.post("/settings/domain_blocks", "/settings/domain_blocks", url.Values{"do": {"block"}, "domain": {"Spam.Example"}}, http.StatusSeeOther)
		contains(t, b.get("/settings/domain_blocks", 200), "The server is blocked.", `value="spam.example"`)
		p := b.post("/settings/domain_blocks", "/settings/domain_blocks", url.Values{"do": {"block"}, "domain": {"not a domain"}}, 422)
		contains(t, p, "is not a server name", `aria-invalid="true"`, `value="not a domain"`)
		host, _ := url.Parse(s.URL)
		p = b.post("/settings/domain_blocks", "/settings/domain_blocks", url.Values{"do": {"block"}, "domain": {host.Host}}, 422)
		if !strings.Contains(p.Body, "You cannot block your own server.") && !strings.Contains(p.Body, "is not a server name") {
			t.Error("one's own server could be blocked")
		}
		b.post("/settings/domain_blocks", "/settings/domain_blocks", url.Values{"do": {"unblock"}, "domain": {"spam.example"}}, http.StatusSeeOther)
		contains(t, b.get("/settings/domain_blocks", 200), "The server is unblocked.", "You block no servers.")
	})
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

// TestFilterSettings creates, edits and deletes a filter from the settings
// pages, checking its effect on the home timeline.
func TestFilterSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "Durian for breakfast"})
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/settings", 200), `href="/settings/filters"`, `href="/lists"`, `href="/settings/apps"`, `href="/follow_requests"`)
		contains(t, b.get("/", 200), "Durian for breakfast")

		// Mistakes come back with what was typed.
		p := b.post("/settings/filters", "/settings/filters", url.Values{"title": {""}, "keyword_rows": {"3"}, "keyword_0": {"durian"},
			"context": {"home"}, "filter_action": {"hide"}, "expires_in": {"0"}}, 422)
		contains(t, p, "Give the filter a name.", `value="durian"`)
		p = b.post("/settings/filters", "/settings/filters", url.Values{"title": {"Fruit"}, "keyword_rows": {"3"}, "keyword_0": {"durian"},
			"filter_action": {"hide"}, "expires_in": {"0"}}, 422)
		contains(t, p, "Choose at least one place")

		b.post("/settings/filters", "/settings/filters", url.Values{"title": {"Fruit"}, "keyword_rows": {"3"}, "keyword_0": {"durian"},
			"whole_word_0": {"1"}, "context": {"home", "public"}, "filter_action": {"hide"}, "expires_in": {"0"}}, 303)
		list := b.get("/settings/filters", 200)
		contains(t, list, "The filter is saved.", "Fruit", "<code>durian</code>", "Hide it completely")
		if strings.Contains(b.get("/", 200).Body, "Durian for breakfast") {
			t.Error("the filter did not hide the post at home")
		}

		// Edit: warn instead of hide, a second keyword, then remove the first.
		id := regexp.MustCompile(`href="/settings/filters/(\d+)"`).FindStringSubmatch(list.Body)
		if id == nil {
			t.Fatal("no link to the filter")
		}
		edit := "/settings/filters/" + id[1]
		form := b.get(edit, 200)
		kwID := regexp.MustCompile(`name="keyword_id_0" value="(\d+)"`).FindStringSubmatch(form.Body)
		if kwID == nil {
			t.Fatal("no keyword id in the edit form")
		}
		b.post(edit, edit, url.Values{"title": {"Fruit"}, "keyword_rows": {"4"}, "keyword_id_0": {kwID[1]}, "keyword_0": {"durian"},
			"keyword_1": {"mango"}, "context": {"home"}, "filter_action": {"warn"}, "expires_in": {""}, "do": {"save"}}, 303)
		contains(t, b.get("/", 200), "Filtered: Fruit")
		contains(t, b.get(edit, 200), `value="mango"`, `value="durian"`)
		b.post(edit, edit, url.Values{"title": {"Fruit"}, "keyword_rows": {"2"}, "keyword_id_0": {kwID[1]}, "keyword_0": {"durian"},
			"remove_0": {"1"}, "context": {"home"}, "filter_action": {"warn"}, "expires_in": {"3600"}, "do": {"save"}}, 303)
		contains(t, b.get("/", 200), "Durian for breakfast")
		if p := b.get("/", 200); strings.Contains(p.Body, "Filtered: Fruit") {
			t.Error("a removed keyword still filters")
		}
		contains(t, b.get("/settings/filters", 200), "expires ")

		// Another account cannot see or change it.
		other := newBrowser(t, s)
		other.signIn("bob")
		other.get(edit, 404)
		other.post("/settings/filters", edit, url.Values{"do": {"delete"}}, 404)

		b.post(edit, edit, url.Values{"do": {"delete"}}, 303)
		contains(t, b.get("/settings/filters", 200), "The filter is deleted.", "You have no filters.")
	})
}

// TestListSettings manages a list and reads its timeline.
func TestListSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		for _, u := range []*apitest.User{bob, carol} {
			s.Must(t, 200, "POST", "/api/v1/accounts/"+u.AccountID+"/follow", alice.Token, nil)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "Bob on the list"})
		s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "Carol not on the list"})
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/lists", 200), "You have no lists.")
		contains(t, b.post("/lists", "/lists", url.Values{"title": {" "}}, 422), "Give the list a name.")
		p := b.post("/lists", "/lists", url.Values{"title": {"Friends"}}, 303)
		edit := p.Header.Get("Location")
		if !regexp.MustCompile(`^/lists/\d+/edit$`).MatchString(edit) {
			t.Fatalf("after creating went to %q", edit)
		}
		listPath := strings.TrimSuffix(edit, "/edit")
		page := b.get(edit, 200)
		contains(t, page, "The list is created.", `href="/@bob"`, `href="/@carol"`, `value="add"`)
		b.post(edit, listPath, url.Values{"do": {"add"}, "account_id": {bob.AccountID}}, 303)
		contains(t, b.get(edit, 200), "Added to the list.", `value="remove"`)
		tl := b.get(listPath, 200)
		contains(t, tl, "Bob on the list", "Friends")
		if strings.Contains(tl.Body, "Carol not on the list") {
			t.Error("a non-member's post is in the list timeline")
		}
		// Only followed accounts may be added.
		dave := s.NewUser(t, "dave")
		b.post(edit, listPath, url.Values{"do": {"add"}, "account_id": {dave.AccountID}}, 422)
		b.post(edit, listPath, url.Values{"do": {"remove"}, "account_id": {bob.AccountID}}, 303)
		if strings.Contains(b.get(listPath, 200).Body, "Bob on the list") {
			t.Error("a removed member's post is still in the list")
		}
		b.post(edit, listPath, url.Values{"do": {"rename"}, "title": {"Close friends"}}, 303)
		contains(t, b.get("/lists", 200), "Close friends")
		// Others' lists are not found.
		other := newBrowser(t, s)
		other.signIn("bob")
		other.get(listPath, 404)
		other.get(edit, 404)
		b.post(edit, listPath, url.Values{"do": {"delete"}}, 303)
		contains(t, b.get("/lists", 200), "The list is deleted.", "You have no lists.")
		b.get(listPath, 404)
	})
}

// TestAuthorizedApps lists an app holding a token and revokes it.
func TestAuthorizedApps(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice := s.NewUser(t, "alice")
	ctx := context.Background()
	app := &domain.App{Name: "Tusky", Website: "javascript:alert(1)", RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"},
		Scopes: domain.Scopes{"read", "write"}, ClientID: "cid", ClientSecret: "secret"}
	if err := s.App.Store.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(ctx, auth.HashSecret(tok), &domain.Token{AppID: app.ID, UserID: alice.UserID, Scopes: domain.Scopes{"read"}}); err != nil {
		t.Fatal(err)
	}
	s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok, nil)
	b := newBrowser(t, s)
	b.signIn("alice")
	p := b.get("/settings/apps", 200)
	contains(t, p, "Tusky", "Permissions: read", `action="/settings/apps/`+app.ID.String()+`/revoke"`)
	if strings.Contains(p.Body, "javascript:") {
		t.Error("a javascript: website became a link")
	}
	bob := newBrowser(t, s)
	s.NewUser(t, "bob")
	bob.signIn("bob")
	contains(t, bob.get("/settings/apps", 200), "No app has access")
	bob.post("/settings/apps", "/settings/apps/"+app.ID.String()+"/revoke", url.Values{}, 404)
	s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", tok, nil)

	b.post("/settings/apps", "/settings/apps/"+app.ID.String()+"/revoke", url.Values{}, 303)
	contains(t, b.get("/settings/apps", 200), "no longer has access", "No app has access")
	if r := s.Do(t, "GET", "/api/v1/accounts/verify_credentials", tok, nil); r.Status != 401 {
		t.Errorf("revoked token: status %d, want 401", r.Status)
	}
	// The personal token of the test user (no app) still works.
	s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
}

// TestFollowRequestsPage accepts a request from its own page.
func TestFollowRequestsPage(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"locked": true})
	s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
	b := newBrowser(t, s)
	b.signIn("alice")
	contains(t, b.get("/follow_requests", 200), `href="/@bob"`, `action="/web/follow_requests/`+bob.AccountID+`"`)
	b.post("/follow_requests", "/web/follow_requests/"+bob.AccountID, url.Values{"do": {"authorize"}, "return_to": {"/follow_requests"}}, 303)
	contains(t, b.get("/follow_requests", 200), "No pending follow requests.")
	rel := s.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+alice.AccountID, bob.Token, nil).List(t)
	if len(rel) != 1 || rel[0]["following"] != true {
		t.Errorf("bob's relationship after acceptance: %v", rel)
	}
}

// TestSuspendedWebSession checks that a suspended account's browser only
// reaches its statements of reasons (and can appeal), like its API token.
func TestSuspendedWebSession(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		mod := s.NewUserRole(t, "mod", domain.RoleModerator)
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/statements", 200), "No moderation decision concerns your account.")
		ctx := context.Background()
		modUser, _ := s.App.Store.User(ctx, mod.UserID)
		aliceAcct, _ := s.App.Store.AccountByHandle(ctx, "alice", "")
		d, err := moderation.New(s.App.Store, s.App.Log, s.App.Cfg.URL).AccountAction(ctx, modUser, aliceAcct.ID, "suspend", 0, "Spam.")
		if err != nil {
			t.Fatal(err)
		}
		if p := b.do("GET", "/", nil); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/statements" {
			t.Errorf("home: status %d to %q, want a redirect to /statements", p.Status, p.Header.Get("Location"))
		}
		for _, path := range []string{"/settings", "/notifications", "/public/local", "/@alice", "/settings/filters", "/lists"} {
			p := b.get(path, 403)
			contains(t, p, "Your account is suspended", `href="/statements/`+d.ID.String()+`"`)
			if strings.Contains(p.Body, `href="/notifications"`) {
				t.Errorf("%s: the page offers the navigation of an active account", path)
			}
		}
		statements := b.get("/statements", 200)
		contains(t, statements, "Account suspended", `action="/auth/sign_out"`)
		b.get("/statements/"+d.ID.String(), 200)
		// Posting is refused; appealing is not.
		contains(t, b.post("/statements", "/web/statuses", url.Values{"status": {"still here"}}, 403), "Your account is suspended")
		b.post("/statements/"+d.ID.String(), "/statements/"+d.ID.String()+"/appeal", url.Values{"text": {"It was not spam."}}, 303)
		contains(t, b.get("/statements/"+d.ID.String(), 200), "It was not spam.")
		// Their data stays theirs: the export page and its downloads work,
		// the import does not.
		contains(t, statements, `href="/settings/export"`)
		b.get("/settings/export", 200)
		b.get("/settings/export/following_accounts.csv", 200)
		if p := b.postFile("following", "merge", "f.csv", "bob@example.org\n"); p.Status != http.StatusForbidden {
			t.Errorf("import while suspended: %d", p.Status)
		}
	})
}

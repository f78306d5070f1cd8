package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

// browser is an HTTP client with cookies that does not follow redirects,
// like a browser without JavaScript as far as forms go.
type browser struct {
	t    testing.TB
	s    *apitest.Server
	c    *http.Client
	lang string
}

func newBrowser(t testing.TB, s *apitest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, lang: "en", c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(method, path string, form url.Values) *page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.s.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", b.lang)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return &page{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
}

func (b *browser) get(path string, want int) *page {
	b.t.Helper()
	p := b.do("GET", path, nil)
	if p.Status != want {
		b.t.Fatalf("GET %s: status %d, want %d\n%s", path, p.Status, want, p.Body)
	}
	return p
}

var tokenRE = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

// post submits a form from the page at from (for its token) and checks
// the status of the answer.
func (b *browser) post(from, action string, form url.Values, want int) *page {
	b.t.Helper()
	m := tokenRE.FindStringSubmatch(b.get(from, 200).Body)
	if m == nil {
		b.t.Fatalf("no form token on %s", from)
	}
	form.Set("authenticity_token", m[1])
	p := b.do("POST", action, form)
	if p.Status != want {
		b.t.Fatalf("POST %s: status %d, want %d\n%s", action, p.Status, want, p.Body)
	}
	return p
}

func (b *browser) signIn(login string) {
	b.t.Helper()
	p := b.post("/auth/sign_in", "/auth/sign_in", url.Values{"login": {login}, "password": {"correct horse battery"}}, http.StatusSeeOther)
	if p.Header.Get("Location") != "/" {
		b.t.Fatalf("sign in went to %q", p.Header.Get("Location"))
	}
}

// accountID is the id of a local account, as the pages print it.
func (b *browser) accountID(t testing.TB, username string) string {
	t.Helper()
	a, err := b.s.App.Store.AccountByHandle(context.Background(), username, "")
	if err != nil {
		t.Fatal(err)
	}
	return a.ID.String()
}

func contains(t testing.TB, p *page, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.Body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

func TestPagesWithoutJavaScript(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.NewUser(t, "bob")
		ctx := context.Background()
		bobAcct, _ := s.App.Store.Account(ctx, bob.ID)
		svc := statuses.New(s.App.Cfg, s.App.Store)
		bobPost, err := svc.Post(ctx, bobAcct, domain.Preferences{}, statuses.PostInput{Text: "Hello from bob #agora"})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := svc.Post(ctx, bobAcct, domain.Preferences{}, statuses.PostInput{Text: "followers only secret", Visibility: "private"})
		if err != nil {
			t.Fatal(err)
		}

		anon := newBrowser(t, s)
		landing := anon.get("/", 200)
		contains(t, landing, "Hello from bob", `href="/auth/sign_up"`, `<main id="main"`, "Content-Security-Policy"[:0])
		if csp := landing.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP = %q", csp)
		}
		if strings.Contains(landing.Body, "followers only secret") {
			t.Error("a followers-only post is on the landing page")
		}
		anon.get("/@bob/"+secret.String(), 404)
		anon.get("/@nobody", 404)
		anon.get("/tags/agora", 200)

		// Sign up, with an error first: what was typed comes back, the password does not.
		b := newBrowser(t, s)
		p := b.post("/auth/sign_up", "/auth/sign_up", url.Values{"username": {"alice"}, "email": {"not-an-email"},
			"password": {"secret password"}, "password_confirmation": {"secret password"}, "agreement": {"1"}}, 422)
		contains(t, p, `value="alice"`, `id="email-error"`, `aria-invalid="true"`)
		if strings.Contains(p.Body, "secret password") {
			t.Error("the password came back in the page")
		}
		p = b.post("/auth/sign_up", "/auth/sign_up", url.Values{"username": {"alice"}, "email": {"alice@example.org"},
			"password": {"secret password"}, "password_confirmation": {"secret password"}, "agreement": {"1"}}, 303)
		contains(t, b.get("/", 200), "Welcome!", `id="compose"`)

		// Follow bob, see his post at home, favourite, boost, reply.
		bobID := bob.AccountID
		b.post("/@bob", "/web/accounts/"+bobID+"/follow", url.Values{"value": {"1"}, "return_to": {"/@bob"}}, 303)
		home := b.get("/", 200)
		contains(t, home, "You follow this account now.", "Hello from bob", "followers only secret")
		b.post("/", "/web/statuses/"+bobPost.String(), url.Values{"do": {"favourite"}, "return_to": {"/"}}, 303)
		b.post("/", "/web/statuses/"+bobPost.String(), url.Values{"do": {"boost"}, "return_to": {"/"}}, 303)
		home = b.get("/", 200)
		contains(t, home, `value="unfavourite" aria-pressed="true"`, `value="unboost" aria-pressed="true"`)
		p = b.post("/@bob/"+bobPost.String(), "/web/statuses", url.Values{"status": {"@bob nice!"}, "spoiler_text": {"spoilers"},
			"in_reply_to_id": {bobPost.String()}, "return_to": {"/@bob/" + bobPost.String()}}, 303)
		if loc := p.Header.Get("Location"); loc != "/@bob/"+bobPost.String() {
			t.Errorf("reply went back to %q", loc)
		}
		contains(t, b.get("/@bob/"+bobPost.String(), 200), "spoilers", "<details")

		// An empty post comes back with the error, the content warning kept.
		p = b.post("/", "/web/statuses", url.Values{"status": {" "}, "spoiler_text": {"keep me"}}, 422)
		contains(t, p, "Write something before posting.", `value="keep me"`)

		// Bob sees the notifications.
		bb := newBrowser(t, s)
		bb.signIn("bob")
		contains(t, bb.get("/notifications", 200), "alice followed you", "alice favourited your post", "alice boosted your post", "alice mentioned you")

		// A locked account answers follow requests from its notifications.
		carol := s.NewUser(t, "carol")
		cu, _ := s.App.Store.User(ctx, carol.UserID)
		ca, _ := s.App.Store.Account(ctx, carol.ID)
		locked := true
		if _, _, err := s.App.Accounts.UpdateProfile(ctx, cu, ca, accounts.ProfileUpdate{Locked: &locked}); err != nil {
			t.Fatal(err)
		}
		b.post("/@carol", "/web/accounts/"+carol.AccountID+"/follow", url.Values{"value": {"1"}, "return_to": {"/@carol"}}, 303)
		contains(t, b.get("/@carol", 200), "Follow request sent.", "Cancel the follow request")
		cb := newBrowser(t, s)
		cb.signIn("carol")
		contains(t, cb.get("/notifications", 200), "alice asked to follow you", `action="/web/follow_requests/`)
		cb.post("/notifications", "/web/follow_requests/"+b.accountID(t, "alice"), url.Values{"do": {"authorize"}, "return_to": {"/notifications"}}, 303)
		contains(t, cb.get("/notifications", 200), "Follow request accepted.")
		contains(t, b.get("/@carol", 200), "Unfollow")

		// Settings, in French.
		b.post("/settings", "/settings/profile", url.Values{"display_name": {"Alice A."}, "note": {"Hi"}, "field_name_0": {"Web"},
			"field_value_0": {"https://example.org"}}, 303)
		b.post("/settings", "/settings/preferences", url.Values{"visibility": {"unlisted"}, "language": {"fr"}, "locale": {"fr"}}, 303)
		prof := b.get("/@alice", 200)
		contains(t, prof, "Alice A.", "Web", `rel="nofollow noopener me"`, `<html lang="fr">`, "Modifier le profil")

		// Search and the other pages.
		contains(t, b.get("/search?q=bob", 200), `href="/@bob"`)
		for _, path := range []string{"/public", "/public/local", "/favourites", "/bookmarks", "/@bob/followers", "/@alice/following", "/@bob/with_replies"} {
			b.get(path, 200)
		}

		// A form without its token is refused.
		if p := b.do("POST", "/web/statuses", url.Values{"status": {"csrf"}}); p.Status != 403 {
			t.Errorf("post without token: status %d, want 403", p.Status)
		}
		// Redirects stay on this server.
		p = b.post("/", "/web/statuses/"+bobPost.String(), url.Values{"do": {"bookmark"}, "return_to": {"//evil.example/x"}}, 303)
		if loc := p.Header.Get("Location"); loc != "/" {
			t.Errorf("return_to to another host went to %q", loc)
		}

		// Block and unblock from the profile and the settings.
		b.post("/@carol", "/web/accounts/"+carol.AccountID+"/relationship", url.Values{"do": {"block"}, "return_to": {"/@carol"}}, 303)
		contains(t, b.get("/@carol", 200), "Bloqué", `value="unblock"`)
		contains(t, b.get("/settings", 200), `href="/@carol"`, `value="unblock"`)
		b.post("/settings", "/web/accounts/"+carol.AccountID+"/relationship", url.Values{"do": {"unblock"}, "return_to": {"/settings"}}, 303)
		contains(t, b.get("/settings", 200), "Débloqué.")

		// Delete one's own post.
		mine := b.get("/@alice/with_replies", 200)
		m := regexp.MustCompile(`action="/web/statuses/(\d+)"`).FindStringSubmatch(mine.Body)
		if m == nil || !strings.Contains(mine.Body, `value="delete"`) {
			t.Fatal("no delete button on one's own post")
		}
		b.post("/@alice/with_replies", "/web/statuses/"+m[1], url.Values{"do": {"delete"}, "return_to": {"/@alice"}}, 303)
		contains(t, b.get("/@alice", 200), "Le message est supprimé.")
		b.get("/@alice/"+m[1], 404)

		// Log out.
		b.post("/", "/auth/sign_out", url.Values{}, 303)
		contains(t, b.get("/", 200), `href="/auth/sign_up"`)
	})
}

// TestTimelineSize checks the budget: a timeline page of 20 posts, with its
// stylesheet and script, stays under 50 KB.
func TestTimelineSize(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	bob := s.NewUser(t, "bob")
	alice := s.NewUser(t, "alice")
	ctx := context.Background()
	bobAcct, _ := s.App.Store.Account(ctx, bob.ID)
	svc := statuses.New(s.App.Cfg, s.App.Store)
	for i := range 25 {
		text := strings.Repeat("A typical post with a few words and a link https://example.org/some/path #tag ", 3)[:200] + string(rune('a'+i))
		if _, err := svc.Post(ctx, bobAcct, domain.Preferences{}, statuses.PostInput{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, s)
	b.signIn("alice")
	b.post("/@bob", "/web/accounts/"+bob.AccountID+"/follow", url.Values{"value": {"1"}}, 303)
	_ = alice
	home := b.get("/", 200)
	if n := strings.Count(home.Body, "<article"); n != 20 {
		t.Fatalf("home shows %d posts, want 20", n)
	}
	css := b.get("/web/static/style.css", 200)
	js := b.get("/web/static/app.js", 200)
	total := len(home.Body) + len(css.Body) + len(js.Body)
	if dir := os.Getenv("AGORA_WEB_DUMP"); dir != "" {
		_ = os.WriteFile(dir+"/home.html", []byte(home.Body), 0o644)
	}
	t.Logf("home with 20 posts: HTML %d B, CSS %d B, JS %d B, total %d B", len(home.Body), len(css.Body), len(js.Body), total)
	// Over the wire, compressed.
	req, _ := http.NewRequest("GET", s.URL+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	u, _ := url.Parse(s.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	gz, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || len(gz) >= len(home.Body)/3 {
		t.Errorf("home over gzip: %d bytes, Content-Encoding %q", len(gz), res.Header.Get("Content-Encoding"))
	}
	t.Logf("home with 20 posts, gzipped: %d B", len(gz))
	if total > 50*1024 {
		t.Errorf("timeline page weighs %d bytes, want at most %d", total, 50*1024)
	}
}

// TestFiltersApply checks that the viewer's filters hide statuses or put
// them behind a warning in the web UI as in the API.
func TestFiltersApply(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
	for _, text := range []string{"I ate a durian today", "Kumquat season is here"} {
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": text})
	}
	for _, f := range []struct{ title, action, kw string }{{"Smelly", "hide", "durian"}, {"Citrus", "warn", "kumquat"}} {
		s.Must(t, 200, "POST", "/api/v2/filters", alice.Token, map[string]any{"title": f.title, "context": []string{"home"},
			"filter_action": f.action, "keywords_attributes": []map[string]any{{"keyword": f.kw}}})
	}
	b := newBrowser(t, s)
	b.signIn("alice")
	home := b.get("/", 200)
	if strings.Contains(home.Body, "durian") {
		t.Error("a post hidden by a filter is shown")
	}
	contains(t, home, "Filtered: Citrus", "Kumquat season")
	// Other contexts are not filtered.
	contains(t, b.get("/@bob", 200), "durian")
}

// TestSignUpApproval checks sign-up when a moderator approves accounts:
// the form asks for a reason and the account waits.
func TestSignUpApproval(t *testing.T) {
	s := apitest.Start(t, db.SQLite, "AGORA_REGISTRATIONS=approval")
	b := newBrowser(t, s)
	contains(t, b.get("/auth/sign_up", 200), `id="reason"`)
	p := b.post("/auth/sign_up", "/auth/sign_up", url.Values{"username": {"erin"}, "email": {"erin@example.org"},
		"password": {"secret password"}, "password_confirmation": {"secret password"}, "agreement": {"1"},
		"reason": {"I run the library's account."}}, 200)
	contains(t, p, "Your account is waiting for approval")
	// Not signed in: the landing page, not the home timeline.
	contains(t, b.get("/", 200), `href="/auth/sign_up"`)

	// The sign-up limit: mastodon.LimitSignUps accounts per address.
	for i := 2; i <= 6; i++ {
		name := "user" + strconv.Itoa(i)
		want := 200
		if i == 6 {
			want = 429
		}
		b.post("/auth/sign_up", "/auth/sign_up", url.Values{"username": {name}, "email": {name + "@example.org"},
			"password": {"secret password"}, "password_confirmation": {"secret password"}, "agreement": {"1"}}, want)
	}

	closed := apitest.Start(t, db.SQLite, "AGORA_REGISTRATIONS=closed")
	contains(t, newBrowser(t, closed).get("/auth/sign_up", 200), "not open to new accounts")
}

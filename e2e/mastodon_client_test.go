package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"
	"golang.org/x/net/html"
)

// A real Mastodon client library drives the real binary: app registration,
// the authorization-code flow through the HTML consent page, posting,
// following, the home timeline paged through Link headers, favourites and
// notifications.
func TestMastodonClientLibrary(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		s.admin(t, "create-user", "--username", "alice", "--email", "alice@example.org", "--password", "alice password 1")
		s.admin(t, "create-user", "--username", "bob", "--email", "bob@example.org", "--password", "bob password 12")

		codes := make(chan string, 1)
		callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			codes <- r.URL.Query().Get("code")
			io.WriteString(w, "ok")
		}))
		defer callback.Close()
		redirect := callback.URL + "/callback"

		app, err := mastodon.RegisterApp(ctx, &mastodon.AppConfig{
			Server: s.URL, ClientName: "go-mastodon e2e", RedirectURIs: redirect, Scopes: "read write follow",
		})
		if err != nil {
			t.Fatalf("register app: %v", err)
		}
		code := authorize(t, app.AuthURI+"&state=xyz", "alice@example.org", "alice password 1")
		alice := mastodon.NewClient(&mastodon.Config{Server: s.URL, ClientID: app.ClientID, ClientSecret: app.ClientSecret})
		if err := alice.GetUserAccessToken(ctx, code, redirect); err != nil {
			t.Fatalf("exchange code: %v", err)
		}
		me, err := alice.GetAccountCurrentUser(ctx)
		if err != nil || me.Acct != "alice" {
			t.Fatalf("current user: %+v, %v", me, err)
		}

		bob := mastodon.NewClient(&mastodon.Config{Server: s.URL, AccessToken: s.admin(t, "token", "--username", "bob")})
		bobMe, err := bob.GetAccountCurrentUser(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const n = 45
		var bobStatuses []*mastodon.Status
		for i := range n {
			st, err := bob.PostStatus(ctx, &mastodon.Toot{Status: fmt.Sprintf("bob's post %d #e2e", i), Visibility: "public"})
			if err != nil {
				t.Fatalf("bob posts: %v", err)
			}
			bobStatuses = append(bobStatuses, st)
		}
		rel, err := alice.AccountFollow(ctx, bobMe.ID)
		if err != nil || !rel.Following {
			t.Fatalf("follow: %+v %v", rel, err)
		}
		own, err := alice.PostStatus(ctx, &mastodon.Toot{Status: "hello from alice", SpoilerText: "greeting"})
		if err != nil {
			t.Fatal(err)
		}

		// Page through home with the Link header, 20 at a time.
		seen := map[mastodon.ID]bool{}
		var order []mastodon.ID
		pg := &mastodon.Pagination{Limit: 20}
		for pages := 0; pages < 10; pages++ {
			page, err := alice.GetTimelineHome(ctx, pg)
			if err != nil {
				t.Fatalf("home: %v", err)
			}
			for _, st := range page {
				if seen[st.ID] {
					t.Fatalf("status %s seen twice", st.ID)
				}
				seen[st.ID] = true
				order = append(order, st.ID)
			}
			if len(page) == 0 || pg.MaxID == "" {
				break
			}
			pg.Limit = 20
			pg.MinID, pg.SinceID = "", ""
		}
		// Backfill on follow brings bob's 40 most recent posts; alice's own is there too.
		if !seen[own.ID] || len(seen) < 41 {
			t.Fatalf("home has %d statuses (own seen: %v), want alice's and at least 40 of bob's", len(seen), seen[own.ID])
		}
		for i := 1; i < len(order); i++ {
			if !idLess(order[i], order[i-1]) {
				t.Fatalf("home not newest first at %d: %s then %s", i, order[i-1], order[i])
			}
		}

		target := bobStatuses[n-1]
		fav, err := alice.Favourite(ctx, target.ID)
		if err != nil || fav.Favourited != true || fav.FavouritesCount != 1 {
			t.Fatalf("favourite: %+v %v", fav, err)
		}
		notes, err := bob.GetNotifications(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, nt := range notes {
			kinds = append(kinds, nt.Type)
		}
		if !strings.Contains(strings.Join(kinds, ","), "favourite") || !strings.Contains(strings.Join(kinds, ","), "follow") {
			t.Errorf("bob's notifications = %v, want follow and favourite", kinds)
		}
		tag, err := alice.GetTimelineHashtag(ctx, "e2e", false, &mastodon.Pagination{Limit: 5})
		if err != nil || len(tag) != 5 {
			t.Errorf("hashtag timeline: %d statuses, %v", len(tag), err)
		}
	})
}

// idLess compares decimal ids as Tusky does: by length, then by content.
func idLess(a, b mastodon.ID) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// authorize logs in on the consent page and returns the authorization code
// from the redirect.
func authorize(t *testing.T, authURL, login, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("authorize page: %d %s", res.StatusCode, body)
	}
	form := hiddenInputs(t, string(body))
	form.Set("login", login)
	form.Set("password", password)
	form.Set("decision", "authorize")
	u, _ := url.Parse(authURL)
	u.RawQuery = ""
	res, err = c.PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s", res.StatusCode, body)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Query().Get("state") != "xyz" {
		t.Errorf("state not passed through: %s", loc)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", loc)
	}
	return code
}

func hiddenInputs(t *testing.T, page string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	v := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if attrs["type"] == "hidden" {
				v.Set(attrs["name"], attrs["value"])
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return v
}

package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// timelineBudget is issue 4's budget: a timeline page of 20 posts with its
// stylesheet and script, before images.
const timelineBudget = 50 * 1024

// pageWeight is the bytes a first visit to path downloads before images:
// the page, and the stylesheets and scripts it links to.
func pageWeight(t *testing.T, b *browser, path string) (html, assets int) {
	t.Helper()
	p := b.get(path, 200)
	for _, m := range assetRE.FindAllStringSubmatch(p.Body, -1) {
		assets += len(b.get(m[1], 200).Body)
	}
	return len(p.Body), assets
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/web/static/[^"]+)"`)

// TestTimelineBudgetWithCards holds the home timeline to the budget with
// a link card on every one of its 20 posts, as well as without cards.
func TestTimelineBudgetWithCards(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	ctx := context.Background()
	bob := s.NewUser(t, "bob")
	s.NewUser(t, "alice")
	bobAcct, _ := s.App.Store.Account(ctx, bob.ID)
	svc := statuses.New(s.App.Cfg, s.App.Store)
	var ids []domain.ID
	for i := range 25 {
		text := strings.Repeat("A typical post with a few words and a link https://example.org/some/path #tag ", 3)[:200] + string(rune('a'+i))
		id, err := svc.Post(ctx, bobAcct, domain.Preferences{}, statuses.PostInput{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	b := newBrowser(t, s)
	b.signIn("alice")
	b.post("/@bob", "/web/accounts/"+bob.AccountID+"/follow", url.Values{"value": {"1"}}, 303)
	b.get("/", 200) // the flash of the follow, shown once

	html, assets := pageWeight(t, b, "/")
	t.Logf("home, 20 posts without cards: HTML %d B + CSS/JS %d B = %d B", html, assets, html+assets)
	if html+assets > timelineBudget {
		t.Errorf("home without cards weighs %d bytes, want at most %d", html+assets, timelineBudget)
	}

	// A typical card, stored as the cards job would store it, on every post.
	for i, id := range ids {
		c := &store.Card{URL: "https://news.example.org/2026/12/03/a-typical-article-slug-" + string(rune('a'+i)), Type: "link",
			ProviderName: "Example News", Title: "A typical headline of about sixty characters, give or take it",
			Description: strings.Repeat("A typical description sentence. ", 8),
			ImageURL:    "https://cdn.example.org/images/2026/12/article.jpg", ImageKey: "cards/4f0c2a9d1e7b6a5c" + string(rune('a'+i)) + ".jpg"}
		if err := s.App.Store.SaveCard(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Store.SetStatusCard(ctx, id, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	home := b.get("/", 200)
	if n, cards := strings.Count(home.Body, "<article"), strings.Count(home.Body, `<a class="card"`); n != 20 || cards != 20 {
		t.Fatalf("home shows %d posts and %d cards, want 20 of each", n, cards)
	}
	withCards, assets := pageWeight(t, b, "/")
	t.Logf("home, 20 posts with cards: HTML %d B + CSS/JS %d B = %d B (a card: %d B)",
		withCards, assets, withCards+assets, (withCards-html)/20)
	if withCards+assets > timelineBudget {
		t.Errorf("home with 20 cards weighs %d bytes, want at most %d", withCards+assets, timelineBudget)
	}
	// Compact on the timeline: title and site, no description or image;
	// the post's own page shows the whole card.
	contains(t, home, `<strong>A typical headline of about sixty characters, give or take it</strong> <small>Example News</small></a>`)
	if strings.Contains(home.Body, "A typical description") || strings.Contains(home.Body, "/cards/") {
		t.Error("the timeline's cards show a description or an image")
	}
	thread := b.get("/@bob/"+ids[0].String(), 200)
	contains(t, thread, "A typical description sentence.", `/cards/4f0c2a9d1e7b6a5ca.jpg" alt=""`)
}

// TestTimelineStylesheets checks that timeline pages load only the core
// stylesheet and the other pages the rest too.
func TestTimelineStylesheets(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	s.NewUser(t, "alice")
	b := newBrowser(t, s)
	b.signIn("alice")
	for _, path := range []string{"/", "/public/local", "/bookmarks"} {
		if p := b.get(path, 200); strings.Contains(p.Body, "pages.css") || !strings.Contains(p.Body, "style.css") {
			t.Errorf("%s: a timeline page should load style.css only", path)
		}
	}
	for _, path := range []string{"/settings", "/@alice", "/notifications"} {
		contains(t, b.get(path, 200), `href="/web/static/style.css"`, `href="/web/static/pages.css"`)
	}
	css := b.get("/web/static/pages.css", 200)
	contains(t, css, ".fields{")
	if strings.Contains(css.Body, "/*") {
		t.Error("pages.css is served with its comments")
	}
}

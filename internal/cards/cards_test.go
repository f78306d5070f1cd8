package cards_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/cards"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
)

func TestFirstLink(t *testing.T) {
	for content, want := range map[string]string{
		`<p>hi <span class="h-card"><a href="https://x.example/@bob" class="u-url mention">@bob</a></span> see <a href="https://news.example/a?b=1">news</a> and <a href="https://other.example/">x</a></p>`: "https://news.example/a?b=1",
		`<p><a href="https://x.example/tags/go" class="mention hashtag" rel="tag">#go</a></p>`:                                                                                                               "",
		`<p><a href="javascript:alert(1)">x</a><a href="ftp://f.example/">y</a></p>`:                                                                                                                         "",
		`<p>no links</p>`: "",
	} {
		if got := cards.FirstLink(content); got != want {
			t.Errorf("FirstLink(%s) = %q, want %q", content, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	page := `<!doctype html><html lang="fr-FR"><head><title>Fallback</title>
<meta property="og:title" content="  The   title ">
<meta property="og:description" content="What it says">
<meta property="og:image" content="/img/a.png"><meta property="og:image:width" content="1200">
<meta property="og:site_name" content="News"><meta name="author" content="Ann">
<meta property="og:type" content="video.other">
</head><body><meta property="og:title" content="ignored, in the body"></body></html>`
	c := cards.Parse("https://news.example/story/1", []byte(page))
	if c.Title != "The title" || c.Description != "What it says" || c.ImageURL != "https://news.example/img/a.png" ||
		c.Width != 1200 || c.ProviderName != "News" || c.AuthorName != "Ann" || c.Type != "video" || c.Language != "fr" {
		t.Errorf("card = %+v", c)
	}
	c = cards.Parse("https://x.example/", []byte(`<html><head><title>Only a `+strings.Repeat("very ", 100)+`long title</title><meta name="description" content="d"></head></html>`))
	if !strings.HasPrefix(c.Title, "Only a very") || len([]rune(c.Title)) != cards.MaxTitle || c.Description != "d" {
		t.Errorf("fallback card = %+v", c)
	}
}

// TestCardsForPosts fetches a real page once for two posts linking it,
// refuses private addresses when federation would, and serves the link
// timeline.
func TestCardsForPosts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		var hits atomic.Int64
		page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><meta property="og:title" content="A story"><meta property="og:description" content="Details"></head><body>x</body></html>`)
		}))
		defer page.Close()
		alice := s.NewUser(t, "alice")
		link := page.URL + "/story"
		post := func(text, vis string) string {
			return s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {text}, "visibility": {vis}}).Map(t)["id"].(string)
		}
		one, two := post("read "+link, "public"), post("again: "+link, "unlisted")
		private := post("secret "+link, "private")
		plain := post("no link here", "public")

		guarded := &cards.Service{Store: s.App.Store, Client: httpclient.New(httpclient.Config{})}
		if _, err := guarded.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if hits.Load() != 0 {
			t.Fatal("a private address was fetched without AGORA_ALLOW_PRIVATE_ADDRESSES")
		}
		if _, err := s.App.DB.W.ExecContext(context.Background(), `DELETE FROM status_cards`); err != nil {
			t.Fatal(err)
		}
		svc := &cards.Service{Store: s.App.Store, Client: httpclient.New(httpclient.Config{AllowPrivate: true})}
		n, err := svc.Run(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("Run = %d, %v; want the two public or unlisted posts with a link", n, err)
		}
		if hits.Load() != 1 {
			t.Errorf("the page was fetched %d times, want once", hits.Load())
		}
		ids := func(v ...string) []domain.ID {
			var out []domain.ID
			for _, x := range v {
				id, _ := domain.ParseID(x)
				out = append(out, id)
			}
			return out
		}
		got, err := s.App.Store.CardsOf(context.Background(), ids(one, two, private, plain))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[ids(one)[0]].Title != "A story" || got[ids(two)[0]].ID != got[ids(one)[0]].ID {
			t.Errorf("cards = %v", got)
		}
		st := s.Must(t, 200, "GET", "/api/v1/statuses/"+one, "", nil).Map(t)
		if card, _ := st["card"].(map[string]any); card == nil || card["title"] != "A story" || card["url"] != link || card["type"] != "link" {
			t.Errorf("status card = %v", st["card"])
		}
		if st := s.Must(t, 200, "GET", "/api/v1/statuses/"+plain, "", nil).Map(t); st["card"] != nil {
			t.Errorf("a post without a link has a card: %v", st["card"])
		}
		if n, _ := svc.Run(context.Background()); n != 0 {
			t.Errorf("second run looked at %d posts again", n)
		}
		tl := s.Must(t, 200, "GET", "/api/v1/timelines/link?url="+url.QueryEscape(link), "", nil).List(t)
		if len(tl) != 1 || tl[0]["id"] != one {
			t.Errorf("link timeline = %v, want the public post only", tl)
		}
		if tl := s.Must(t, 200, "GET", "/api/v1/timelines/link?url=https://nowhere.example/", "", nil).List(t); len(tl) != 0 {
			t.Errorf("unknown link timeline = %v", tl)
		}
		s.Must(t, 422, "GET", "/api/v1/timelines/link", "", nil)
	})
}

// TestCardImagesAreCopied: a card's image is copied (preview size, with a
// blurhash) and served from this server; an image that is not one leaves
// the card without an image rather than pointing at the linked site.
func TestCardImagesAreCopied(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		img := image.NewRGBA(image.Rect(0, 0, 1200, 630))
		for x := range 1200 {
			img.Set(x, x%630, color.RGBA{20, 90, 200, 255})
		}
		var pic bytes.Buffer
		if err := png.Encode(&pic, img); err != nil {
			t.Fatal(err)
		}
		var imageHits atomic.Int64
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/cover.png":
				imageHits.Add(1)
				w.Header().Set("Content-Type", "image/png")
				w.Write(pic.Bytes())
			case "/fake.png":
				w.Header().Set("Content-Type", "image/png")
				fmt.Fprint(w, "<html>not an image</html>")
			default:
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprintf(w, `<html><head><meta property="og:title" content="Story %s"><meta property="og:image" content="%s"></head></html>`,
					r.URL.Path, map[string]string{"/good": "/cover.png", "/bad": "/fake.png"}[r.URL.Path])
			}
		}))
		defer site.Close()
		alice := s.NewUser(t, "alice")
		good := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"see " + site.URL + "/good"}}).Map(t)["id"].(string)
		bad := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"see " + site.URL + "/bad"}}).Map(t)["id"].(string)
		svc := &cards.Service{Store: s.App.Store, Client: httpclient.New(httpclient.Config{AllowPrivate: true}), Images: s.App.Media}
		if _, err := svc.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		card, _ := s.Must(t, 200, "GET", "/api/v1/statuses/"+good, "", nil).Map(t)["card"].(map[string]any)
		if card == nil {
			t.Fatal("no card")
		}
		src, _ := card["image"].(string)
		if !strings.HasPrefix(src, s.URL+"/system/media/cards/") || card["blurhash"] == nil || card["width"] != 640.0 || card["height"] != 336.0 {
			t.Fatalf("card image = %v", card)
		}
		res, err := http.Get(src)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || imageHits.Load() != 1 {
			t.Errorf("copy served %d; the site's image was fetched %d times", res.StatusCode, imageHits.Load())
		}
		other, _ := s.Must(t, 200, "GET", "/api/v1/statuses/"+bad, "", nil).Map(t)["card"].(map[string]any)
		if other == nil || other["title"] != "Story /bad" || other["image"] != nil {
			t.Errorf("card with a fake image = %v", other)
		}
	})
}

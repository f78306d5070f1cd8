// Package cards makes link previews (Mastodon's PreviewCard): a job finds
// the first link of new public and unlisted posts, fetches the page through
// the guarded HTTP client and keeps its OpenGraph title, description and
// image, once per URL.
package cards

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

// Limits of fetching and of what is kept.
const (
	MaxPage        = 1 << 20 // bytes of HTML read
	FetchTimeout   = 10 * time.Second
	MaxTitle       = 300 // characters kept
	MaxDescription = 1000
	Refresh        = 14 * 24 * time.Hour // a card is fetched again after this
	Window         = 24 * time.Hour      // posts older than this get no card
	Batch          = 50                  // statuses per job run
)

// Service fetches and stores cards.
type Service struct {
	Store  *store.Store
	Client *httpclient.Client
	Log    *slog.Logger
	// Images copies cards' images (the media service); nil keeps none, and
	// the cards then have no image.
	Images Images
	// Accounts finds the accounts pages name as their fediverse:creator
	// (the federation handler); nil credits none.
	Accounts Accounts
}

// Images stores copies of cards' images.
type Images interface {
	StoreCardImage(ctx context.Context, imageURL string) (*media.CardImage, error)
	ForgetCardImage(ctx context.Context, key string)
}

// FirstLink returns the first http(s) link of rendered status HTML that is
// neither a mention nor a hashtag, or "".
func FirstLink(content string) string {
	z := html.NewTokenizer(strings.NewReader(content))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			t := z.Token()
			if t.DataAtom != atom.A {
				continue
			}
			var href, class, rel string
			for _, a := range t.Attr {
				switch a.Key {
				case "href":
					href = a.Val
				case "class":
					class = a.Val
				case "rel":
					rel = a.Val
				}
			}
			if strings.Contains(class, "mention") || strings.Contains(class, "hashtag") || strings.Contains(rel, "tag") {
				continue
			}
			if u, err := url.Parse(href); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
				return u.String()
			}
		}
	}
}

// Parse reads a card from an HTML page: OpenGraph first, then Twitter's
// tags, then the title and the description meta tag.
func Parse(pageURL string, page []byte) *store.Card {
	c, _ := parse(pageURL, page)
	return c
}

// parse reads a page's card and its fediverse:creator ("" for none).
func parse(pageURL string, page []byte) (*store.Card, string) {
	c := &store.Card{URL: pageURL, Type: "link"}
	meta := map[string]string{}
	var title string
	z := html.NewTokenizer(bytes.NewReader(page))
	inTitle := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		t := z.Token()
		switch {
		case tt == html.StartTagToken && t.DataAtom == atom.Title:
			inTitle = true
		case tt == html.EndTagToken && t.DataAtom == atom.Title:
			inTitle = false
		case tt == html.TextToken && inTitle && title == "":
			title = strings.TrimSpace(t.Data)
		case (tt == html.StartTagToken || tt == html.SelfClosingTagToken) && t.DataAtom == atom.Html:
			for _, a := range t.Attr {
				if a.Key == "lang" {
					c.Language, _, _ = strings.Cut(strings.ToLower(a.Val), "-")
				}
			}
		case (tt == html.StartTagToken || tt == html.SelfClosingTagToken) && t.DataAtom == atom.Meta:
			var key, val string
			for _, a := range t.Attr {
				switch a.Key {
				case "property", "name":
					key = strings.ToLower(a.Val)
				case "content":
					val = a.Val
				}
			}
			if key != "" && meta[key] == "" {
				meta[key] = strings.TrimSpace(val)
			}
		case tt == html.StartTagToken && t.DataAtom == atom.Body:
			// The head is over: what matters has been read.
			goto done
		}
	}
done:
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := meta[k]; v != "" {
				return v
			}
		}
		return ""
	}
	c.Title = clip(first("og:title", "twitter:title"), MaxTitle)
	if c.Title == "" {
		c.Title = clip(title, MaxTitle)
	}
	c.Description = clip(first("og:description", "twitter:description", "description"), MaxDescription)
	c.ProviderName = clip(first("og:site_name"), MaxTitle)
	c.AuthorName = clip(first("author", "article:author"), MaxTitle)
	if img := first("og:image", "og:image:url", "twitter:image"); img != "" {
		if u, err := url.Parse(pageURL); err == nil {
			if ref, err := u.Parse(img); err == nil && (ref.Scheme == "http" || ref.Scheme == "https") {
				c.ImageURL = ref.String()
			}
		}
	}
	c.Width, _ = strconv.ParseInt(first("og:image:width"), 10, 64)
	c.Height, _ = strconv.ParseInt(first("og:image:height"), 10, 64)
	switch first("og:type") {
	case "video", "video.movie", "video.episode", "video.other":
		c.Type = "video"
	}
	return c, first("fediverse:creator")
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// errNoCard is a page without anything worth a card.
var errNoCard = errors.New("no card")

// fetch gets a page's card and its fediverse:creator through the guarded
// client.
func (s *Service) fetch(ctx context.Context, pageURL string) (*store.Card, string, error) {
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	res, body, err := s.Client.Fetch(req, MaxPage)
	if err != nil && !errors.Is(err, httpclient.ErrTooLarge) {
		return nil, "", err
	}
	if res == nil || res.StatusCode/100 != 2 || !strings.Contains(res.Header.Get("Content-Type"), "html") {
		return nil, "", errNoCard
	}
	c, creator := parse(pageURL, body)
	if c.Title == "" {
		return nil, "", errNoCard
	}
	return c, creator, nil
}

// Run gives cards to the new statuses with links, a batch at a time, and
// returns how many statuses it looked at. A page that cannot be fetched
// or has no title leaves the status without a card (recorded, not
// retried); a URL's card is shared by every status linking it.
func (s *Service) Run(ctx context.Context) (int, error) {
	cands, err := s.Store.CardCandidates(ctx, s.Store.Now().Add(-Window), Batch)
	if err != nil {
		return 0, err
	}
	for _, c := range cands {
		var cardID domain.ID // 0: no card
		if link := FirstLink(c.Content); link != "" {
			card, err := s.cardFor(ctx, link)
			if err != nil {
				return 0, err
			}
			if card != nil {
				cardID = card.ID
			}
		}
		if err := s.Store.SetStatusCard(ctx, c.StatusID, cardID); err != nil {
			return 0, err
		}
	}
	return len(cands), nil
}

// cardFor returns the stored card of a URL, fetching it when unknown or
// stale; nil when the page offers none. Only store errors are returned.
func (s *Service) cardFor(ctx context.Context, link string) (*store.Card, error) {
	known, err := s.Store.CardByURL(ctx, link)
	if err != nil {
		return nil, err
	}
	if known != nil && s.Store.Now().Sub(known.FetchedAt) < Refresh {
		return known, nil
	}
	card, creator, err := s.fetch(ctx, link)
	if err != nil {
		if s.Log != nil && !errors.Is(err, errNoCard) {
			s.Log.Debug("link preview not fetched", "url", link, "err", err)
		}
		return known, nil
	}
	s.copyImage(ctx, card)
	if err := s.Store.SaveCard(ctx, card); err != nil {
		if card.ImageKey != "" {
			s.Images.ForgetCardImage(ctx, card.ImageKey)
		}
		return nil, err
	}
	if known != nil && known.ImageKey != "" && known.ImageKey != card.ImageKey {
		s.Images.ForgetCardImage(ctx, known.ImageKey)
	}
	if err := s.Store.SetCardAuthor(ctx, card.ID, s.author(ctx, link, creator)); err != nil {
		return nil, err
	}
	return card, nil
}

// copyImage stores a copy of the card's image, whose size then is the
// card's; a card whose image cannot be copied has none (readers' browsers
// never fetch it from the linked site).
func (s *Service) copyImage(ctx context.Context, card *store.Card) {
	if card.ImageURL == "" || s.Images == nil {
		return
	}
	img, err := s.Images.StoreCardImage(ctx, card.ImageURL)
	if err != nil {
		if s.Log != nil {
			s.Log.Debug("link preview image not copied", "url", card.ImageURL, "err", err)
		}
		return
	}
	card.ImageKey, card.Blurhash = img.Key, img.Blurhash
	card.Width, card.Height = int64(img.Width), int64(img.Height)
}

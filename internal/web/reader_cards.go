package web

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits of a link preview card as the pages show it: compact, because a
// timeline page has a byte budget (TestTimelineSize).
const (
	cardTitleChars = 120
	cardDescChars  = 100
	cardImageSize  = 96 // the thumbnail's width and height, in CSS pixels
)

// cardView is a link preview (store.Card, made by the cards job) as the
// pages show it.
type cardView struct {
	URL   string
	Title string
	Site  string // the site's name, else its host
	Desc  string
	// Image is this server's copy of the preview's image (the cards job
	// makes it), never the linked site's; "" for none.
	Image string
	Size  int
	// Author and AuthorPath are the account the page credits (its
	// fediverse:creator, within the account's attribution domains) and
	// its profile here; "" for none.
	Author     string
	AuthorPath string
}

func (h *Handler) cardViewOf(c *store.Card, author *domain.Account) *cardView {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil
	}
	v := &cardView{URL: c.URL, Title: clipText(c.Title, cardTitleChars), Site: c.ProviderName,
		Desc: clipText(c.Description, cardDescChars), Size: cardImageSize}
	if v.Site == "" {
		v.Site = strings.TrimPrefix(u.Hostname(), "www.")
	}
	if v.Title == "" {
		v.Title = v.Site
	}
	if c.ImageKey != "" {
		v.Image = h.mediaURL(c.ImageKey)
	}
	if author != nil && author.SuspendedAt == nil {
		v.Author, v.AuthorPath = clipText(author.DisplayName, cardTitleChars), profilePath(author)
		if v.Author == "" {
			v.Author = author.Username
		}
	}
	return v
}

// clipText shortens s to at most n characters, on a word when it can,
// with an ellipsis.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

package federation

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// htmlPolicy is Mastodon's allow-list for remote HTML (its
// Sanitize::Config::MASTODON_STRICT): paragraphs, line breaks, links with
// http(s) targets, mention/hashtag spans and simple formatting. Links open
// in a new tab and carry rel="nofollow noopener noreferrer".
var htmlPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "a", "del", "pre", "code", "em", "strong", "b", "i", "u",
		"ul", "ol", "li", "blockquote")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^((h-card|mention|hashtag|ellipsis|invisible|u-url|quote-inline)\s*)+$`)).OnElements("span", "a", "p")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// SanitizeHTML reduces remote HTML to the allow-list.
func SanitizeHTML(s string) string {
	return strings.TrimSpace(htmlPolicy.Sanitize(s))
}

// PlainText strips all markup from s (content warnings, names) and
// unescapes entities, as Mastodon keeps them as text.
func PlainText(s string) string {
	return strings.TrimSpace(html.UnescapeString(bluemonday.StrictPolicy().Sanitize(s)))
}

package statuses

import (
	"html"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// URLLength is how many characters a link counts for, whatever its length
// (Mastodon's and Twitter's rule).
const URLLength = 23

// entity kinds found in plain text.
const (
	kindURL = iota
	kindMention
	kindTag
)

// entity is a link, mention or hashtag found in a status's text, at
// [start, end) bytes.
type entity struct {
	kind       int
	start, end int
	text       string // the URL; the mention's username; the tag as typed
	domain     string // a mention's domain, "" when absent
}

var (
	urlRe     = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+`)
	mentionRe = regexp.MustCompile(`(?:^|[^\w@/.])@([a-zA-Z0-9_]+(?:\.[a-zA-Z0-9_]+)*)(?:@([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?))?`)
	tagRe     = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_/#&])#([\p{L}\p{N}_\p{M}]*[\p{L}_\p{M}][\p{L}\p{N}_\p{M}]*)`)
)

// trimURL drops trailing punctuation that ends a sentence rather than the
// link, and closing brackets without an opening one inside the link.
func trimURL(u string) string {
	for len(u) > 0 {
		last := u[len(u)-1]
		switch {
		case strings.ContainsRune(".,;:!?'\"", rune(last)):
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

// extract finds links, mentions and hashtags in text, without overlaps,
// in order. Links win over what they contain.
func extract(text string) []entity {
	var out []entity
	for _, m := range urlRe.FindAllStringIndex(text, -1) {
		u := trimURL(text[m[0]:m[1]])
		if len(u) > len("https://") {
			out = append(out, entity{kind: kindURL, start: m[0], end: m[0] + len(u), text: u})
		}
	}
	for _, m := range mentionRe.FindAllStringSubmatchIndex(text, -1) {
		start := m[2] - 1 // the '@'
		e := entity{kind: kindMention, start: start, end: m[3], text: text[m[2]:m[3]]}
		if m[4] >= 0 {
			e.end, e.domain = m[5], strings.ToLower(text[m[4]:m[5]])
		}
		out = append(out, e)
	}
	for _, m := range tagRe.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, entity{kind: kindTag, start: m[2] - 1, end: m[3], text: text[m[2]:m[3]]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	kept := out[:0]
	end := 0
	for _, e := range out {
		if e.start < end {
			continue
		}
		kept = append(kept, e)
		end = e.end
	}
	return kept
}

// countLength counts a status as Mastodon does: characters (code points),
// each link as URLLength, a remote mention as its @username only.
func countLength(text string) int {
	n, pos := 0, 0
	for _, e := range extract(text) {
		n += utf8.RuneCountInString(text[pos:e.start])
		switch {
		case e.kind == kindURL:
			n += URLLength
		case e.kind == kindMention && e.domain != "":
			n += 1 + utf8.RuneCountInString(e.text)
		default:
			n += utf8.RuneCountInString(text[e.start:e.end])
		}
		pos = e.end
	}
	return n + utf8.RuneCountInString(text[pos:])
}

// mentionTarget is a resolved mention: how to link it.
type mentionTarget struct {
	URL string
}

// renderHTML turns plain text into Mastodon's safe HTML: escaped text,
// paragraphs for blank lines, <br /> for line breaks, and links, known
// mentions and hashtags marked up exactly as Mastodon does. mentions maps
// "user" or "user@domain" (lowercased, as written) to resolved accounts;
// unknown mentions stay text.
func renderHTML(text, baseURL string, mentions map[string]mentionTarget) string {
	text = strings.ReplaceAll(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), "\r", "\n")
	var b strings.Builder
	pos := 0
	for _, e := range extract(text) {
		b.WriteString(escape(text[pos:e.start]))
		raw := text[e.start:e.end]
		switch e.kind {
		case kindURL:
			b.WriteString(linkHTML(e.text))
		case kindMention:
			key := strings.ToLower(e.text)
			if e.domain != "" {
				key += "@" + e.domain
			}
			t, ok := mentions[key]
			if !ok {
				b.WriteString(escape(raw))
				break
			}
			b.WriteString(`<span class="h-card" translate="no"><a href="` + escape(t.URL) + `" class="u-url mention">@<span>` + escape(e.text) + `</span></a></span>`)
		case kindTag:
			b.WriteString(`<a href="` + escape(baseURL+"/tags/"+strings.ToLower(e.text)) + `" class="mention hashtag" rel="tag">#<span>` + escape(e.text) + `</span></a>`)
		}
		pos = e.end
	}
	b.WriteString(escape(text[pos:]))
	return paragraphs(b.String())
}

// paragraphs applies Rails' simple_format: blank lines separate <p>
// paragraphs, single newlines become <br />.
func paragraphs(s string) string {
	if s == "" {
		return ""
	}
	parts := regexp.MustCompile(`\n\s*\n`).Split(s, -1)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("<p>" + strings.ReplaceAll(p, "\n", "<br />") + "</p>")
	}
	return b.String()
}

// escape escapes HTML as Rails' h() does (apostrophes too).
func escape(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "&#34;", "&quot;")
}

// linkHTML renders a link the way Mastodon shortens it for display.
func linkHTML(u string) string {
	prefix := ""
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 {
		prefix, rest = rest[:i+3], rest[i+3:]
	}
	if strings.HasPrefix(strings.ToLower(rest), "www.") {
		prefix, rest = prefix+rest[:4], rest[4:]
	}
	display := `<span class="">` + escape(rest) + `</span><span class="invisible"></span>`
	if utf8.RuneCountInString(rest) > 30 {
		r := []rune(rest)
		display = `<span class="ellipsis">` + escape(string(r[:30])) + `</span><span class="invisible">` + escape(string(r[30:])) + `</span>`
	}
	return `<a href="` + escape(u) + `" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">` + escape(prefix) + `</span>` + display + `</a>`
}

// tagsOf returns the distinct hashtags of text as typed (first spelling wins).
func tagsOf(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range extract(text) {
		if e.kind == kindTag && !seen[strings.ToLower(e.text)] {
			seen[strings.ToLower(e.text)] = true
			out = append(out, e.text)
		}
	}
	return out
}

// mentionsOf returns the distinct mentions of text as (username, domain).
func mentionsOf(text string) [][2]string {
	seen := map[string]bool{}
	var out [][2]string
	for _, e := range extract(text) {
		key := strings.ToLower(e.text) + "@" + e.domain
		if e.kind == kindMention && !seen[key] {
			seen[key] = true
			out = append(out, [2]string{e.text, e.domain})
		}
	}
	return out
}

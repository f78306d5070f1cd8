package filters

import (
	"context"
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Set is a viewer's active filters for one context, ready to match.
type Set []*store.Filter

// Match is one filter matching one status.
type Match struct {
	Filter    *store.Filter
	Keywords  []string // keywords found; nil when none
	StatusIDs []string // filtered status ids that matched; nil when none
}

// Active loads owner's unexpired filters that apply in filterContext.
func (svc *Service) Active(ctx context.Context, owner domain.ID, filterContext string) (Set, error) {
	all, err := svc.Store.ActiveFilters(ctx, owner)
	if err != nil {
		return nil, err
	}
	var out Set
	for _, f := range all {
		if slices.Contains(f.Context, filterContext) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Match returns the filters of the set that match st, as Mastodon does:
// keywords are matched case-insensitively against the spoiler text and the
// text of the status (HTML stripped), whole-word keywords only at word
// boundaries; status entries match the status or the status it boosts.
// Callers pass the boosted status itself for boosts so its text is seen,
// and the status's poll options (nil without a poll).
func (set Set) Match(st *domain.Status, pollOptions []string) []Match {
	if len(set) == 0 {
		return nil
	}
	text := strings.ToLower(SearchableText(st, pollOptions))
	var out []Match
	for _, f := range set {
		var m Match
		for _, k := range f.Keywords {
			if containsKeyword(text, strings.ToLower(k.Keyword), k.WholeWord) {
				m.Keywords = append(m.Keywords, k.Keyword)
			}
		}
		for _, fs := range f.Statuses {
			if fs.StatusID == st.ID || (st.ReblogOfID != 0 && fs.StatusID == st.ReblogOfID) {
				m.StatusIDs = append(m.StatusIDs, fs.StatusID.String())
			}
		}
		if m.Keywords != nil || m.StatusIDs != nil {
			m.Filter = f
			out = append(out, m)
		}
	}
	return out
}

// HasKeywords reports whether a filter of the set has keywords (callers
// load poll options only then).
func (set Set) HasKeywords() bool {
	for _, f := range set {
		if len(f.Keywords) > 0 {
			return true
		}
	}
	return false
}

// SearchableText is what keywords are matched against, as in Mastodon: the
// content warning, the text (the rendered content stripped of HTML, else
// the source) and the poll options.
func SearchableText(st *domain.Status, pollOptions []string) string {
	body := st.Text
	if st.Content != "" {
		body = StripHTML(st.Content)
	}
	parts := make([]string, 0, 3)
	if st.SpoilerText != "" {
		parts = append(parts, st.SpoilerText)
	}
	parts = append(parts, body)
	if len(pollOptions) > 0 {
		parts = append(parts, strings.Join(pollOptions, "\n"))
	}
	return strings.Join(parts, "\n\n")
}

// StripHTML turns safe HTML into plain text: tags removed, line and
// paragraph breaks kept as newlines, entities decoded.
func StripHTML(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := strings.ToLower(s[i+1 : i+j])
		if strings.HasPrefix(tag, "br") || strings.HasPrefix(tag, "/p") {
			b.WriteByte('\n')
		}
		s = s[i+j+1:]
	}
	return html.UnescapeString(b.String())
}

// containsKeyword reports whether kw occurs in text (both lowercased);
// with wholeWord, the occurrence must not touch a word character on a side
// where the keyword itself starts or ends with one (Mastodon's \b rule).
func containsKeyword(text, kw string, wholeWord bool) bool {
	if kw == "" {
		return false
	}
	if !wholeWord {
		return strings.Contains(text, kw)
	}
	first, _ := utf8.DecodeRuneInString(kw)
	last, _ := utf8.DecodeLastRuneInString(kw)
	needStart, needEnd := isWord(first), isWord(last)
	for off := 0; off <= len(text)-len(kw); {
		i := strings.Index(text[off:], kw)
		if i < 0 {
			return false
		}
		start := off + i
		end := start + len(kw)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		okStart := !needStart || start == 0 || !isWord(before)
		okEnd := !needEnd || end == len(text) || !isWord(after)
		if okStart && okEnd {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		off = start + size
	}
	return false
}

func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

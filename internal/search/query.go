package search

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
)

// Limits on the parts of a status query.
const (
	MaxQueryTerms = 16 // words, phrases and exclusions together
	MaxTermLen    = 100
)

// parsedQuery is a status query split into words, phrases, exclusions and
// Mastodon's operators.
type parsedQuery struct {
	Terms                                   []string // each word must match (stemmed)
	Phrases                                 []string // each phrase must match, words in order
	Exclude                                 []string // words or phrases that must not match
	From                                    string   // "me", "user" or "user@domain"; "" for anyone
	HasPoll, HasMedia, IsReply, IsSensitive *bool
	Language                                string
	Before, After                           time.Time // zero for none; After is exclusive, Before exclusive
	Scope                                   string    // "", "library" or "public"
}

// text reports whether the query has anything for the full-text index.
func (p *parsedQuery) text() bool { return len(p.Terms)+len(p.Phrases) > 0 }

// parseQuery splits q, as Mastodon does: `word`, `"a phrase"`, `-word`,
// `-"a phrase"`, and `key:value` operators (a negated `-has:poll` too).
func parseQuery(q string) (*parsedQuery, error) {
	p := &parsedQuery{}
	for _, tok := range tokenize(q) {
		neg := false
		body := tok.text
		if !tok.quoted && strings.HasPrefix(body, "-") && len(body) > 1 {
			neg, body = true, body[1:]
		}
		if tok.quoted {
			neg = tok.neg
		}
		if !tok.quoted {
			if key, val, ok := strings.Cut(body, ":"); ok && isOperator(strings.ToLower(key)) {
				if err := p.operator(strings.ToLower(key), val, neg); err != nil {
					return nil, err
				}
				continue
			}
		}
		words := strings.FieldsFunc(body, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && !unicode.Is(unicode.M, r)
		})
		if len(words) == 0 {
			continue // punctuation only: nothing to look for
		}
		for _, w := range words {
			if utf8.RuneCountInString(w) > MaxTermLen {
				return nil, domain.Invalid("search words are limited to %d characters", MaxTermLen)
			}
		}
		phrase := strings.Join(words, " ")
		switch {
		case neg:
			p.Exclude = append(p.Exclude, phrase)
		case len(words) > 1:
			p.Phrases = append(p.Phrases, phrase) // "e-mail" or a quoted phrase: words in order
		default:
			p.Terms = append(p.Terms, phrase)
		}
	}
	if n := len(p.Terms) + len(p.Phrases) + len(p.Exclude); n > MaxQueryTerms {
		return nil, domain.Invalid("a search has at most %d words and phrases", MaxQueryTerms)
	}
	if !p.Before.IsZero() && !p.After.IsZero() && !p.After.Before(p.Before) {
		return nil, domain.Invalid("after: must be earlier than before:")
	}
	return p, nil
}

func isOperator(key string) bool {
	switch key {
	case "from", "has", "is", "language", "before", "after", "during", "in":
		return true
	}
	return false
}

const dateLayout = "2006-01-02"

func (p *parsedQuery) operator(key, val string, neg bool) error {
	if val == "" {
		return domain.Invalid("%s: needs a value", key)
	}
	if neg && key != "has" && key != "is" {
		return domain.Invalid("-%s: cannot be negated (only has: and is: can)", key)
	}
	yes := !neg
	switch key {
	case "from":
		v := strings.TrimPrefix(val, "@")
		user, host, _ := strings.Cut(v, "@")
		if !validUsername(user) || strings.ContainsAny(host, "@/ ") {
			return domain.Invalid("from: must be me, a username or user@domain")
		}
		p.From = strings.ToLower(v)
	case "has":
		switch strings.ToLower(val) {
		case "poll":
			p.HasPoll = &yes
		case "media":
			p.HasMedia = &yes
		default:
			return domain.Invalid("has: must be media or poll")
		}
	case "is":
		switch strings.ToLower(val) {
		case "reply":
			p.IsReply = &yes
		case "sensitive":
			p.IsSensitive = &yes
		default:
			return domain.Invalid("is: must be reply or sensitive")
		}
	case "language":
		l := strings.ToLower(val)
		if len(l) != 2 || l[0] < 'a' || l[0] > 'z' || l[1] < 'a' || l[1] > 'z' {
			return domain.Invalid("language: must be a two-letter ISO 639-1 code")
		}
		p.Language = l
	case "before", "after", "during":
		d, err := time.Parse(dateLayout, val)
		if err != nil {
			return domain.Invalid("%s: must be a date as YYYY-MM-DD", key)
		}
		switch key {
		case "before":
			p.Before = d
		case "after":
			p.After = d.AddDate(0, 0, 1) // after a day: from the next day on
		default:
			p.After, p.Before = d, d.AddDate(0, 0, 1)
		}
	case "in":
		switch strings.ToLower(val) {
		case "library", "public":
			p.Scope = strings.ToLower(val)
		case "all":
			p.Scope = ""
		default:
			return domain.Invalid("in: must be library, public or all")
		}
	}
	return nil
}

func validUsername(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

type token struct {
	text   string
	quoted bool
	neg    bool // -"a phrase"
}

// tokenize splits on spaces, keeping "quoted phrases" (optionally
// preceded by -) together; an unclosed quote runs to the end.
func tokenize(q string) []token {
	var out []token
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		neg := false
		if strings.HasPrefix(q[i:], `-"`) {
			neg, i = true, i+1
		}
		if q[i] == '"' {
			end := strings.IndexByte(q[i+1:], '"')
			if end < 0 {
				out = append(out, token{text: q[i+1:], quoted: true, neg: neg})
				break
			}
			out = append(out, token{text: q[i+1 : i+1+end], quoted: true, neg: neg})
			i += end + 2
			continue
		}
		j := strings.IndexFunc(q[i:], unicode.IsSpace)
		if j < 0 {
			j = len(q) - i
		}
		out = append(out, token{text: q[i : i+j]})
		i += j
	}
	return out
}

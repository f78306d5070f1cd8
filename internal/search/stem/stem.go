// Package stem reduces words to their Snowball stems for full-text search
// on SQLite, whose FTS5 only ships an English (Porter) stemmer. The store
// indexes a post's stems next to its text, and a query looks for each word
// in its exact form and in its stemmed forms, as PostgreSQL does with its
// text search configurations (docs/search.md).
package stem

import (
	"html"
	"slices"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// A stemmer takes a lowercase word; stop words come back unchanged.
type stemmer func(word string, stemStopWords bool) string

// byLanguage maps ISO 639-1 codes to the Snowball stemmers the module has.
var byLanguage = map[string]stemmer{
	"en": english.Stem, "fr": french.Stem, "es": spanish.Stem, "ru": russian.Stem,
	"sv": swedish.Stem, "no": norwegian.Stem, "nb": norwegian.Stem, "nn": norwegian.Stem,
	"hu": hungarian.Stem,
}

// Posts without a language are stemmed as both English and French, and
// every query word is looked for in both, whatever the post's language:
// the same rule as the PostgreSQL query side.
var defaultLanguages = []string{"en", "fr"}

// MaxWordLen is the longest word that is stemmed (in bytes); longer tokens
// (URLs, hashes) are left to the exact index.
const MaxWordLen = 64

// Document returns the stems of a post's words for the index, separated by
// spaces: each word stemmed by the post's language (English and French for
// a post without one; nothing for a language without a stemmer). Stems
// equal to their word are left out, since the word itself is indexed with
// the text; queries look for stems in the text too (Forms).
func Document(lang string, texts ...string) string {
	stemmers := languageStemmers(lang)
	if len(stemmers) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range texts {
		for _, w := range Words(t) {
			if len(w) > MaxWordLen {
				continue
			}
			last := ""
			for _, st := range stemmers {
				s := st(w, false)
				if s == w || s == last || s == "" {
					continue
				}
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(s)
				last = s
			}
		}
	}
	return b.String()
}

// Forms returns the stems a query word is looked for in, in the stems and
// the text: its English and French stems and, when lang is given, that
// language's (the word itself when a stemmer leaves it unchanged, since
// "chant" must find the stem of "chantaient"). The result is sorted and
// has no duplicates; it is empty for a word too long to stem.
func Forms(word, lang string) []string {
	w := strings.ToLower(word)
	if len(w) > MaxWordLen {
		return nil
	}
	langs := defaultLanguages
	if lang != "" && !slices.Contains(langs, lang) {
		langs = append(slices.Clip(langs), lang)
	}
	var out []string
	for _, l := range langs {
		if st := byLanguage[l]; st != nil {
			if s := st(w, false); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
}

func languageStemmers(lang string) []stemmer {
	if lang == "" {
		out := make([]stemmer, len(defaultLanguages))
		for i, l := range defaultLanguages {
			out[i] = byLanguage[l]
		}
		return out
	}
	if st := byLanguage[lang]; st != nil {
		return []stemmer{st}
	}
	return nil
}

// Words splits text into lowercase words the way FTS5's unicode61
// tokenizer does: runs of letters, digits and combining marks (so "l'école"
// is "l" and "école"). Accents are kept: the stemmers need them, and the
// index folds them afterwards.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.M, r)
	})
}

// PlainText returns the text of a post's HTML (remote posts have no source
// text): tags dropped, entities decoded, so that tag and attribute names
// are not indexed. It is the filters package's StripHTML, which the store
// cannot import (filters imports store).
func PlainText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		s = s[i+j+1:]
	}
	return html.UnescapeString(b.String())
}

package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// messages are the pages' texts per language; every language has the same
// keys (a test checks it, and that every key the pages use exists).
// Values with %s or %d take arguments.
var messages = map[string]map[string]string{"en": messagesEN, "fr": messagesFR}

// tr returns key in l, formatted with args; "" for an unknown key.
func tr(l map[string]string, key string, args ...any) string {
	s, ok := l[key]
	if !ok {
		return ""
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// pickLanguage chooses the page language: the user's locale when it is a
// translated one, else the browser's Accept-Language (in order of the
// header, quality values aside), else English.
func pickLanguage(r *http.Request, locale string) string {
	if _, ok := messages[locale]; ok {
		return locale
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(q) == "q=0" {
			continue
		}
		tag = strings.ToLower(tag)
		if i := strings.IndexByte(tag, '-'); i > 0 {
			tag = tag[:i]
		}
		if _, ok := messages[tag]; ok {
			return tag
		}
	}
	return "en"
}

var monthsFR = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// formatDate formats t in UTC the way the language writes dates (pages
// use view.Date, in the reader's zone).
func formatDate(lang string, t time.Time) string { return formatDateIn(lang, time.UTC, t) }

// formatDateIn formats t in loc the way the language writes dates, with
// the zone's abbreviation (CET, UTC, -03).
func formatDateIn(lang string, loc *time.Location, t time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if lang == "fr" {
		return fmt.Sprintf("%d %s %d, %02d:%02d %s", t.Day(), monthsFR[t.Month()-1], t.Year(), t.Hour(), t.Minute(), t.Format("MST"))
	}
	return t.Format("Jan 2, 2006, 15:04 MST")
}

// formatDay formats a date without the time, in UTC (pages use view.Day,
// in the reader's zone).
func formatDay(lang string, t time.Time) string { return formatDayIn(lang, time.UTC, t) }

// formatDayIn formats a date without the time, in loc (nil: UTC).
func formatDayIn(lang string, loc *time.Location, t time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if lang == "fr" {
		return fmt.Sprintf("%d %s %d", t.Day(), monthsFR[t.Month()-1], t.Year())
	}
	return t.Format("Jan 2, 2006")
}

// formatNumber groups thousands: 12,345 in English, 12 345 (narrow
// no-break space) in French.
func formatNumber(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == "fr" {
		sep = "\u202f"
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Count formats "N things" with the plural form the language needs for n,
// from key (many) or key_one (one; in French, zero too).
func (v *view) Count(key string, n int64) string {
	if _, ok := v.L[key+"_one"]; ok && (n == 1 || (v.Lang == "fr" && n == 0)) {
		key += "_one"
	}
	return v.Tr(key, v.Num(n))
}

// Num formats a count for the page's language.
func (v *view) Num(n int64) string { return formatNumber(v.Lang, n) }

// languageNames name the languages offered in forms, in their own words
// (so each reader finds theirs whatever the page language).
var languageNames = map[string]string{
	"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "it": "Italiano", "nl": "Nederlands",
	"pt": "Português", "ca": "Català", "eu": "Euskara", "br": "Brezhoneg", "oc": "Occitan", "ar": "العربية",
	"pl": "Polski", "sv": "Svenska", "da": "Dansk", "fi": "Suomi", "el": "Ελληνικά", "tr": "Türkçe",
	"uk": "Українська", "ru": "Русский", "ja": "日本語", "zh": "中文",
}

// statusCtx, composeCtx and profileCtx pass the page's view along with a
// part's own data to the partial templates.
type statusCtx struct {
	V *view
	S *statusView
}

type composeCtx struct {
	V *view
	F *composeForm
}

type filterCtx struct {
	V *view
	F *filterForm
}

type pollCtx struct {
	V *view
	P *pollView
}

type profileCtx struct {
	V *view
	P *profileData
}

// noteCtx is a note with its page, for the rating form.
type noteCtx struct {
	V *view
	N *noteView
}

var funcs = template.FuncMap{
	"sv":    func(v *view, s *statusView) statusCtx { return statusCtx{v, s} },
	"cv":    func(v *view, f *composeForm) composeCtx { return composeCtx{v, f} },
	"pv":    func(v *view, p *profileData) profileCtx { return profileCtx{v, p} },
	"fv":    func(v *view, f *filterForm) filterCtx { return filterCtx{v, f} },
	"pollv": func(v *view, p *pollView) pollCtx { return pollCtx{v, p} },
	"inc":   func(i int) int { return i + 1 },
	// The compose form's file types and reply choices (media.go,
	// reader_policy.go).
	"accept":       func() string { return composeAccept },
	"replyChoices": func() []string { return replyChoices },
	"quoteChoices": func() []string { return quoteChoices },
	"nv":           func(v *view, n *noteView) noteCtx { return noteCtx{v, n} },
	// The Community Notes rating form's choices.
	"helpfulTags":    func() []string { return helpfulTags },
	"notHelpfulTags": func() []string { return notHelpfulTags },
	"helpLevels":     func() []string { return helpfulnessLevels },
	"langName": func(code string) string {
		if n, ok := languageNames[code]; ok {
			return n
		}
		return code
	},
	"visibilities": func() []domain.Visibility {
		return []domain.Visibility{domain.Public, domain.Unlisted, domain.Private, domain.Direct}
	},
	"defaultVisibilities": func() []domain.Visibility {
		return []domain.Visibility{domain.Public, domain.Unlisted, domain.Private}
	},
}

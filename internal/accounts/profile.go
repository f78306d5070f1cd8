package accounts

import (
	"context"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
)

// Limits on profiles, as Mastodon's (documented in docs/api.md).
const (
	MaxDisplayNameLen = 30
	MaxNoteLen        = 500
	MaxFields         = 4
	MaxFieldNameLen   = 255
	MaxFieldValueLen  = 255
)

// FieldInput is a profile field as its owner types it.
type FieldInput struct {
	Name  string
	Value string
}

// ProfileUpdate holds the changes to a profile; nil fields stay as they are.
type ProfileUpdate struct {
	DisplayName     *string
	Note            *string       // plain text, rendered to HTML
	Fields          *[]FieldInput // replaces every field; blank pairs are dropped
	Locked          *bool
	Bot             *bool
	Discoverable    *bool
	Indexable       *bool
	HideCollections *bool
	Privacy         *string // default visibility: public | unlisted | private
	Sensitive       *bool   // mark media sensitive by default
	Language        *string // default posting language, "" for none
	// AttributionDomains replaces the domains whose pages may credit the
	// account (NormalizeAttributionDomains).
	AttributionDomains *[]string
}

var languageRE = regexp.MustCompile(`^[a-z]{2,3}$`)

// UpdateProfile validates upd and saves it: the account's profile and the
// user's posting preferences. It returns the updated user and account.
func (svc *Service) UpdateProfile(ctx context.Context, u *domain.User, acct *domain.Account, upd ProfileUpdate) (*domain.User, *domain.Account, error) {
	a := *acct
	nu := *u
	if upd.DisplayName != nil {
		name := strings.TrimSpace(*upd.DisplayName)
		if utf8.RuneCountInString(name) > MaxDisplayNameLen {
			return nil, nil, domain.Invalid("display_name: at most %d characters", MaxDisplayNameLen)
		}
		a.DisplayName = name
	}
	if upd.Note != nil {
		note := strings.TrimSpace(strings.ReplaceAll(*upd.Note, "\r\n", "\n"))
		if utf8.RuneCountInString(note) > MaxNoteLen {
			return nil, nil, domain.Invalid("note: at most %d characters", MaxNoteLen)
		}
		a.NoteSource, a.Note = note, RenderNote(note)
	}
	if upd.Fields != nil {
		fields := []domain.Field{}
		for _, f := range *upd.Fields {
			name, value := strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
			if name == "" && value == "" {
				continue
			}
			if utf8.RuneCountInString(name) > MaxFieldNameLen {
				return nil, nil, domain.Invalid("fields_attributes: a name has at most %d characters", MaxFieldNameLen)
			}
			if utf8.RuneCountInString(value) > MaxFieldValueLen {
				return nil, nil, domain.Invalid("fields_attributes: a value has at most %d characters", MaxFieldValueLen)
			}
			fields = append(fields, domain.Field{Name: name, Value: RenderFieldValue(value)})
		}
		if len(fields) > MaxFields {
			return nil, nil, domain.Invalid("fields_attributes: at most %d fields", MaxFields)
		}
		a.Fields = fields
	}
	for _, b := range []struct {
		src *bool
		dst *bool
	}{{upd.Locked, &a.Locked}, {upd.Bot, &a.Bot}, {upd.Discoverable, &a.Discoverable},
		{upd.Indexable, &a.Indexable}, {upd.HideCollections, &a.HideCollections}, {upd.Sensitive, &nu.Preferences.DefaultSensitive}} {
		if b.src != nil {
			*b.dst = *b.src
		}
	}
	if upd.Privacy != nil {
		v := domain.Visibility(*upd.Privacy)
		if v != domain.Public && v != domain.Unlisted && v != domain.Private {
			return nil, nil, domain.Invalid("source[privacy]: must be public, unlisted or private")
		}
		nu.Preferences.DefaultVisibility = v
	}
	if upd.Language != nil {
		l := strings.ToLower(strings.TrimSpace(*upd.Language))
		if l != "" && !languageRE.MatchString(l) {
			return nil, nil, domain.Invalid("source[language]: %q is not an ISO 639 language code", *upd.Language)
		}
		nu.Preferences.DefaultLanguage = l
	}
	if upd.AttributionDomains != nil {
		domains, err := NormalizeAttributionDomains(*upd.AttributionDomains)
		if err != nil {
			return nil, nil, err
		}
		// Saved before the profile, whose update sends the actor (with
		// its attributionDomains) to followers' servers.
		if err := svc.Store.SetAttributionDomains(ctx, a.ID, domains); err != nil {
			return nil, nil, err
		}
	}
	if err := svc.Store.UpdateProfile(ctx, &a); err != nil {
		return nil, nil, err
	}
	if upd.Privacy != nil || upd.Sensitive != nil || upd.Language != nil {
		if err := svc.Store.SetPreferences(ctx, nu.ID, nu.Preferences, nu.Locale); err != nil {
			return nil, nil, err
		}
	}
	updated, err := svc.Store.Account(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	return &nu, updated, nil
}

var (
	urlRE       = regexp.MustCompile(`https?://[^\s<>"]+`)
	paragraphRE = regexp.MustCompile(`\n{2,}`)
	tagRE       = regexp.MustCompile(`<[^>]*>`)
)

// RenderNote turns a plain-text biography into safe HTML: paragraphs in
// <p>, line breaks as <br />, URLs as links; everything else escaped.
func RenderNote(text string) string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range paragraphRE.Split(text, -1) {
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br />")
			}
			b.WriteString(linkify(line, "nofollow noopener"))
		}
		b.WriteString("</p>")
	}
	return b.String()
}

// RenderFieldValue renders a profile field's value: escaped text whose
// URLs are links marked rel="me" (for link verification).
func RenderFieldValue(value string) string { return linkify(value, "nofollow noopener me") }

// FieldSource recovers the text its owner typed from a rendered field
// value: rendering only adds tags and escapes, so removing both is exact.
func FieldSource(rendered string) string {
	return html.UnescapeString(tagRE.ReplaceAllString(rendered, ""))
}

// linkify escapes line and turns its URLs into links shown the way
// Mastodon shows them: scheme hidden, long paths shortened with an ellipsis.
func linkify(line, rel string) string {
	var b strings.Builder
	last := 0
	for _, m := range urlRE.FindAllStringIndex(line, -1) {
		start, end := m[0], trimURLEnd(line, m[0], m[1])
		b.WriteString(html.EscapeString(line[last:start]))
		u := line[start:end]
		scheme, rest, _ := strings.Cut(u, "://")
		if rest == "" { // nothing but a scheme: not a link
			continue
		}
		scheme += "://"
		display, hidden, class := rest, "", ""
		if utf8.RuneCountInString(rest) > 30 {
			r := []rune(rest)
			display, hidden, class = string(r[:30]), string(r[30:]), "ellipsis"
		}
		b.WriteString(`<a href="` + html.EscapeString(u) + `" target="_blank" rel="` + rel + `" translate="no">` +
			`<span class="invisible">` + html.EscapeString(scheme) + `</span>` +
			`<span class="` + class + `">` + html.EscapeString(display) + `</span>` +
			`<span class="invisible">` + html.EscapeString(hidden) + `</span></a>`)
		last = end
	}
	b.WriteString(html.EscapeString(line[last:]))
	return b.String()
}

// trimURLEnd drops trailing punctuation that usually ends a sentence rather
// than the URL, and a closing parenthesis that has no opening one.
func trimURLEnd(s string, start, end int) int {
	for end > start {
		c := s[end-1]
		if strings.IndexByte(".,;:!?'\"", c) >= 0 {
			end--
			continue
		}
		if c == ')' && strings.Count(s[start:end], "(") < strings.Count(s[start:end], ")") {
			end--
			continue
		}
		break
	}
	return end
}

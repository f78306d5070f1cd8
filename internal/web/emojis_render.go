package web

import (
	"context"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Custom emoji on pages: ":shortcode:" in posts, display names and bios
// of an author becomes the image of that shortcode on the author's
// domain (never another domain's), EmojiHeight pixels high; an animated
// emoji shows its first frame to readers who prefer reduced motion.

// EmojiHeight is the height emoji are shown at, in CSS pixels.
const EmojiHeight = 20

// emojiSet is the custom emoji a page uses, by domain and shortcode.
type emojiSet map[store.EmojiKey]*store.CustomEmoji

// emojiWants collects shortcodes by domain, to look up in one query.
type emojiWants map[string][]string

func (w emojiWants) add(dom string, texts ...string) emojiWants {
	if codes := store.Shortcodes(texts...); len(codes) > 0 {
		w[dom] = append(w[dom], codes...)
	}
	return w
}

// lookupEmojis loads the wanted emoji (no query when none is wanted); a
// failed lookup shows the shortcodes as text rather than no page.
func (h *Handler) lookupEmojis(ctx context.Context, w emojiWants) emojiSet {
	if len(w) == 0 {
		return emojiSet{}
	}
	found, err := h.Store.EmojisFor(ctx, w)
	if err != nil {
		h.Log.Warn("load custom emoji", "err", err)
		return emojiSet{}
	}
	return found
}

// bundleEmojis looks up the emoji of a page of statuses: their content,
// content warnings, and their authors' and boosters' names.
func (h *Handler) bundleEmojis(ctx context.Context, b *statuses.Bundle) emojiSet {
	w := emojiWants{}
	for _, st := range b.Statuses {
		if a := b.Accounts[st.AccountID]; a != nil {
			w.add(a.Domain, st.Content, st.SpoilerText)
			if p := b.Polls[st.ID]; p != nil {
				w.add(a.Domain, p.Options...)
			}
		}
	}
	for _, a := range b.Accounts {
		w.add(a.Domain, a.DisplayName)
	}
	return h.lookupEmojis(ctx, w)
}

// emojiImg is the markup of one emoji.
func (h *Handler) emojiImg(e *store.CustomEmoji) string {
	code := ":" + e.Shortcode + ":"
	width := EmojiHeight
	if e.Width > 0 && e.Height > 0 {
		width = min(int(math.Round(float64(EmojiHeight)*float64(e.Width)/float64(e.Height))), 4*EmojiHeight)
	}
	src := h.relativeURL(h.emojiFileURL(e.ImageKey))
	img := `<img class="emoji" alt="` + code + `" title="` + code + `" src="` + html.EscapeString(src) +
		`" width="` + itoa(width) + `" height="` + itoa(EmojiHeight) + `">`
	if e.StaticKey == "" || e.StaticKey == e.ImageKey {
		return img
	}
	static := h.relativeURL(h.emojiFileURL(e.StaticKey))
	return `<picture><source media="(prefers-reduced-motion: reduce)" srcset="` + html.EscapeString(static) + `">` + img + `</picture>`
}

// emojiFileURL is where a stored emoji image is fetched.
func (h *Handler) emojiFileURL(key string) string {
	if h.Media != nil {
		return h.Media.URL(key)
	}
	return h.Cfg.URL + media.ServePath + key
}

// relativeURL makes a URL on this server relative (fewer bytes a page).
func (h *Handler) relativeURL(u string) string {
	if base := strings.TrimSuffix(h.Cfg.URL, "/"); base != "" && strings.HasPrefix(u, base+"/") {
		return strings.TrimPrefix(u, base)
	}
	return u
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// replaceCodes replaces the ":code:" of text (escaped text, no markup)
// that found has for dom with their images.
func (h *Handler) replaceCodes(text, dom string, found emojiSet) string {
	if len(found) == 0 || strings.IndexByte(text, ':') < 0 {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, ':')
		if i < 0 {
			break
		}
		j := i + 1
		for j < len(text) && j-i-1 <= store.MaxShortcodeLen && isCodeByte(text[j]) {
			j++
		}
		if j < len(text) && text[j] == ':' {
			if e := found[store.EmojiKey{Domain: dom, Shortcode: text[i+1 : j]}]; e != nil && store.ValidShortcode(text[i+1:j]) {
				b.WriteString(text[:i])
				b.WriteString(h.emojiImg(e))
				text = text[j+1:]
				continue
			}
		}
		b.WriteString(text[:i+1])
		text = text[i+1:]
	}
	b.WriteString(text)
	return b.String()
}

func isCodeByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// emojifyText escapes plain text (a display name) and shows its emoji.
func (h *Handler) emojifyText(text, dom string, found emojiSet) template.HTML {
	return template.HTML(h.replaceCodes(template.HTMLEscapeString(text), dom, found))
}

// emojifyHTML shows the emoji of sanitized HTML (a post, a bio), in its
// text only: never inside a tag (an attribute). Sanitized HTML has no
// raw "<" or ">" in attribute values or text, so tags are found by them.
func (h *Handler) emojifyHTML(s template.HTML, dom string, found emojiSet) template.HTML {
	in := string(s)
	if len(found) == 0 || strings.IndexByte(in, ':') < 0 {
		return s
	}
	var b strings.Builder
	for in != "" {
		lt := strings.IndexByte(in, '<')
		if lt < 0 {
			b.WriteString(h.replaceCodes(in, dom, found))
			break
		}
		b.WriteString(h.replaceCodes(in[:lt], dom, found))
		gt := strings.IndexByte(in[lt:], '>')
		if gt < 0 {
			b.WriteString(in[lt:])
			break
		}
		b.WriteString(in[lt : lt+gt+1])
		in = in[lt+gt+1:]
	}
	return template.HTML(b.String())
}

// emojifyProfile shows the emoji of a profile's bio and field values as
// pages show them (profile.go).
func (h *Handler) emojifyProfile(ctx context.Context, dom string, note template.HTML, fields []fieldView) (template.HTML, []fieldView) {
	w := emojiWants{}.add(dom, string(note))
	for _, f := range fields {
		w.add(dom, f.Name, string(f.Value))
	}
	found := h.lookupEmojis(ctx, w)
	for i := range fields {
		fields[i].Value = h.emojifyHTML(fields[i].Value, dom, found)
	}
	return h.emojifyHTML(note, dom, found), fields
}

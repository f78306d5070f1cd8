package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// emojiSet is the custom emoji a page uses, by domain and shortcode.
type emojiSet map[store.EmojiKey]*store.CustomEmoji

// customEmojis answers GET /api/v1/custom_emojis: this server's enabled
// emoji, by category and shortcode (public, as Mastodon's).
func (a *API) customEmojis(w http.ResponseWriter, r *http.Request, _ *Viewer) error {
	list, err := a.Store.LocalEmojis(r.Context(), true)
	if err != nil {
		return err
	}
	out := make([]Emoji, 0, len(list))
	for _, e := range list {
		if e.Usable() {
			out = append(out, a.emojiEntity(e, true))
		}
	}
	rest.OK(w, out)
	return nil
}

// emojiEntity renders a custom emoji; the category is on the list of
// the server's emoji only, as Mastodon's.
func (a *API) emojiEntity(e *store.CustomEmoji, withCategory bool) Emoji {
	out := Emoji{Shortcode: e.Shortcode, URL: a.mediaURL(e.ImageKey), StaticURL: a.mediaURL(e.StaticKey), VisibleInPicker: e.VisibleInPicker}
	if out.StaticURL == "" {
		out.StaticURL = out.URL
	}
	if withCategory {
		out.Category = e.Category
	}
	return out
}

// emojisIn renders the emoji of dom that texts use, in shortcode order.
func (a *API) emojisIn(found emojiSet, dom string, texts ...string) []Emoji {
	out := []Emoji{}
	for _, c := range store.Shortcodes(texts...) {
		if e := found[store.EmojiKey{Domain: dom, Shortcode: c}]; e != nil {
			out = append(out, a.emojiEntity(e, false))
		}
	}
	return out
}

// accountTexts are the texts of a profile that may use emoji.
func accountTexts(acct *domain.Account) []string {
	texts := []string{acct.DisplayName, acct.Note}
	for _, f := range acct.Fields {
		texts = append(texts, f.Name, f.Value)
	}
	return texts
}

// emojiWants collects shortcodes by domain.
type emojiWants map[string][]string

func (w emojiWants) add(dom string, texts ...string) {
	if codes := store.Shortcodes(texts...); len(codes) > 0 {
		w[dom] = append(w[dom], codes...)
	}
}

// load looks the wanted emoji up in one query (none when nothing is
// wanted). A failed lookup renders no emoji rather than no page.
func (w emojiWants) load(ctx context.Context, st *store.Store) emojiSet {
	if len(w) == 0 {
		return emojiSet{}
	}
	found, err := st.EmojisFor(ctx, w)
	if err != nil {
		return emojiSet{}
	}
	return found
}

// accountEmojis looks up the emoji of one account's profile (one query,
// only when its texts have a ":shortcode:").
func (a *API) accountEmojis(acct *domain.Account) emojiSet {
	w := emojiWants{}
	w.add(acct.Domain, accountTexts(acct)...)
	return w.load(context.Background(), a.Store)
}

// bundleEmojis looks up, in one query, the emoji of every status, poll
// and account of a bundle.
func (a *API) bundleEmojis(ctx context.Context, b *statuses.Bundle) emojiSet {
	w := emojiWants{}
	for _, st := range b.Statuses {
		acct := b.Accounts[st.AccountID]
		if acct == nil {
			continue
		}
		w.add(acct.Domain, st.Content, st.SpoilerText)
		if p := b.Polls[st.ID]; p != nil {
			w.add(acct.Domain, p.Options...)
		}
	}
	for _, acct := range b.Accounts {
		w.add(acct.Domain, accountTexts(acct)...)
	}
	return w.load(ctx, a.Store)
}

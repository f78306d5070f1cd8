package web

import (
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestQuotes quotes a post in Chromium with JavaScript off (the quote
// page's plain form), sees the quote inside the quoting post, and lets
// the quoted author detach it; axe audits each page the feature changed.
func TestQuotes(t *testing.T) {
	w := newWorld(t, db.SQLite)
	w.s.NewUser(t, "alice")
	post := "/@bob/" + w.bobPost.String()

	tb := newTab(t, w.s.URL, false)
	signIn(tb, "alice")
	tb.open(post)
	tb.waitFor("the Quote link", `document.querySelector('a[href="/web/statuses/`+w.bobPost.String()+`/quote"]')`)
	tb.click(`a[href="/web/statuses/` + w.bobPost.String() + `/quote"]`)
	tb.waitFor("the quote form", `document.querySelector('input[name="quoted_status_id"][value="`+w.bobPost.String()+`"]') && document.getElementById("quote_policy")`)
	tb.audit("quote-compose")
	tb.typeInto("status", "Worth a look.")
	tb.do(setValue("quote_policy", "followers"))
	tb.click(`#compose button[type=submit]`)
	tb.waitFor("the quote on the home page", hasText("Your post is published.")+
		` && document.querySelector('article[data-id] article.quote[aria-label="Quoted post by @bob"]')`)
	tb.audit("quote-timeline")

	// Bob, the quoted author, detaches his post from alice's quote.
	signOut(tb)
	signIn(tb, "bob")
	tb.open("/@alice")
	tb.click(`article[data-id] a.when`)
	tb.waitFor("alice's quote with the detach button", `document.querySelector('input[name="do"][value="detach_quote"]') && `+hasText("Only followers of @alice can quote this post."))
	tb.audit("quote-status")
	tb.click(`form input[value="detach_quote"] ~ button`)
	tb.waitFor("the detached quote", hasText("The author of the quoted post removed it from this quote.")+` && !document.querySelector("article.quote")`)
	tb.audit("quote-detached")
}

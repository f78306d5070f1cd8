package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/chromedp/chromedp"
)

// TestBrowserCrossOriginForm checks in Chromium that a page on another
// origin cannot make a signed-in member's browser press a button under a
// post: those buttons carry no form token, so the refusal rests on the
// browser's Sec-Fetch-Site header. The other page is on the same host and
// another port: the same site, so the SameSite=Lax session cookie is sent
// and only the origin check stands in the way. The same button pressed on
// agora's own page works without a token.
func TestBrowserCrossOriginForm(t *testing.T) {
	w := newWorld(t, db.SQLite)
	alice := w.s.NewUser(t, "alice")
	action := w.s.URL + "/web/statuses/" + w.bobPost.String()
	evil := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(rw, `<!DOCTYPE html><html lang="en"><title>Win a prize</title><form method="post" action="%s">`+
			`<input type="hidden" name="do" value="favourite"><button id="win">Win</button></form></html>`, action)
	}))
	t.Cleanup(evil.Close)
	favourited := func() bool {
		t.Helper()
		return w.s.Must(t, 200, "GET", "/api/v1/statuses/"+w.bobPost.String(), alice.Token, nil).Map(t)["favourited"] == true
	}

	for _, js := range []bool{false, true} {
		tb := newTab(t, w.s.URL, js)
		signIn(tb, "alice")
		tb.do(chromedp.Navigate(evil.URL))
		tb.waitFor("the other site's page", `document.getElementById("win")`)
		tb.click("#win")
		tb.waitFor("the refusal", hasText("This form has expired"))
		if favourited() {
			t.Fatalf("javascript %v: a form on another origin favourited the post", js)
		}
	}

	// From agora's own page, the same button (no token either) works.
	tb := newTab(t, w.s.URL, false)
	signIn(tb, "alice")
	tb.open("/@bob/" + w.bobPost.String())
	tb.click(`article[data-id="` + w.bobPost.String() + `"] button[value="favourite"]`)
	tb.waitFor("the favourite", hasText("Added to your favourites."))
	if !favourited() {
		t.Error("the button on agora's page did not favourite the post")
	}
}

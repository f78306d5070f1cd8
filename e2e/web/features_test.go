package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/chromedp/chromedp"
)

// writePNG saves a small picture for the upload tests and returns its path.
func writePNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for x := range 320 {
		for y := range 200 {
			img.Set(x, y, color.RGBA{uint8(40 + y/2), uint8(90 + x/4), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "heron.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// evalString evaluates a JavaScript expression to a string.
func (tb *tab) evalString(expr string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// upload chooses a file in the file input with id.
func (tb *tab) upload(id, path string) {
	tb.t.Helper()
	tb.do(chromedp.SetUploadFiles(chromedp.ID(id), []string{path}))
}

// TestBrowserMediaAndSettings posts images with alt text (and the nudge
// without it), turns calm mode on, blocks a server, opens Community Notes
// and signs someone up with an invitation link, with and without
// JavaScript, auditing each page.
func TestBrowserMediaAndSettings(t *testing.T) {
	w := newWorld(t, db.SQLite)
	w.s.App.Web.Media = w.s.App.Media
	pic := writePNG(t)

	t.Run("javascript", func(t *testing.T) {
		tb := newTab(t, w.s.URL, true)
		signUp(tb, "alice")
		tb.open("/")
		tb.click(`details.media-compose summary`)
		tb.upload("media_new_0", pic)
		tb.typeInto("status", "Spotted by the river this morning.")
		tb.click(`#compose button[type=submit]`)
		// No alt text: the nudge, with the image kept; describe it then.
		tb.waitFor("the alt-text nudge", `document.getElementById("compose-error") && document.querySelector('input[name=media_id_0]')`)
		tb.audit("compose-alt-nudge")
		tb.typeInto("alt_new_0", "A grey heron standing in shallow water")
		tb.click(`#compose button[type=submit]`)
		img := `document.querySelector('.media img[alt="A grey heron standing in shallow water"]')`
		tb.waitFor("the image with its alt text", hasText("Your post is published.")+` && `+img+` && `+img+`.complete && `+img+`.naturalWidth > 0`)
		tb.click(`.media details.alt summary`)
		tb.waitFor("the ALT badge's text", `document.querySelector('.media details.alt[open]') && document.querySelector('.media details.alt p').innerText.includes("grey heron")`)
		tb.audit("home-media")

		follow(tb, "bob")
		tb.open("/@bob/" + w.bobPost.String())
		tb.waitFor("the notes box", hasText("Write a note"))
		tb.click(`details.note-write summary`)
		tb.audit("status-notes")
		tb.open("/notes")
		tb.waitFor("the notes page", hasText("Notes waiting for your rating"))
		tb.audit("notes")

		tb.open("/settings/notifications")
		tb.waitFor("calm mode off", hasText("Calm mode is off."))
		tb.audit("settings-notifications")
		tb.click(`#calm-switch`)
		tb.waitFor("calm mode on", hasText("Calm mode is on.")+` && document.getElementById("calm-switch").getAttribute("aria-checked") === "true"`)

		tb.open("/settings/domain_blocks")
		tb.typeInto("domain", "spam.example")
		tb.click(`form[action="/settings/domain_blocks"] button[type=submit]`)
		tb.waitFor("the blocked server", hasText("The server is blocked.")+` && `+hasText("spam.example"))
		tb.audit("settings-domain-blocks")

		tb.open("/settings/invites")
		tb.do(chromedp.SetValue(chromedp.ID("max_uses"), "5"))
		tb.click(`#autofollow`)
		tb.click(`form[action="/settings/invites"] button[type=submit]`)
		tb.waitFor("the invitation link", `document.querySelector('input[readonly][value*="/invite/"]')`)
		tb.audit("settings-invites")
		link := tb.evalString(`document.querySelector('input[readonly][value*="/invite/"]').value`)
		if !strings.Contains(link, "/invite/") {
			t.Fatalf("invitation link %q", link)
		}

		// The link leads to the sign-up form naming alice.
		ab := newTab(t, w.s.URL, true)
		ab.do(chromedp.Navigate(link))
		ab.waitFor("the sign-up form with the invitation", at("/auth/sign_up")+` && document.querySelector('input[name=invite_code]') && `+hasText("alice invited you."))
		ab.audit("sign-up-invite")

		// Someone opens the link, without JavaScript, and signs up.
		nb := newTab(t, w.s.URL, false)
		nb.do(chromedp.Navigate(link))
		nb.waitFor("the sign-up form with the invitation", at("/auth/sign_up")+` && document.querySelector('input[name=invite_code]')`)
		nb.typeInto("username", "frank")
		nb.typeInto("email", "frank@example.org")
		nb.typeInto("password", "a long secret password")
		nb.typeInto("password_confirmation", "a long secret password")
		nb.click("#agreement")
		nb.click(`form[action="/auth/sign_up"] button[type=submit]`)
		nb.waitFor("the home page after sign-up", at("/")+` && document.getElementById("compose")`)
		nb.open("/@alice")
		nb.waitFor("the automatic follow", `document.querySelector('form.follow input[name=value]').value === "0"`)
		tb.open("/settings/invites")
		tb.waitFor("the invitation used once", hasText("Used 1 of 5 times"))
	})

	t.Run("no-javascript", func(t *testing.T) {
		tb := newTab(t, w.s.URL, false)
		signUp(tb, "gina")
		tb.open("/")
		tb.click(`details.media-compose summary`)
		tb.upload("media_new_0", pic)
		tb.typeInto("status", "No description on this one.")
		tb.click(`#compose button[type=submit]`)
		tb.waitFor("the alt-text nudge", `document.getElementById("compose-error") && document.querySelector('input[name=media_id_0]') && document.getElementById("alt_confirmed_new")`)
		tb.click("#alt_confirmed_new")
		tb.click(`#compose button[type=submit]`)
		tb.waitFor("the post without alt text", hasText("Your post is published.")+` && `+hasText("No description on this one.")+` && document.querySelector('.media img')`)
		tb.open("/settings/notifications")
		tb.click(`#calm-switch`)
		tb.waitFor("calm mode on", hasText("Calm mode is on."))
	})
}

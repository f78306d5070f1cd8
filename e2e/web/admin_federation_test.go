package web

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// TestAdminFederationPages goes through this session's admin pages in
// Chromium: a custom emoji uploaded and seen in a post, a relay added, an
// unavailable server retried; axe-core audits each page.
func TestAdminFederationPages(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	s.NewUserRole(t, "root", domain.RoleAdmin)
	tb := newTab(t, s.URL, true)
	signIn(tb, "root")

	// Custom emoji: a 32 px PNG uploaded, then used in a post.
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for x := range 32 {
		for y := range 32 {
			img.Set(x, y, color.NRGBA{R: uint8(x * 8), G: 120, B: uint8(y * 8), A: 255})
		}
	}
	path := filepath.Join(t.TempDir(), "agora_blob.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tb.open("/admin/emojis")
	tb.waitFor("the emoji page", `document.getElementById("emoji-code")`)
	tb.typeInto("emoji-code", "agora_blob")
	tb.upload("emoji-image", path)
	tb.typeInto("emoji-category", "Town")
	tb.click(`form[action="/admin/emojis"] button[type=submit]`)
	tb.waitFor("the emoji", hasText("The emoji has been added.")+` && document.querySelector('img[alt=":agora_blob:"]')`)
	tb.audit("admin-emojis")
	tb.open("/")
	tb.waitFor("the compose form", `document.getElementById("compose")`)
	tb.typeInto("status", "Town hall at noon :agora_blob:")
	tb.click(`#compose button[type=submit]`)
	tb.waitFor("the emoji in the post", hasText("Your post is published.")+` && document.querySelector('article img.emoji[alt=":agora_blob:"]')`)
	tb.audit("home-emoji")

	// Relays: added (the subscription goes out in the background).
	tb.open("/admin/relays")
	tb.waitFor("the relays page", `document.getElementById("inbox_url")`)
	tb.typeInto("inbox_url", "ftp://relay.example/inbox")
	tb.click(`form[action="/admin/relays"] button[type=submit]`)
	tb.waitFor("the error", hasText("starting with https://")+` && document.getElementById("inbox_url").getAttribute("aria-invalid") === "true"`)
	tb.audit("admin-relays-error")
	tb.typeInto("inbox_url", "https://relay.example/inbox")
	tb.click(`form[action="/admin/relays"] button[type=submit]`)
	tb.waitFor("the relay", hasText("The relay is added and the subscription sent.")+` && `+hasText("https://relay.example/inbox"))
	tb.audit("admin-relays")

	// Unavailable servers: one past the circuit breaker's threshold.
	ctx := context.Background()
	for i := range 10 {
		if _, err := s.App.Store.RecordDeliveryFailure(ctx, "down.example", time.Now().Add(time.Duration(i-20)*time.Minute), 10,
			func(int64) time.Duration { return 24 * time.Hour }); err != nil {
			t.Fatal(err)
		}
	}
	tb.open("/admin/hosts")
	tb.waitFor("the unavailable servers page", hasText("down.example"))
	tb.audit("admin-hosts")
	tb.click(`form[action="/admin/hosts/retry"] button[type=submit]`)
	tb.waitFor("the retry", hasText("The server is being tried again now."))
	tb.audit("admin-hosts-retried")
}

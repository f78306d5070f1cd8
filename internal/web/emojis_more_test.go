package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/url"
	"regexp"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/media"
)

// TestEmojiInPollsAndQuotes shows custom emoji in a poll's choices (to
// vote and in the results) and in a quoted post's text.
func TestEmojiInPollsAndQuotes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 16, 16))); err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Media.AddLocalEmoji(context.Background(), media.NewEmoji{Shortcode: "fox", Image: buf.Bytes()}); err != nil {
			t.Fatal(err)
		}
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		poll := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"Mascot :fox:?"},
			"poll[options][]": {"the :fox:", "a cat"}, "poll[expires_in]": {"3600"}}).Map(t)
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"Vote!"}, "quoted_status_id": {poll["id"].(string)}})
		img := regexp.MustCompile(`the <img class="emoji"[^>]*alt=":fox:"`)

		b := newBrowser(t, s)
		b.signIn("bob")
		page := b.get("/@alice/"+poll["id"].(string), 200)
		if !img.MatchString(page.Body) {
			t.Errorf("the poll's choice to vote for has no emoji image:\n%s", page.Body)
		}
		a := newBrowser(t, s)
		a.signIn("alice")
		if own := a.get("/@alice/"+poll["id"].(string), 200); !img.MatchString(own.Body) {
			t.Error("the poll's results have no emoji image")
		}
		profile := newBrowser(t, s).get("/@bob", 200)
		if !regexp.MustCompile(`class="quote"[\s\S]*Mascot <img class="emoji"[^>]*alt=":fox:"`).MatchString(profile.Body) {
			t.Fatalf("the quoted post's emoji is not shown:\n%s", profile.Body)
		}
	})
}

package mastodon_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

func emojiImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.NRGBA{A: 10})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// emojiCodes returns the shortcodes of an entity's emojis array, checking
// that each has its image URLs.
func emojiCodes(t *testing.T, v any) []string {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("emojis = %#v, want an array", v)
	}
	var out []string
	for _, x := range list {
		e := x.(map[string]any)
		if u, _ := e["url"].(string); !strings.Contains(u, media.ServePath+"emojis/") || e["static_url"] == "" {
			t.Errorf("emoji without its image: %v", e)
		}
		out = append(out, e["shortcode"].(string))
	}
	return out
}

// TestCustomEmojisAPI: the server's emoji are listed; statuses (content,
// content warning), polls and accounts (name, bio, fields) carry the
// emoji they use, of their author's domain only.
func TestCustomEmojisAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		if l := s.Must(t, 200, "GET", "/api/v1/custom_emojis", "", nil).List(t); len(l) != 0 {
			t.Errorf("custom_emojis before any = %v", l)
		}
		for _, n := range []media.NewEmoji{
			{Shortcode: "blobcat", Category: "blobs", Image: emojiImage(t)},
			{Shortcode: "fox", Image: emojiImage(t), Unlisted: true},
			{Shortcode: "gone", Image: emojiImage(t)},
		} {
			if _, err := s.App.Media.AddLocalEmoji(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		gone, _ := s.App.Store.CustomEmojiByCode(ctx, "", "gone")
		if err := s.App.Store.UpdateEmojiSettings(ctx, gone.ID, "", true, true); err != nil {
			t.Fatal(err)
		}
		// A remote server's emoji of the same name is not this server's.
		if _, err := s.App.Store.SaveRemoteEmoji(ctx, &store.CustomEmoji{Shortcode: "remoteonly", Domain: "remote.example",
			RemoteURL: "https://remote.example/e.png", ImageKey: "emojis/r/original.png", StaticKey: "emojis/r/original.png"}); err != nil {
			t.Fatal(err)
		}

		list := s.Must(t, 200, "GET", "/api/v1/custom_emojis", "", nil).List(t)
		if len(list) != 2 || list[0]["shortcode"] != "fox" || list[0]["visible_in_picker"] != false ||
			list[1]["shortcode"] != "blobcat" || list[1]["category"] != "blobs" || list[1]["visible_in_picker"] != true {
			t.Errorf("custom_emojis = %v", list)
		}
		if _, has := list[0]["category"]; has {
			t.Errorf("an emoji without category has one: %v", list[0])
		}
		res := s.Do(t, "GET", strings.TrimPrefix(list[1]["url"].(string), s.URL), "", nil)
		if res.Status != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("emoji image: %d %s", res.Status, res.Header.Get("Content-Type"))
		}

		alice := s.NewUser(t, "alice")
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, url.Values{
			"display_name": {"Alice :blobcat:"}, "note": {"I like :fox:"},
			"fields_attributes[0][name]": {":gone: field"}, "fields_attributes[0][value]": {"value :blobcat:"},
		})
		st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{
			"status": {"hello :blobcat: :remoteonly: :nothing: :gone:"}, "spoiler_text": {"about :fox:"},
			"poll[options][]": {"yes :fox:", "no"}, "poll[expires_in]": {"3600"},
		}).Map(t)
		if got := emojiCodes(t, st["emojis"]); strings.Join(got, ",") != "blobcat,fox" {
			t.Errorf("status emojis = %v, want blobcat and fox (not remoteonly, nothing, nor the disabled gone)", got)
		}
		if got := emojiCodes(t, st["poll"].(map[string]any)["emojis"]); strings.Join(got, ",") != "fox" {
			t.Errorf("poll emojis = %v", got)
		}
		if got := emojiCodes(t, st["account"].(map[string]any)["emojis"]); strings.Join(got, ",") != "blobcat,fox" {
			t.Errorf("status account emojis = %v", got)
		}
		acct := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID, "", nil).Map(t)
		if got := emojiCodes(t, acct["emojis"]); strings.Join(got, ",") != "blobcat,fox" {
			t.Errorf("account emojis = %v", got)
		}
		home := s.Must(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil).List(t)
		if len(home) != 1 || len(emojiCodes(t, home[0]["emojis"])) != 2 {
			t.Errorf("home = %v", home)
		}
		// Each version in the edit history carries its own emoji.
		s.Must(t, 200, "PUT", "/api/v1/statuses/"+st["id"].(string), alice.Token, url.Values{"status": {"edited, no emoji"}})
		history := s.Must(t, 200, "GET", "/api/v1/statuses/"+st["id"].(string)+"/history", alice.Token, nil).List(t)
		if len(history) != 2 || strings.Join(emojiCodes(t, history[0]["emojis"]), ",") != "blobcat,fox" ||
			len(emojiCodes(t, history[1]["emojis"])) != 0 {
			t.Errorf("history emojis = %v", history)
		}
		// A status without emoji has an empty array, never null.
		plain := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"no codes"}}).Map(t)
		if e, ok := plain["emojis"].([]any); !ok || len(e) != 0 {
			t.Errorf("plain status emojis = %#v", plain["emojis"])
		}
		if res := s.Do(t, http.MethodGet, "/api/v1/custom_emojis", alice.Token, nil); res.Status != 200 {
			t.Errorf("custom_emojis with a token: %d", res.Status)
		}
	})
}

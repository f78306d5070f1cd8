package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

// pngOf is a small PNG whose pixels depend on seed (so two icons differ).
func pngOf(t *testing.T, seed uint8) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 24, 24))
	for y := range 24 {
		for x := range 24 {
			img.Set(x, y, color.NRGBA{R: seed, G: uint8(x * 10), B: uint8(y * 10), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// statusEmojis returns the emojis of a status as shortcode -> url.
func statusEmojis(v any) map[string]string {
	out := map[string]string{}
	list, _ := v.([]any)
	for _, x := range list {
		e := x.(map[string]any)
		out[e["shortcode"].(string)], _ = e["url"].(string)
	}
	return out
}

// TestEmojiInbound: the Emoji tags Mastodon, Misskey and Pleroma put on
// notes and actors become emoji of the author's domain, with their images
// copied here; a changed icon is copied again; icons that are not http(s)
// are ignored; a domain whose media are rejected keeps its shortcodes as
// text.
func TestEmojiInbound(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.serve("/emoji/blobcat.png", pngOf(t, 1))
		r.serve("/files/fox", pngOf(t, 2)) // Misskey: no extension, a CDN-like path
		r.serve("/emoji/blobcat2.png", pngOf(t, 3))
		r.setProfile("name", "Bob :blobcat:")
		r.setProfile("tag", []jsonMap{{"id": r.URL + "/emojis/1", "type": "Emoji", "name": ":blobcat:",
			"updated": "2024-01-01T00:00:00Z", "icon": jsonMap{"type": "Image", "mediaType": "image/png", "url": r.URL + "/emoji/blobcat.png"}}})
		s.followRemote(t, r, alice)

		// The actor's emoji (display name).
		var acct jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+r.host(), alice.token, nil, &acct)
		if u := statusEmojis(acct["emojis"])["blobcat"]; !strings.HasPrefix(u, s.URL+media.ServePath+"emojis/") {
			t.Errorf("account emojis = %v, want blobcat copied here", acct["emojis"])
		}

		// Mastodon's shape on a note.
		r.create(t, s, r.note("/notes/m", "<p>hi :blobcat: :unknown:</p>", jsonMap{"tag": []jsonMap{
			{"id": r.URL + "/emojis/1", "type": "Emoji", "name": ":blobcat:", "updated": "2024-01-01T00:00:00Z",
				"icon": jsonMap{"type": "Image", "mediaType": "image/png", "url": r.URL + "/emoji/blobcat.png"}},
			{"type": "Emoji", "name": ":evil:", "icon": jsonMap{"type": "Image", "url": "data:image/png;base64,AAAA"}},
			{"type": "Emoji", "name": ":bad-name:", "icon": jsonMap{"url": r.URL + "/emoji/blobcat.png"}},
		}}))
		st, ok := s.statusByURI(t, alice, r.URL+"/notes/m")
		if !ok {
			t.Fatal("note not stored")
		}
		got := statusEmojis(st["emojis"])
		if len(got) != 1 || !strings.HasPrefix(got["blobcat"], s.URL+media.ServePath+"emojis/") {
			t.Errorf("status emojis = %v, want only blobcat, copied", st["emojis"])
		}
		if code, h, body := s.get(t, strings.TrimPrefix(got["blobcat"], s.URL), ""); code != 200 || h.Get("Content-Type") != "image/png" || len(body) == 0 {
			t.Errorf("copied image: %d %s", code, h.Get("Content-Type"))
		}
		if n := r.served("/emoji/blobcat.png"); n != 1 {
			t.Errorf("the icon was fetched %d times, want once (the actor's copy is reused)", n)
		}
		// The web page shows it as an image of 20 px.
		code, _, page := s.get(t, "/@bob@"+r.host()+"/"+st["id"].(string), "text/html")
		if code != 200 || !strings.Contains(string(page), `<img class="emoji" alt=":blobcat:" title=":blobcat:" src="`+media.ServePath+"emojis/") ||
			!strings.Contains(string(page), `height="20"`) || !strings.Contains(string(page), ":unknown:") {
			t.Errorf("web page (%d) does not show the emoji:\n%s", code, page)
		}

		// Misskey's shape: a Note with its emoji id on the instance and the
		// icon elsewhere, without a file extension.
		r.create(t, s, r.note("/notes/k", "<p>:fox: from misskey</p>", jsonMap{"_misskey_content": ":fox: from misskey",
			"tag": []jsonMap{{"id": r.URL + "/emojis/fox", "type": "Emoji", "name": ":fox:", "updated": "2023-05-01T10:00:00.000Z",
				"icon": jsonMap{"type": "Image", "mediaType": "image/png", "url": r.URL + "/files/fox"}}}}))
		st, _ = s.statusByURI(t, alice, r.URL+"/notes/k")
		if u := statusEmojis(st["emojis"])["fox"]; u == "" {
			t.Errorf("misskey emojis = %v", st["emojis"])
		}
		fox, err := s.App.Store.CustomEmojiByCode(ctx, r.host(), "fox")
		if err != nil || fox.URI != r.URL+"/emojis/fox" || fox.RemoteURL != r.URL+"/files/fox" || fox.ContentType != "image/png" {
			t.Errorf("stored fox = %+v, %v", fox, err)
		}

		// Pleroma's shape, with a new icon URL: copied again, old copy gone.
		before, _ := s.App.Store.CustomEmojiByCode(ctx, r.host(), "blobcat")
		r.create(t, s, r.note("/notes/p", "<p>:blobcat: again</p>", jsonMap{"tag": []jsonMap{{"type": "Emoji", "name": ":blobcat:",
			"updated": "1970-01-01T00:00:00Z", "icon": jsonMap{"type": "Image", "url": r.URL + "/emoji/blobcat2.png"}}}}))
		after, _ := s.App.Store.CustomEmojiByCode(ctx, r.host(), "blobcat")
		if after.ImageKey == before.ImageKey || after.RemoteURL != r.URL+"/emoji/blobcat2.png" || after.ID != before.ID {
			t.Errorf("changed icon not copied: before %+v after %+v", before, after)
		}
		if code, _, _ := s.get(t, media.ServePath+before.ImageKey, ""); code != 404 {
			t.Errorf("the old copy is still served: %d", code)
		}

		// Rejected media: nothing is fetched, the text stays.
		block := &store.DomainBlock{Domain: "127.0.0.1", Severity: store.SeverityNoop, RejectMedia: true}
		if err := s.App.Store.SaveDomainBlock(ctx, block, nil); err != nil {
			t.Fatal(err)
		}
		r.serve("/emoji/new.png", pngOf(t, 4))
		r.create(t, s, r.note("/notes/r", "<p>:newone:</p>", jsonMap{"tag": []jsonMap{{"type": "Emoji", "name": ":newone:",
			"icon": jsonMap{"type": "Image", "url": r.URL + "/emoji/new.png"}}}}))
		st, _ = s.statusByURI(t, alice, r.URL+"/notes/r")
		if len(statusEmojis(st["emojis"])) != 0 || r.served("/emoji/new.png") != 0 {
			t.Errorf("rejected media: emojis %v, fetched %d", st["emojis"], r.served("/emoji/new.png"))
		}
	})
}

// TestEmojiOutbound: notes (Create) and the actor's Update carry the
// local emoji their text uses as Emoji tags, as Mastodon sends them;
// disabled emoji and other servers' emoji are not sent.
func TestEmojiOutbound(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		blob, err := s.App.Media.AddLocalEmoji(ctx, media.NewEmoji{Shortcode: "blobcat", Image: pngOf(t, 5)})
		if err != nil {
			t.Fatal(err)
		}
		off, err := s.App.Media.AddLocalEmoji(ctx, media.NewEmoji{Shortcode: "off", Image: pngOf(t, 6)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.App.Store.UpdateEmojiSettings(ctx, off.ID, "", true, true); err != nil {
			t.Fatal(err)
		}
		r := newRemote(t)
		r.acceptPosts.Store(true)
		r.send(t, s, jsonMap{"type": "Follow", "object": s.actorURI("alice")})
		want := map[string]any{"id": s.URL + "/emojis/" + blob.ID.String(), "type": "Emoji", "name": ":blobcat:",
			"icon": map[string]any{"type": "Image", "mediaType": "image/png", "url": s.App.Media.URL(blob.ImageKey)}}
		emojiTags := func(obj map[string]any) []map[string]any {
			var out []map[string]any
			tags, _ := obj["tag"].([]any)
			for _, x := range tags {
				if m := x.(map[string]any); m["type"] == "Emoji" {
					delete(m, "updated")
					out = append(out, m)
				}
			}
			return out
		}
		s.post(t, alice, "hi :blobcat: :off: :nope:")
		outWait(t, "the Create at the follower", func() bool { return len(r.postedOf("Create")) == 1 })
		tags := emojiTags(r.postedOf("Create")[0]["object"].(map[string]any))
		if len(tags) != 1 || !jsonEqual(tags[0], want) {
			t.Errorf("Emoji tags of the note = %v, want %v", tags, want)
		}
		s.mustAPI(t, "PATCH", "/api/v1/accounts/update_credentials", alice.token, map[string][]string{"display_name": {"Alice :blobcat:"}}, nil)
		outWait(t, "the Update of the actor", func() bool { return len(r.postedOf("Update")) == 1 })
		tags = emojiTags(r.postedOf("Update")[0]["object"].(map[string]any))
		if len(tags) != 1 || !jsonEqual(tags[0], want) {
			t.Errorf("Emoji tags of the actor = %v, want %v", tags, want)
		}
	})
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

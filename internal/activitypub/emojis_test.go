package activitypub_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
)

// TestEmojis reads the Emoji tags servers send: Mastodon's, Misskey's,
// Pleroma's (no id), an icon given as a string or an array, a name
// without colons; tags without a name or an icon are skipped.
func TestEmojis(t *testing.T) {
	doc, err := activitypub.Parse([]byte(`{"id": "https://r.example/n/1", "type": "Note", "tag": [
		{"type": "Mention", "href": "https://r.example/users/a", "name": "@a"},
		{"id": "https://r.example/emojis/1", "type": "Emoji", "name": ":blobcat:", "updated": "2024-01-01T00:00:00Z",
		 "icon": {"type": "Image", "mediaType": "image/png", "url": "https://cdn.example/blobcat.png"}},
		{"type": "Emoji", "name": ":pleroma:", "updated": "1970-01-01T00:00:00Z", "icon": {"type": "Image", "url": "https://r.example/e/p.gif"}},
		{"type": "Emoji", "name": "bare", "icon": "https://r.example/e/bare.webp"},
		{"type": "Emoji", "name": ":arr:", "icon": [{"type": "Image", "url": "https://r.example/e/arr.png"}]},
		{"type": "Emoji", "name": ":noicon:"},
		{"type": "Emoji", "icon": {"url": "https://r.example/e/x.png"}}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []activitypub.EmojiTag{
		{ID: "https://r.example/emojis/1", Shortcode: "blobcat", IconURL: "https://cdn.example/blobcat.png", MediaType: "image/png", Updated: "2024-01-01T00:00:00Z"},
		{Shortcode: "pleroma", IconURL: "https://r.example/e/p.gif", Updated: "1970-01-01T00:00:00Z"},
		{Shortcode: "bare", IconURL: "https://r.example/e/bare.webp"},
		{Shortcode: "arr", IconURL: "https://r.example/e/arr.png"},
	}
	if got := activitypub.Emojis(doc.Tag); !reflect.DeepEqual(got, want) {
		t.Errorf("Emojis =\n%+v\nwant\n%+v", got, want)
	}
}

// TestNoteEmojiTags: a note's Emoji tags are rendered as Mastodon's.
func TestNoteEmojiTags(t *testing.T) {
	e := activitypub.NewEmoji("https://a.example/emojis/7", "blobcat", "image/gif", "https://a.example/system/media/emojis/x/original.gif",
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	b, _ := json.Marshal(e)
	want := `{"id":"https://a.example/emojis/7","type":"Emoji","name":":blobcat:","updated":"2026-01-02T03:04:05Z",` +
		`"icon":{"type":"Image","mediaType":"image/gif","url":"https://a.example/system/media/emojis/x/original.gif"}}`
	if string(b) != want {
		t.Errorf("Emoji = %s\nwant %s", b, want)
	}
}

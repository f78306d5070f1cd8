package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func TestShortcodes(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []string
	}{
		{[]string{"no emoji here"}, []string{}},
		{[]string{"hi :blobcat: and :blob_fox:"}, []string{"blob_fox", "blobcat"}},
		{[]string{":a: too short, :ok: fine"}, []string{"ok"}},
		{[]string{":one:two:"}, []string{"one", "two"}},
		{[]string{"<p>:x_y: <a href=\"https://e.example/:zz:\">l</a></p>", ":x_y:"}, []string{"x_y", "zz"}},
		{[]string{"time 12:30:45"}, []string{"30"}},
		{[]string{":bad-code: :émoji:"}, []string{}},
	} {
		if got := store.Shortcodes(c.in...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Shortcodes(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for code, want := range map[string]bool{"ab": true, "a": false, "Blob_Cat9": true, "a-b": false, "": false,
		string(make([]byte, 65)): false} {
		if got := store.ValidShortcode(code); got != want {
			t.Errorf("ValidShortcode(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestCustomEmojis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		blob := &store.CustomEmoji{Shortcode: "blobcat", Category: "blobs", VisibleInPicker: true,
			ImageKey: "emojis/a/original.png", StaticKey: "emojis/a/original.png", ContentType: "image/png", Width: 64, Height: 64}
		if err := st.AddLocalEmoji(ctx, blob); err != nil {
			t.Fatalf("AddLocalEmoji: %v", err)
		}
		dup := &store.CustomEmoji{Shortcode: "blobcat", ImageKey: "emojis/b/original.png"}
		if err := st.AddLocalEmoji(ctx, dup); domain.KindOf(err) != domain.KindConflict {
			t.Errorf("duplicate shortcode: %v, want a conflict", err)
		}
		if err := st.AddLocalEmoji(ctx, &store.CustomEmoji{Shortcode: "x"}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("one-letter shortcode: %v, want invalid", err)
		}
		// Case matters, as Mastodon's.
		upper := &store.CustomEmoji{Shortcode: "BlobCat", ImageKey: "emojis/c/original.gif", StaticKey: "emojis/c/static.png", VisibleInPicker: true}
		if err := st.AddLocalEmoji(ctx, upper); err != nil {
			t.Fatalf("AddLocalEmoji BlobCat: %v", err)
		}

		// A remote emoji with the same shortcode is another emoji.
		remote := &store.CustomEmoji{Shortcode: "blobcat", Domain: "Remote.Example", URI: "https://remote.example/emojis/1",
			RemoteURL: "https://cdn.example/blobcat.png", RemoteUpdated: "2024-01-01T00:00:00Z", ImageKey: "emojis/r/original.png",
			StaticKey: "emojis/r/original.png", ContentType: "image/png", Width: 32, Height: 32}
		prev, err := st.SaveRemoteEmoji(ctx, remote)
		if err != nil || prev != nil {
			t.Fatalf("SaveRemoteEmoji new = %v, %v", prev, err)
		}
		again := *remote
		again.RemoteURL, again.ImageKey, again.StaticKey = "https://cdn.example/blobcat2.png", "emojis/r2/original.png", "emojis/r2/original.png"
		prev, err = st.SaveRemoteEmoji(ctx, &again)
		if err != nil || prev == nil || prev.ImageKey != "emojis/r/original.png" || again.ID != remote.ID {
			t.Fatalf("SaveRemoteEmoji update = %+v, %v (id %s, want %s)", prev, err, again.ID, remote.ID)
		}
		got, err := st.CustomEmojiByCode(ctx, "remote.example", "blobcat")
		if err != nil || got.RemoteURL != "https://cdn.example/blobcat2.png" || got.VisibleInPicker || got.Domain != "remote.example" {
			t.Errorf("stored remote emoji = %+v, %v", got, err)
		}

		// One query finds what a page uses; disabled and uncopied ones are left out.
		failed := &store.CustomEmoji{Shortcode: "nocopy", Domain: "remote.example", RemoteURL: "https://cdn.example/n.png", FetchFailures: 1}
		if _, err := st.SaveRemoteEmoji(ctx, failed); err != nil {
			t.Fatal(err)
		}
		found, err := st.EmojisFor(ctx, map[string][]string{"": {"blobcat", "BlobCat", "missing"}, "remote.example": {"blobcat", "nocopy"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 3 || found[store.EmojiKey{Shortcode: "blobcat"}].ID != blob.ID ||
			found[store.EmojiKey{Domain: "remote.example", Shortcode: "blobcat"}].ID != remote.ID ||
			found[store.EmojiKey{Shortcode: "BlobCat"}] == nil {
			t.Errorf("EmojisFor = %v", found)
		}
		if err := st.UpdateEmojiSettings(ctx, upper.ID, "animated", false, true); err != nil {
			t.Fatal(err)
		}
		found, _ = st.EmojisFor(ctx, map[string][]string{"": {"BlobCat"}})
		if len(found) != 0 {
			t.Errorf("a disabled emoji was found: %v", found)
		}
		list, err := st.LocalEmojis(ctx, true)
		if err != nil || len(list) != 1 || list[0].ID != blob.ID {
			t.Errorf("LocalEmojis(enabled) = %v, %v", list, err)
		}
		list, _ = st.LocalEmojis(ctx, false)
		if len(list) != 2 || list[0].Category != "animated" || list[0].Disabled != true || list[0].VisibleInPicker {
			t.Errorf("LocalEmojis(all) = %+v", list)
		}
		rl, err := st.RemoteEmojis(ctx, 10)
		if err != nil || len(rl) != 2 {
			t.Errorf("RemoteEmojis = %v, %v", rl, err)
		}
		if err := st.UpdateEmojiSettings(ctx, 42, "", true, false); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("update of an unknown emoji: %v", err)
		}
		del, err := st.DeleteCustomEmoji(ctx, blob.ID)
		if err != nil || del.ImageKey != blob.ImageKey {
			t.Fatalf("DeleteCustomEmoji = %v, %v", del, err)
		}
		if _, err := st.CustomEmoji(ctx, blob.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("deleted emoji still loads: %v", err)
		}
	})
}

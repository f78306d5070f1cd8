package media_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// EmojiPNG is a w×h PNG with transparency (exported for other packages'
// tests through copies; kept here small).
func emojiPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 200, A: uint8(128 + x%128)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// animatedGIF is a two-frame GIF with a comment-free body.
func animatedGIF(t testing.TB) []byte {
	t.Helper()
	var frames []*image.Paletted
	for i := range 2 {
		f := image.NewPaletted(image.Rect(0, 0, 32, 32), palette.Plan9)
		for p := range f.Pix {
			f.Pix[p] = uint8(i*40 + p%7)
		}
		frames = append(frames, f)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: frames, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func emojiService(t *testing.T, d *db.DB) (*media.Service, media.Storage) {
	t.Helper()
	st := store.New(d, nil)
	storage, err := media.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return &media.Service{Cfg: cfg, Store: st, Storage: storage}, storage
}

func readStored(t *testing.T, s media.Storage, key string) []byte {
	t.Helper()
	obj, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer obj.Body.Close()
	b, _ := io.ReadAll(obj.Body)
	return b
}

// TestStoreEmojiImage: still images become PNGs within 128 px; animated
// GIFs stay animated with a PNG first frame; SVG, JPEG, oversized files
// and huge dimensions are refused.
func TestStoreEmojiImage(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		svc, storage := emojiService(t, d)
		e, err := svc.StoreEmojiImage(ctx, emojiPNG(t, 256, 128), "image/png")
		if err != nil {
			t.Fatal(err)
		}
		if e.ContentType != "image/png" || e.Width != 128 || e.Height != 64 || e.StaticKey != e.Key || !strings.HasPrefix(e.Key, "emojis/") {
			t.Errorf("still emoji = %+v", e)
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(readStored(t, storage, e.Key))); err != nil || cfg.Width != 128 {
			t.Errorf("stored PNG: %+v, %v", cfg, err)
		}
		a, err := svc.StoreEmojiImage(ctx, animatedGIF(t), "")
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != "image/gif" || a.StaticKey == a.Key || !strings.HasSuffix(a.StaticKey, ".png") {
			t.Errorf("animated emoji = %+v", a)
		}
		if g, err := gif.DecodeAll(bytes.NewReader(readStored(t, storage, a.Key))); err != nil || len(g.Image) != 2 {
			t.Errorf("stored GIF lost its frames: %v", err)
		}
		if _, err := png.Decode(bytes.NewReader(readStored(t, storage, a.StaticKey))); err != nil {
			t.Errorf("static frame: %v", err)
		}
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		var jpg bytes.Buffer
		_ = png.Encode(&jpg, image.NewGray(image.Rect(0, 0, 4, 4)))
		for name, c := range map[string]struct {
			data []byte
			want string
		}{
			"svg":       {svg, "PNG, GIF or WebP"},
			"too large": {append(emojiPNG(t, 8, 8), make([]byte, media.MaxEmojiBytes)...), "larger than"},
			"too wide":  {emojiPNG(t, media.MaxEmojiInputSide+1, 1), "at most"},
			"declared":  {emojiPNG(t, 8, 8), "does not match"},
		} {
			ct := ""
			if name == "declared" {
				ct = "image/gif"
			}
			_, err := svc.StoreEmojiImage(ctx, c.data, ct)
			if domain.KindOf(err) != domain.KindInvalid || (name != "declared" && !strings.Contains(err.Error(), c.want)) {
				t.Errorf("%s: %v, want invalid (%s)", name, err, c.want)
			}
		}
	})
}

// TestImportEmojiPack reads Mastodon-style packs (.tar.gz and .zip of
// images named by shortcode): other files are ignored, bad images and
// taken shortcodes skipped and named, the rest added.
func TestImportEmojiPack(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		svc, _ := emojiService(t, d)
		files := map[string][]byte{
			"pack/blobcat.png":    emojiPNG(t, 64, 64),
			"pack/blob_party.gif": animatedGIF(t),
			"pack/LICENSE.txt":    []byte("CC-BY"),
			"pack/bad.png":        []byte("not a png"),
			"pack/x.png":          emojiPNG(t, 8, 8), // a one-letter shortcode
		}
		var tgz bytes.Buffer
		zw := gzip.NewWriter(&tgz)
		tw := tar.NewWriter(zw)
		for name, data := range files {
			_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
			_, _ = tw.Write(data)
		}
		tw.Close()
		zw.Close()
		res, err := svc.ImportEmojiPack(ctx, "blobs.tar.gz", tgz.Bytes(), media.PackOptions{Category: "blobs"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 2 || res.Skipped != 2 || len(res.Errors) != 2 {
			t.Errorf("tar.gz import = %+v", res)
		}
		list, _ := svc.Store.LocalEmojis(ctx, false)
		if len(list) != 2 || list[0].Category != "blobs" || !list[0].VisibleInPicker {
			t.Errorf("emoji after import = %+v", list)
		}
		var zbuf bytes.Buffer
		z := zip.NewWriter(&zbuf)
		for _, name := range []string{"blobcat.png", "fox.png"} {
			w, _ := z.Create(name)
			_, _ = w.Write(emojiPNG(t, 16, 16))
		}
		z.Close()
		res, err = svc.ImportEmojiPack(ctx, "more.zip", zbuf.Bytes(), media.PackOptions{Prefix: "z_", Unlisted: true})
		if err != nil || res.Added != 2 {
			t.Fatalf("zip import = %+v, %v", res, err)
		}
		res, err = svc.ImportEmojiPack(ctx, "more.zip", zbuf.Bytes(), media.PackOptions{Prefix: "z_"})
		if err != nil || res.Added != 0 || res.Skipped != 2 {
			t.Errorf("zip import again (taken) = %+v, %v", res, err)
		}
		if e, err := svc.Store.CustomEmojiByCode(ctx, "", "z_fox"); err != nil || e.VisibleInPicker {
			t.Errorf("z_fox = %+v, %v", e, err)
		}
		if _, err := svc.ImportEmojiPack(ctx, "pack.rar", []byte("x"), media.PackOptions{}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("a .rar: %v", err)
		}
		e, _ := svc.Store.CustomEmojiByCode(ctx, "", "blobcat")
		if _, err := svc.RemoveEmoji(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Storage.Open(ctx, e.ImageKey); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("the removed emoji's file is still there: %v", err)
		}
	})
}

package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/png"
	"net/http"
	"net/url"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Custom emoji images (docs/administration.md, "Custom emoji").
const (
	// MaxEmojiBytes caps an emoji image, uploaded or fetched (Mastodon's
	// limit, 256 KiB).
	MaxEmojiBytes = 256 << 10
	// MaxEmojiInputSide is the largest width or height accepted.
	MaxEmojiInputSide = 1024
	// EmojiSide is the box still images and first frames are scaled down
	// to (enough for 2× screens at the 20–32 px emoji are shown at).
	EmojiSide = 128
	// MaxEmojiFrames caps the frames of an animated GIF.
	MaxEmojiFrames = 500
)

// emojiTypes are the accepted emoji image types: no SVG (it can carry
// scripts), no JPEG (no transparency).
var emojiTypes = map[string]bool{"image/png": true, "image/gif": true, "image/webp": true}

func init() {
	// Animated emoji are kept as GIF (re-encoded): serve them.
	ContentTypes["gif"] = "image/gif"
}

// EmojiImage is a stored emoji image: the image (a PNG, or a GIF when
// animated) and its first frame as a PNG (the same key when not animated).
type EmojiImage struct {
	Key, StaticKey string
	ContentType    string
	Width, Height  int
}

// emojiPicture is an emoji image processed for storage.
type emojiPicture struct {
	data, static []byte
	contentType  string
	ext          string
	w, h         int
}

// processEmoji checks an emoji image and makes what is stored: still
// images (PNG, WebP, a GIF of one frame) re-encoded as PNG within
// EmojiSide; an animated GIF decoded frame by frame and re-encoded (which
// drops comments and other extensions), with its first frame as a PNG.
func processEmoji(data []byte, declared string) (*emojiPicture, error) {
	if len(data) > MaxEmojiBytes {
		return nil, domain.Invalid("Validation failed: emoji image is larger than %d bytes", MaxEmojiBytes)
	}
	ct, err := sniff(data, File{ContentType: declared})
	if err != nil || !emojiTypes[ct] {
		return nil, domain.Invalid("Validation failed: emoji images must be PNG, GIF or WebP")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, domain.Invalid("Validation failed: the file is not a valid image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxEmojiInputSide || cfg.Height > MaxEmojiInputSide {
		return nil, domain.Invalid("Validation failed: emoji images may be at most %d×%d pixels", MaxEmojiInputSide, MaxEmojiInputSide)
	}
	img, err := decodeImage(data, ct)
	if err != nil {
		return nil, err
	}
	w, h := fitSide(img.Rect.Dx(), img.Rect.Dy(), EmojiSide)
	if w != img.Rect.Dx() || h != img.Rect.Dy() {
		img = scale(img, img.Rect, w, h)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, unpremultiply(img)); err != nil {
		return nil, err
	}
	p := &emojiPicture{data: buf.Bytes(), static: buf.Bytes(), contentType: "image/png", ext: "png", w: w, h: h}
	if ct != "image/gif" {
		return p, nil
	}
	anim, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, domain.Invalid("Validation failed: the file is not a valid gif image")
	}
	if len(anim.Image) <= 1 {
		return p, nil
	}
	if len(anim.Image) > MaxEmojiFrames {
		return nil, domain.Invalid("Validation failed: animated emoji may have at most %d frames", MaxEmojiFrames)
	}
	var out bytes.Buffer
	// Frames, delays, disposal and palette are kept; comments, XMP and
	// other extensions are not written back.
	if err := gif.EncodeAll(&out, &gif.GIF{Image: anim.Image, Delay: anim.Delay, Disposal: anim.Disposal,
		LoopCount: anim.LoopCount, Config: anim.Config, BackgroundIndex: anim.BackgroundIndex}); err != nil {
		return nil, domain.Invalid("Validation failed: the file is not a valid gif image")
	}
	p.data, p.contentType, p.ext = out.Bytes(), "image/gif", "gif"
	p.w, p.h = anim.Config.Width, anim.Config.Height
	return p, nil
}

// StoreEmojiImage processes an uploaded emoji image and stores it under
// emojis/; declared is the type the uploader gave ("" when unknown).
func (s *Service) StoreEmojiImage(ctx context.Context, data []byte, declared string) (*EmojiImage, error) {
	p, err := processEmoji(data, declared)
	if err != nil {
		return nil, err
	}
	base := "emojis/" + token() + "/"
	e := &EmojiImage{Key: base + "original." + p.ext, StaticKey: base + "static.png", ContentType: p.contentType, Width: p.w, Height: p.h}
	files := []stored{{key: e.Key, data: p.data, ct: p.contentType}}
	if p.ext == "png" {
		e.StaticKey = e.Key
	} else {
		files = append(files, stored{key: e.StaticKey, data: p.static, ct: "image/png"})
	}
	if err := s.put(ctx, files); err != nil {
		return nil, err
	}
	return e, nil
}

// FetchEmojiImage copies a remote emoji's icon through the guarded
// client: http(s) only, MaxEmojiBytes at most, never from a domain whose
// media an admin rejects (nor the icon's own host if it is rejected).
func (s *Service) FetchEmojiImage(ctx context.Context, rawURL string) (*EmojiImage, error) {
	if s.Client == nil {
		return nil, fmt.Errorf("no client for remote media")
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, domain.Invalid("emoji icon: not an http(s) URL")
	}
	if b, err := s.Store.DomainBlockFor(ctx, u.Hostname()); err != nil {
		return nil, err
	} else if b != nil && (b.RejectMedia || b.Severity == store.SeveritySuspend) {
		return nil, domain.Forbidden("media from %s are rejected", u.Hostname())
	}
	ctx, cancel := context.WithTimeout(ctx, RemoteFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/png, image/gif, image/webp")
	res, data, err := s.Client.Fetch(req, MaxEmojiBytes)
	if err != nil {
		return nil, err
	}
	if res.StatusCode/100 != 2 {
		return nil, fmt.Errorf("emoji icon: status %d", res.StatusCode)
	}
	return s.StoreEmojiImage(ctx, data, res.Header.Get("Content-Type"))
}

// EmojiURL is where clients fetch a stored emoji image ("" for none).
func (s *Service) EmojiURL(key string) string { return s.URL(key) }

// ForgetEmojiImage deletes an emoji's stored files.
func (s *Service) ForgetEmojiImage(ctx context.Context, keys ...string) {
	var del []string
	seen := map[string]bool{}
	for _, k := range keys {
		if k != "" && ValidKey(k) && !seen[k] {
			seen[k] = true
			del = append(del, k)
		}
	}
	if len(del) > 0 {
		s.remove(ctx, del...)
	}
}

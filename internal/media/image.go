package media

import (
	"bytes"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers the WebP decoder

	"github.com/agora-social/agora/internal/domain"
)

// Image limits (docs/operations.md).
const (
	// MaxInputPixels is the largest pixel count agora decodes (Mastodon's
	// image_matrix_limit, 7680×4320); larger images are refused from their
	// header, before anything is decoded.
	MaxInputPixels = 33177600
	// MaxInputSide is the largest width or height agora decodes.
	MaxInputSide = 16384
	// OriginalPixels caps the stored original (3840×2160, as Mastodon).
	OriginalPixels = 3840 * 2160
	// PreviewSide is the longest side of the preview.
	PreviewSide = 640
	// jpegQuality is what re-encoded JPEGs use.
	jpegQuality = 85
)

// imageTypes are the image formats agora decodes, by sniffed content type,
// with the name image.DecodeConfig gives them.
var imageTypes = map[string]string{
	"image/jpeg": "jpeg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
	"image/avif": "avif", "image/heic": "heic",
}

// picture is an image re-encoded for storage, with its preview.
type picture struct {
	data        []byte // the re-encoded image, without metadata
	contentType string // image/jpeg or image/png
	ext         string
	w, h        int
	preview     []byte // same type as data; nil for avatars and headers
	pw, ph      int
	blurhash    string
}

// checkHeader reads the header of data, whose sniffed type is ct, and
// refuses as invalid a format that does not match ct or dimensions beyond
// the limits, before anything is decoded. It returns the format's name.
func checkHeader(data []byte, ct string) (string, error) {
	format, ok := imageTypes[ct]
	if !ok {
		return "", domain.Invalid("Validation failed: unsupported image type %s", ct)
	}
	var cfg image.Config
	var err error
	got := format
	if format == "avif" || format == "heic" {
		cfg, err = heifConfig(data, format)
	} else {
		cfg, got, err = image.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil || got != format {
		return "", domain.Invalid("Validation failed: the file is not a valid %s image", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxInputSide || cfg.Height > MaxInputSide ||
		int64(cfg.Width)*int64(cfg.Height) > MaxInputPixels {
		return "", domain.Invalid("Validation failed: image dimensions %d×%d exceed the limit of %d pixels (%d per side)",
			cfg.Width, cfg.Height, MaxInputPixels, MaxInputSide)
	}
	return format, nil
}

// decodeImage checks the header of data (checkHeader), then decodes it and
// turns it upright.
func decodeImage(data []byte, ct string) (*image.RGBA, error) {
	format, err := checkHeader(data, ct)
	if err != nil {
		return nil, err
	}
	var img image.Image
	switch format {
	case "gif":
		img, err = gif.Decode(bytes.NewReader(data)) // the first frame: animation is not kept
	case "avif", "heic":
		img, err = heifDecode(data, format)
	default:
		img, _, err = image.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, domain.Invalid("Validation failed: the file is not a valid %s image", format)
	}
	// Scale down to the original cap straight from the decoded form, so a
	// large photo is never held twice at full size. (The decoded size, not
	// the header's: they can differ when a decoder applies a rotation.)
	w, h := fitPixels(img.Bounds().Dx(), img.Bounds().Dy(), OriginalPixels)
	out := scale(img, img.Bounds(), w, h)
	if format == "jpeg" {
		out = orient(out, jpegOrientation(data))
	}
	return out, nil
}

// fitPixels scales w×h down to at most max pixels, keeping the aspect.
func fitPixels(w, h int, max int64) (int, int) {
	if int64(w)*int64(h) <= max {
		return w, h
	}
	f := math.Sqrt(float64(max) / float64(int64(w)*int64(h)))
	return clampSide(int(float64(w) * f)), clampSide(int(float64(h) * f))
}

// fitSide scales w×h down so that the longest side is at most side.
func fitSide(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, clampSide(int(math.Round(float64(h) * float64(side) / float64(w))))
	}
	return clampSide(int(math.Round(float64(w) * float64(side) / float64(h)))), side
}

func clampSide(v int) int { return max(v, 1) }

// scale draws the part r of src into a new w×h image. Large steps (the
// original cap) use the fast approximate bilinear scaler; small results
// (previews) the proper bilinear filter, which averages every source pixel.
func scale(src image.Image, r image.Rectangle, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	switch {
	case r.Dx() == w && r.Dy() == h:
		draw.Draw(dst, dst.Rect, src, r.Min, draw.Src)
	case w*h > PreviewSide*PreviewSide:
		xdraw.ApproxBiLinear.Scale(dst, dst.Rect, src, r, xdraw.Src, nil)
	default:
		xdraw.BiLinear.Scale(dst, dst.Rect, src, r, xdraw.Src, nil)
	}
	return dst
}

// cover crops img to the aspect of w×h around its centre and scales it to
// at most w×h (smaller images are not enlarged).
func cover(img *image.RGBA, w, h int) *image.RGBA {
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	cw, ch := sw, sw*h/w
	if ch > sh {
		cw, ch = sh*w/h, sh
	}
	cw, ch = clampSide(cw), clampSide(ch)
	x0, y0 := img.Rect.Min.X+(sw-cw)/2, img.Rect.Min.Y+(sh-ch)/2
	crop := image.Rect(x0, y0, x0+cw, y0+ch)
	ow, oh := w, h
	if cw < w {
		ow, oh = cw, ch
	}
	return scale(img, crop, ow, oh)
}

// opaque reports whether every pixel of img is fully opaque.
func opaque(img *image.RGBA) bool {
	for y := 0; y < img.Rect.Dy(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()*4]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 0xFF {
				return false
			}
		}
	}
	return true
}

// encode writes img as JPEG, or as PNG when it has transparency. Neither
// encoder writes metadata: EXIF, GPS and comments are gone.
func encode(img *image.RGBA) (data []byte, contentType, ext string, err error) {
	var buf bytes.Buffer
	if opaque(img) {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
		return buf.Bytes(), "image/jpeg", "jpg", err
	}
	err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, unpremultiply(img))
	return buf.Bytes(), "image/png", "png", err
}

// unpremultiply converts to non-premultiplied colours, what PNG stores.
func unpremultiply(img *image.RGBA) *image.NRGBA {
	out := image.NewNRGBA(img.Rect)
	for y := 0; y < img.Rect.Dy(); y++ {
		src := img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()*4]
		dst := out.Pix[y*out.Stride:]
		for i := 0; i < len(src); i += 4 {
			a := uint32(src[i+3])
			dst[i+3] = uint8(a)
			if a == 0 {
				continue
			}
			for c := 0; c < 3; c++ {
				dst[i+c] = uint8(min(255, (uint32(src[i+c])*255+a/2)/a))
			}
		}
	}
	return out
}

// processImage makes the stored original, its preview and blurhash.
func processImage(data []byte, ct string) (*picture, error) {
	img, err := decodeImage(data, ct)
	if err != nil {
		return nil, err
	}
	p := &picture{w: img.Rect.Dx(), h: img.Rect.Dy()}
	if p.data, p.contentType, p.ext, err = encode(img); err != nil {
		return nil, err
	}
	p.pw, p.ph = fitSide(p.w, p.h, PreviewSide)
	small := img
	if p.pw != p.w || p.ph != p.h {
		small = scale(img, img.Rect, p.pw, p.ph)
	}
	if p.preview, _, _, err = encode(small); err != nil {
		return nil, err
	}
	p.blurhash = blurhashOf(small)
	return p, nil
}

// blurhashOf computes the blurhash on a thumbnail of at most 64 px.
func blurhashOf(img *image.RGBA) string {
	tw, th := fitSide(img.Rect.Dx(), img.Rect.Dy(), 64)
	return Blurhash(scale(img, img.Rect, tw, th))
}

// processProfileImage makes an avatar or header: cropped to w×h.
func processProfileImage(data []byte, ct string, w, h int) (*picture, error) {
	img, err := decodeImage(data, ct)
	if err != nil {
		return nil, err
	}
	img = cover(img, w, h)
	p := &picture{w: img.Rect.Dx(), h: img.Rect.Dy()}
	p.data, p.contentType, p.ext, err = encode(img)
	return p, err
}

package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/domain"
)

// pngHeader is a PNG signature and IHDR chunk claiming w×h, with a valid
// checksum and no image data: what a decompression bomb starts with.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// halves is w×h, red on the left half and blue on the right.
func halves(w, h int) *image.RGBA {
	img := solid(w, h, color.RGBA{0, 0, 255, 255})
	for y := 0; y < h; y++ {
		for x := 0; x < w/2; x++ {
			img.SetRGBA(x, y, color.RGBA{255, 0, 0, 255})
		}
	}
	return img
}

// exifSegment is an APP1 Exif segment with an orientation and a GPS IFD
// holding a latitude, as phones write them.
func exifSegment(orientation uint16) []byte {
	var t bytes.Buffer
	le := binary.LittleEndian
	t.WriteString("II")
	_ = binary.Write(&t, le, uint16(42))
	_ = binary.Write(&t, le, uint32(8)) // IFD0 at 8
	// IFD0: two entries (orientation, GPS IFD pointer), next IFD 0.
	_ = binary.Write(&t, le, uint16(2))
	_ = binary.Write(&t, le, []uint16{0x0112, 3})
	_ = binary.Write(&t, le, uint32(1))
	_ = binary.Write(&t, le, []uint16{orientation, 0})
	gpsOff := uint32(8 + 2 + 2*12 + 4)
	_ = binary.Write(&t, le, []uint16{0x8825, 4})
	_ = binary.Write(&t, le, uint32(1))
	_ = binary.Write(&t, le, gpsOff)
	_ = binary.Write(&t, le, uint32(0))
	// GPS IFD: GPSLatitudeRef "N", next 0.
	_ = binary.Write(&t, le, uint16(1))
	_ = binary.Write(&t, le, []uint16{0x0001, 2})
	_ = binary.Write(&t, le, uint32(2))
	t.WriteString("N\x00\x00\x00")
	_ = binary.Write(&t, le, uint32(0))
	t.WriteString("GPSLatitude 48.8566 N")
	body := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

func jpegWithExif(t *testing.T, img image.Image, orientation uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), exifSegment(orientation)...), b[2:]...)
}

func decodeAny(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode output: %v", err)
	}
	return img
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0xC000 && g < 0x4000 && b < 0x4000
}

func isBlue(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return b > 0xC000 && r < 0x4000 && g < 0x4000
}

func TestDecompressionBombRefusedFromHeader(t *testing.T) {
	for _, dims := range [][2]uint32{{50000, 50000}, {20000, 10}, {7681, 4321}} {
		_, err := processImage(pngHeader(dims[0], dims[1]), "image/png")
		if domain.KindOf(err) != domain.KindInvalid || !strings.Contains(err.Error(), "exceed") {
			t.Errorf("%v: err = %v, want invalid: dimensions exceed", dims, err)
		}
	}
	// Within the limits, the same truncated file fails as invalid too (it
	// has no pixels), but only after the header passed.
	if _, err := processImage(pngHeader(100, 100), "image/png"); domain.KindOf(err) != domain.KindInvalid || strings.Contains(err.Error(), "exceed") {
		t.Errorf("truncated small PNG: %v", err)
	}
}

func TestSniff(t *testing.T) {
	var pngData bytes.Buffer
	_ = png.Encode(&pngData, solid(4, 4, color.RGBA{1, 2, 3, 255}))
	jpg := jpegWithExif(t, solid(4, 4, color.RGBA{1, 2, 3, 255}), 1)
	for _, c := range []struct {
		name, data, filename, ct string
		want                     string // "" for refused
	}{
		{"text named png", "hello, I am text\n", "x.png", "image/png", ""},
		{"text without type", "hello", "x.txt", "", ""},
		{"png", pngData.String(), "x.png", "image/png", "image/png"},
		{"png as octet-stream", pngData.String(), "x.png", "application/octet-stream", "image/png"},
		{"png declared jpeg", pngData.String(), "x.jpg", "image/jpeg", ""},
		{"png named jpg", pngData.String(), "x.jpg", "", ""},
		{"jpeg as image/jpg", string(jpg), "x", "image/jpg", "image/jpeg"},
		{"svg", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, "x.svg", "image/svg+xml", ""},
		{"empty", "", "x.png", "image/png", ""},
		{"quicktime sent as mp4", "\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "IMG_0001.MOV", "video/mp4", "video/quicktime"},
		{"mp4 declared png", "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "x.png", "image/png", ""},
	} {
		got, err := sniff([]byte(c.data), File{Filename: c.filename, ContentType: c.ct})
		if c.want == "" {
			if err == nil || domain.KindOf(err) != domain.KindInvalid {
				t.Errorf("%s: got %q, %v; want refused as invalid", c.name, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestEXIFStrippedAndOrientationApplied(t *testing.T) {
	in := jpegWithExif(t, halves(40, 20), 6)
	if jpegOrientation(in) != 6 || !bytes.Contains(in, []byte("GPSLatitude")) {
		t.Fatal("test input lacks its EXIF segment")
	}
	p, err := processImage(in, "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"original": p.data, "preview": p.preview} {
		if bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte("GPS")) || bytes.Contains(out, []byte{0xFF, 0xE1}) {
			t.Errorf("%s still holds EXIF data", name)
		}
		if jpegOrientation(out) != 1 {
			t.Errorf("%s has an orientation tag", name)
		}
	}
	// Orientation 6 means "turn 90° clockwise": the left half (red)
	// becomes the top.
	if p.w != 20 || p.h != 40 || p.contentType != "image/jpeg" {
		t.Fatalf("got %dx%d %s, want 20x40 image/jpeg", p.w, p.h, p.contentType)
	}
	img := decodeAny(t, p.data)
	if !isRed(img.At(10, 5)) || !isBlue(img.At(10, 35)) {
		t.Errorf("not turned upright: top %v bottom %v", img.At(10, 5), img.At(10, 35))
	}
}

func TestOrientations(t *testing.T) {
	// A 3×2 image with distinct pixels; each orientation checked by where
	// the top-left source pixel lands.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	src.SetRGBA(0, 0, color.RGBA{0, 0, 0, 255})
	want := map[int][2]int{1: {0, 0}, 2: {2, 0}, 3: {2, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 2}, 8: {0, 2}}
	for o, at := range want {
		out := orient(src, o)
		w, h := 3, 2
		if o >= 5 {
			w, h = 2, 3
		}
		if out.Rect.Dx() != w || out.Rect.Dy() != h {
			t.Errorf("orientation %d: size %v", o, out.Rect)
			continue
		}
		if c := out.RGBAAt(at[0], at[1]); c.R != 0 {
			t.Errorf("orientation %d: top-left pixel not at %v", o, at)
		}
	}
}

func TestGIFKeepsFirstFrame(t *testing.T) {
	pal := color.Palette{color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 255}}
	g := &gif.GIF{}
	for _, idx := range []uint8{0, 1} {
		f := image.NewPaletted(image.Rect(0, 0, 8, 8), pal)
		for i := range f.Pix {
			f.Pix[i] = idx
		}
		g.Image, g.Delay = append(g.Image, f), append(g.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	p, err := processImage(buf.Bytes(), "image/gif")
	if err != nil {
		t.Fatal(err)
	}
	if c := decodeAny(t, p.data).At(4, 4); !isRed(c) {
		t.Errorf("first frame not kept: %v", c)
	}
}

func TestSizesAndTransparency(t *testing.T) {
	var buf bytes.Buffer
	translucent := image.NewNRGBA(image.Rect(0, 0, 1000, 500))
	for i := 0; i < len(translucent.Pix); i += 4 {
		translucent.Pix[i+1], translucent.Pix[i+3] = 128, 100
	}
	_ = png.Encode(&buf, translucent)
	p, err := processImage(buf.Bytes(), "image/png")
	if err != nil {
		t.Fatal(err)
	}
	if p.contentType != "image/png" || p.w != 1000 || p.h != 500 || p.pw != 640 || p.ph != 320 {
		t.Errorf("got %s %dx%d preview %dx%d", p.contentType, p.w, p.h, p.pw, p.ph)
	}
	if c := color.NRGBAModel.Convert(decodeAny(t, p.data).At(1, 1)).(color.NRGBA); c.A != 100 || c.G < 126 || c.G > 130 {
		t.Errorf("transparent pixel = %v, want about {0 128 0 100}", c)
	}
	if w, h := fitPixels(4000, 3000, OriginalPixels); w*h > OriginalPixels || w < 3300 || h < 2480 {
		t.Errorf("fitPixels(4000, 3000) = %dx%d", w, h)
	}
	if w, h := fitSide(300, 2000, PreviewSide); w != 96 || h != 640 {
		t.Errorf("fitSide(300, 2000) = %dx%d", w, h)
	}
	// Avatars are cropped to a square around the centre; small ones are
	// not enlarged.
	var wide bytes.Buffer
	_ = png.Encode(&wide, halves(900, 450))
	a, err := processProfileImage(wide.Bytes(), "image/png", AvatarSize, AvatarSize)
	if err != nil || a.w != 400 || a.h != 400 {
		t.Fatalf("avatar %dx%d, %v", a.w, a.h, err)
	}
	img := decodeAny(t, a.data)
	if !isRed(img.At(100, 200)) || !isBlue(img.At(300, 200)) {
		t.Errorf("avatar not cropped around the centre: %v %v", img.At(100, 200), img.At(300, 200))
	}
	h, err := processProfileImage(wide.Bytes(), "image/png", HeaderW, HeaderH)
	if err != nil || h.w != 900 || h.h != 300 {
		t.Errorf("header %dx%d, %v; want 900x300 (cropped to 3:1, not enlarged)", h.w, h.h, err)
	}
}

func TestBlurhash(t *testing.T) {
	// Expected values computed by the reference implementation (the npm
	// package blurhash 2.x, encode(pixels, w, h, 4, 3)) on the same pixels.
	for _, c := range []struct {
		name string
		img  *image.RGBA
		want string
	}{
		{"solid red 16x12", solid(16, 12, color.RGBA{255, 0, 0, 255}), "LRTI:j]9fQ]9|co1fQo1fQfQfQfQ"},
		{"red and blue halves 32x24", halves(32, 24), "L~LjfL|TsRJrsXn~jsa}fQfQfQfQ"},
	} {
		if got := Blurhash(c.img); got != c.want {
			t.Errorf("%s = %q, want %q", c.name, got, c.want)
		}
	}
}

// BenchmarkProcessPhoto measures a 12-megapixel JPEG upload: decode,
// scale to the 8.3 Mpx cap, preview, blurhash, re-encode.
func BenchmarkProcessPhoto(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 31 / 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := processImage(buf.Bytes(), "image/jpeg"); err != nil {
			b.Fatal(err)
		}
	}
}

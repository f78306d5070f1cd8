package media

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"os"
	"testing"
)

// avifFile is a w×h AVIF made by ffmpeg's libaom encoder.
func avifFile(tb testing.TB, w, h int) []byte {
	tb.Helper()
	data, err := os.ReadFile(generate(tb, "x.avif", avifArgs(w, h)...))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func avifArgs(w, h int) []string {
	return []string{"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d", w, h), "-frames:v", "1",
		"-c:v", "libaom-av1", "-cpu-used", "8", "-still-picture", "1", "-pix_fmt", "yuv420p", "-metadata", "title=secret-title"}
}

// TestAVIFAndHEIC: both decode from their header's limits down to a JPEG
// without their metadata, with a preview and blurhash.
func TestAVIFAndHEIC(t *testing.T) {
	heicData, err := os.ReadFile("testdata/gps.heic") // with EXIF GPS text (testdata/README.md)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(heicData, []byte("GPSLatitude")) {
		t.Fatal("the fixture has no EXIF text: the test would prove nothing")
	}
	for _, c := range []struct {
		name string
		data []byte
		w, h int
	}{
		{"avif", avifFile(t, 800, 600), 800, 600},
		{"heic", heicData, 96, 64},
	} {
		ct, err := sniff(c.data, File{Filename: "x." + c.name})
		if err != nil || ct != "image/"+c.name {
			t.Fatalf("%s sniffed as %q, %v", c.name, ct, err)
		}
		p, err := processImage(c.data, ct)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.data))
		if err != nil || p.contentType != "image/jpeg" || cfg.Width != c.w || cfg.Height != c.h || p.w != c.w || len(p.blurhash) < 6 || p.preview == nil {
			t.Errorf("%s: %s %dx%d (%v), blurhash %q", c.name, p.contentType, cfg.Width, cfg.Height, err, p.blurhash)
		}
		for _, s := range []string{"GPSLatitude", "secret-title", "Exif"} {
			if bytes.Contains(p.data, []byte(s)) {
				t.Errorf("%s: stored image holds %q", c.name, s)
			}
		}
		// A header beyond the pixel limit is refused before decoding: the
		// same file with its ispe box claiming 8000×5000.
		big := bytes.Clone(c.data)
		if i := bytes.Index(big, []byte("ispe")); i > 0 {
			copy(big[i+8:], []byte{0, 0, 0x1f, 0x40, 0, 0, 0x13, 0x88})
			if _, err := processImage(big, ct); err == nil || !bytes.Contains([]byte(err.Error()), []byte("exceed")) {
				t.Errorf("%s claiming 8000×5000: %v", c.name, err)
			}
		} else {
			t.Errorf("%s: no ispe box", c.name)
		}
	}
	// Garbage with an AVIF header is refused as invalid.
	if _, err := processImage([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miafgarbage"), "image/avif"); err == nil {
		t.Error("a broken AVIF was accepted")
	}
}

// BenchmarkDecodeAVIF12MP decodes a 4000×3000 AVIF (docs/performance.md,
// "Media"); the first decode, which compiles the WebAssembly module, is
// outside the timing.
func BenchmarkDecodeAVIF12MP(b *testing.B) {
	data := avifFile(b, 4000, 3000)
	if _, err := heifDecode(data, "avif"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := heifDecode(data, "avif"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcessAVIF12MP is the whole processing of a 12-megapixel AVIF:
// decode, scale to the original cap, JPEG original and preview, blurhash.
func BenchmarkProcessAVIF12MP(b *testing.B) {
	data := avifFile(b, 4000, 3000)
	if _, err := processImage(data, "image/avif"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := processImage(data, "image/avif"); err != nil {
			b.Fatal(err)
		}
	}
}

package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// pngImage is a small PNG picture.
func pngImage(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postMultipart submits a multipart form from the page at from (for its
// token): fields, then files by field name.
func (b *browser) postMultipart(from, action string, fields map[string]string, files map[string][]byte, want int) *page {
	b.t.Helper()
	m := tokenRE.FindStringSubmatch(b.get(from, 200).Body)
	if m == nil {
		b.t.Fatalf("no form token on %s", from)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("authenticity_token", m[1])
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for k, data := range files {
		fw, _ := mw.CreateFormFile(k, k+".png")
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.s.URL+action, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", b.lang)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	p := &page{Status: res.StatusCode, Header: res.Header, Body: out.String()}
	if p.Status != want {
		b.t.Fatalf("POST %s: status %d, want %d\n%s", action, p.Status, want, p.Body)
	}
	return p
}

func TestComposeWithImages(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.App.Web.Media = s.App.Media
		s.NewUser(t, "alice")
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/", 200), `enctype="multipart/form-data"`, `name="media_0" type="file"`, `name="alt_0"`)
		pic := pngImage(t)

		// A described image posts at once and shows with its alt text.
		b.postMultipart("/", "/web/statuses", map[string]string{"status": "A heron", "alt_0": "A grey heron on one leg"},
			map[string][]byte{"media_0": pic}, http.StatusSeeOther)
		home := b.get("/", 200)
		contains(t, home, `alt="A grey heron on one leg"`, `<abbr title="Description of the image">ALT</abbr>`, `src="/system/media/media/`)
		src := regexp.MustCompile(`<img src="(/system/media/[^"]+)" alt="A grey heron`).FindStringSubmatch(home.Body)
		if src == nil {
			t.Fatal("no image in the timeline")
		}
		if img := b.get(src[1], 200); !strings.HasPrefix(img.Header.Get("Content-Type"), "image/") {
			t.Errorf("image served as %q", img.Header.Get("Content-Type"))
		}

		// Without alt text: the nudge, the image kept, then posting anyway.
		p := b.postMultipart("/", "/web/statuses", map[string]string{"status": "No words"},
			map[string][]byte{"media_1": pic}, http.StatusUnprocessableEntity)
		contains(t, p, "An image has no description", `name="alt_confirmed"`, `name="media_id_1"`, `>No words</textarea>`)
		if strings.Contains(b.get("/", 200).Body, "No words") {
			t.Fatal("the post was published before the author confirmed")
		}
		id := regexp.MustCompile(`name="media_id_1" value="(\d+)"`).FindStringSubmatch(p.Body)[1]
		b.postMultipart("/", "/web/statuses", map[string]string{"status": "No words", "media_id_1": id, "alt_confirmed": "1",
			"sensitive": "1"}, nil, http.StatusSeeOther)
		home = b.get("/", 200)
		contains(t, home, "No words", `<details class="cw sensitive">`, `aria-label="Image without a description: open it"`)

		// Or adding the description when asked.
		p = b.postMultipart("/", "/web/statuses", map[string]string{"status": "Second try"},
			map[string][]byte{"media_0": pic}, http.StatusUnprocessableEntity)
		id = regexp.MustCompile(`name="media_id_0" value="(\d+)"`).FindStringSubmatch(p.Body)[1]
		b.postMultipart("/", "/web/statuses", map[string]string{"status": "Second try", "media_id_0": id, "alt_0": "A red door"},
			nil, http.StatusSeeOther)
		contains(t, b.get("/", 200), `alt="A red door"`)

		// Someone else's upload cannot be attached.
		bob := newBrowser(t, s)
		s.NewUser(t, "bob")
		bob.signIn("bob")
		bob.postMultipart("/", "/web/statuses", map[string]string{"status": "theft", "media_id_0": id, "alt_0": "x"}, nil, http.StatusNotFound)

		// A file that is not an image is refused in the page.
		p = b.postMultipart("/", "/web/statuses", map[string]string{"status": "junk", "alt_0": "junk"},
			map[string][]byte{"media_0": []byte("not an image at all")}, http.StatusUnprocessableEntity)
		contains(t, p, `role="alert"`, `>junk</textarea>`)
	})
}

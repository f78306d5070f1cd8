package mastodon_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/media/mediatest"
	"github.com/agora-social/agora/internal/storetest"
)

// part is one field of a multipart upload; with a filename it is a file.
type part struct {
	name, filename, contentType string
	data                        []byte
}

func upload(t *testing.T, s *apitest.Server, method, path, token string, parts ...part) *apitest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		if p.filename == "" {
			_ = mw.WriteField(p.name, string(p.data))
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
		h.Set("Content-Type", p.contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(p.data)
	}
	_ = mw.Close()
	req, err := http.NewRequest(method, s.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &apitest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// photo is a w×h JPEG with an EXIF segment holding a GPS position.
func photo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00GPSLatitude 48.8566 N")
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), append(seg, app1...)...), b[2:]...)
}

// bombHeader is a valid PNG header claiming 50,000×50,000 pixels.
func bombHeader() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := make([]byte, 17)
	copy(chunk, "IHDR")
	binary.BigEndian.PutUint32(chunk[4:], 50000)
	binary.BigEndian.PutUint32(chunk[8:], 50000)
	chunk[12], chunk[13] = 8, 2
	_ = binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(bytes.Repeat([]byte{0}, 1000))
	return b.Bytes()
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func countMedia(t *testing.T, s *apitest.Server) int {
	t.Helper()
	var n int
	if err := s.App.DB.R.QueryRow(`SELECT COUNT(*) FROM media_attachments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// mediaFlow is the whole path: upload, look, edit, attach, see in the
// status with its alt text, fetch the files.
func mediaFlow(t *testing.T, s *apitest.Server) {
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	m := upload(t, s, "POST", "/api/v2/media", alice.Token,
		part{name: "file", filename: "holiday.jpg", contentType: "image/jpeg", data: photo(t, 800, 600)},
		part{name: "description", data: []byte("A sunset over the sea")},
		part{name: "focus", data: []byte("0.5,-0.25")})
	if m.Status != 200 {
		t.Fatalf("upload: %d %s", m.Status, m.Body)
	}
	att := m.Map(t)
	id := att["id"].(string)
	meta := att["meta"].(map[string]any)
	orig, small := meta["original"].(map[string]any), meta["small"].(map[string]any)
	if att["type"] != "image" || att["description"] != "A sunset over the sea" || att["url"] == nil || att["preview_url"] == nil {
		t.Errorf("attachment = %v", att)
	}
	if orig["width"] != 800.0 || orig["height"] != 600.0 || orig["size"] != "800x600" || small["width"] != 640.0 || small["height"] != 480.0 {
		t.Errorf("meta = %v", meta)
	}
	if f := meta["focus"].(map[string]any); f["x"] != 0.5 || f["y"] != -0.25 {
		t.Errorf("focus = %v", f)
	}
	if bh, _ := att["blurhash"].(string); len(bh) != 28 {
		t.Errorf("blurhash = %v", att["blurhash"])
	}
	// The served original is a JPEG without the EXIF segment.
	res, body := fetch(t, att["url"].(string))
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("serve: %d %v", res.StatusCode, res.Header)
	}
	if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte("GPSLatitude")) {
		t.Error("served original still holds EXIF/GPS data")
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 800 {
		t.Errorf("served original: %v %v", cfg, err)
	}
	if res, _ := fetch(t, att["preview_url"].(string)); res.StatusCode != 200 {
		t.Errorf("preview: %d", res.StatusCode)
	}

	// GET and PUT: the owner's only.
	s.Must(t, 200, "GET", "/api/v1/media/"+id, alice.Token, nil)
	s.Must(t, 404, "GET", "/api/v1/media/"+id, bob.Token, nil)
	s.Must(t, 404, "PUT", "/api/v1/media/"+id, bob.Token, map[string]any{"description": "mine now"})
	s.Must(t, 404, "DELETE", "/api/v1/media/"+id, bob.Token, nil)
	s.Must(t, 401, "GET", "/api/v1/media/"+id, "", nil)
	got := s.Must(t, 200, "PUT", "/api/v1/media/"+id, alice.Token, map[string]any{"description": "Sunset at Étretat", "focus": "0,1"}).Map(t)
	if got["description"] != "Sunset at Étretat" {
		t.Errorf("updated description = %v", got["description"])
	}
	s.Must(t, 422, "PUT", "/api/v1/media/"+id, alice.Token, map[string]any{"focus": "2,0"})
	s.Must(t, 422, "PUT", "/api/v1/media/"+id, alice.Token, map[string]any{"description": strings.Repeat("x", 1501)})

	// Attach: others' media and more than four are refused.
	bobs := upload(t, s, "POST", "/api/v1/media", bob.Token, part{name: "file", filename: "b.jpg", contentType: "image/jpeg", data: photo(t, 10, 10)})
	if bobs.Status != 200 {
		t.Fatalf("bob's upload: %d %s", bobs.Status, bobs.Body)
	}
	bobID := bobs.Map(t)["id"].(string)
	s.Must(t, 422, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "media_ids": []string{bobID}})
	s.Must(t, 422, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "media_ids": []string{id, id}})
	s.Must(t, 422, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "media_ids": []string{"1", "2", "3", "4", "5"}})
	// Media alone is a valid post.
	st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"media_ids": []string{id}}).Map(t)
	atts := st["media_attachments"].([]any)
	if len(atts) != 1 || atts[0].(map[string]any)["id"] != id || atts[0].(map[string]any)["description"] != "Sunset at Étretat" {
		t.Fatalf("posted media_attachments = %v", atts)
	}
	// Visible with its alt text to other readers, in timelines too.
	read := s.Must(t, 200, "GET", "/api/v1/statuses/"+st["id"].(string), bob.Token, nil).Map(t)
	if a := read["media_attachments"].([]any); len(a) != 1 || a[0].(map[string]any)["description"] != "Sunset at Étretat" {
		t.Errorf("read media_attachments = %v", a)
	}
	tl := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses", "", nil).List(t)
	if len(tl) != 1 || len(tl[0]["media_attachments"].([]any)) != 1 {
		t.Errorf("account timeline = %v", tl)
	}
	// Attached: not deletable, not attachable elsewhere.
	s.Must(t, 422, "DELETE", "/api/v1/media/"+id, alice.Token, nil)
	s.Must(t, 422, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "again", "media_ids": []string{id}})

	// Editing keeps, adds and removes attachments.
	second := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "p.png", contentType: "image/png", data: pngOf(t, 30, 20)}).Map(t)
	ed := s.Must(t, 200, "PUT", "/api/v1/statuses/"+st["id"].(string), alice.Token, map[string]any{"status": "now with two", "media_ids": []string{second["id"].(string), id}}).Map(t)
	if a := ed["media_attachments"].([]any); len(a) != 2 || a[0].(map[string]any)["id"] != second["id"] || a[1].(map[string]any)["id"] != id {
		t.Errorf("edited media = %v", a)
	}
	ed = s.Must(t, 200, "PUT", "/api/v1/statuses/"+st["id"].(string), alice.Token, map[string]any{"status": "one again", "media_ids": []string{id}}).Map(t)
	if a := ed["media_attachments"].([]any); len(a) != 1 {
		t.Errorf("after removing one = %v", a)
	}
	// The dropped one is unattached again: deletable, and its files go.
	del := s.Must(t, 200, "DELETE", "/api/v1/media/"+second["id"].(string), alice.Token, nil).Map(t)
	if res, _ := fetch(t, del["url"].(string)); res.StatusCode != 404 {
		t.Errorf("deleted media still served: %d", res.StatusCode)
	}
	s.Must(t, 404, "GET", "/api/v1/media/"+second["id"].(string), alice.Token, nil)
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.SetNRGBA(0, 0, color.NRGBA{1, 2, 3, 255})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// refusals: a decompression bomb and a wrong type are refused with 422
// and leave nothing behind, in the database or the storage.
func refusals(t *testing.T, s *apitest.Server, files func() int) {
	alice := s.NewUser(t, "alice")
	before := files()
	for _, c := range []struct {
		name string
		p    part
		msg  string
	}{
		{"bomb", part{name: "file", filename: "big.png", contentType: "image/png", data: bombHeader()}, "exceed"},
		{"text named png", part{name: "file", filename: "cat.png", contentType: "image/png", data: []byte("just some text, honest\n")}, "not supported"},
		{"png declared as jpeg", part{name: "file", filename: "p.jpg", contentType: "image/jpeg", data: pngOf(t, 4, 4)}, "does not match"},
		{"html", part{name: "file", filename: "x.html", contentType: "text/html", data: []byte("<html><script>alert(1)</script>")}, "not supported"},
	} {
		res := upload(t, s, "POST", "/api/v2/media", alice.Token, c.p)
		if res.Status != 422 || !strings.Contains(string(res.Body), c.msg) || !strings.Contains(string(res.Body), `"error"`) {
			t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
		}
	}
	if res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "description", data: []byte("no file")}); res.Status != 422 {
		t.Errorf("no file: %d", res.Status)
	}
	if n := countMedia(t, s); n != 0 {
		t.Errorf("%d media rows after refusals", n)
	}
	if n := files(); n != before {
		t.Errorf("%d files stored after refusals, want %d", n, before)
	}
}

func TestMediaLocal(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		mediaFlow(t, s)
		// Stored files are never served as something else, and keys that
		// try to climb out of the folder are not found.
		for _, p := range []string{"/system/media/../agora.db", "/system/media/media/x/y.html", "/system/media/%2e%2e/agora.db"} {
			if res, _ := fetch(t, s.URL+p); res.StatusCode != 404 {
				t.Errorf("GET %s = %d", p, res.StatusCode)
			}
		}
	})
	for _, d := range storetest.Dialects {
		t.Run("refusals/"+string(d), func(t *testing.T) {
			dir := t.TempDir()
			s := apitest.Start(t, d, "AGORA_MEDIA_DIR="+dir)
			refusals(t, s, func() int { return countFiles(t, dir) })
		})
	}
}

// TestMediaS3 runs the same flow with the S3 backend against a real S3
// server (gofakes3 on loopback).
func TestMediaS3(t *testing.T) {
	s := apitest.Start(t, db.SQLite, mediatest.Env(t)...)
	mediaFlow(t, s)
	if _, err := os.Stat(filepath.Join(s.App.Cfg.Data, "media")); err == nil {
		t.Error("the S3 backend wrote to the local media folder")
	}
}

func TestAvatarAndHeader(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		res := upload(t, s, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
			part{name: "avatar", filename: "me.png", contentType: "image/png", data: pngOf(t, 900, 600)},
			part{name: "header", filename: "h.jpg", contentType: "image/jpeg", data: photo(t, 2000, 1000)},
			part{name: "display_name", data: []byte("Alice")})
		if res.Status != 200 {
			t.Fatalf("update: %d %s", res.Status, res.Body)
		}
		acct := res.Map(t)
		for k, want := range map[string][2]int{"avatar": {400, 400}, "header": {1500, 500}} {
			u, _ := acct[k].(string)
			if !strings.Contains(u, "/system/media/accounts/") || acct[k+"_static"] != u {
				t.Fatalf("%s = %v", k, acct[k])
			}
			r, body := fetch(t, u)
			cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
			if r.StatusCode != 200 || err != nil || cfg.Width != want[0] || cfg.Height != want[1] {
				t.Errorf("%s: %d %dx%d %v", k, r.StatusCode, cfg.Width, cfg.Height, err)
			}
			if bytes.Contains(body, []byte("GPSLatitude")) {
				t.Errorf("%s keeps EXIF data", k)
			}
		}
		if acct["display_name"] != "Alice" {
			t.Errorf("display_name = %v", acct["display_name"])
		}
		// Others see it; a new avatar replaces the old file.
		old := acct["avatar"].(string)
		if m := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID, "", nil).Map(t); m["avatar"] != old {
			t.Errorf("public avatar = %v", m["avatar"])
		}
		res = upload(t, s, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
			part{name: "avatar", filename: "me2.png", contentType: "image/png", data: pngOf(t, 100, 100)})
		if res.Status != 200 || res.Map(t)["avatar"] == old {
			t.Fatalf("second avatar: %d %s", res.Status, res.Body)
		}
		if r, _ := fetch(t, old); r.StatusCode != 404 {
			t.Errorf("old avatar still served: %d", r.StatusCode)
		}
		// A bomb as avatar is refused and the avatar stays.
		res = upload(t, s, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
			part{name: "avatar", filename: "big.png", contentType: "image/png", data: bombHeader()})
		if res.Status != 422 {
			t.Errorf("bomb avatar: %d %s", res.Status, res.Body)
		}
	})
}

// mp4 is the start of an MP4 file (an ftyp box) followed by n bytes.
func mp4(n int) []byte {
	b := []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
	return append(b, bytes.Repeat([]byte{0x42}, n)...)
}

// TestMediaSizeLimits: uploads over the byte limits are refused at once.
// (Video processing: media_video_test.go.)
func TestMediaSizeLimits(t *testing.T) {
	// Over the limits: refused with 422, nothing stored.
	s := apitest.Start(t, db.SQLite, "AGORA_MEDIA_MAX_IMAGE_BYTES=2048", "AGORA_MEDIA_MAX_VIDEO_BYTES=4096")
	alice := s.NewUser(t, "alice")
	for name, p := range map[string]part{
		"image": {name: "file", filename: "p.jpg", contentType: "image/jpeg", data: photo(t, 200, 200)},
		"video": {name: "file", filename: "v.mp4", contentType: "video/mp4", data: mp4(5000)},
		"body":  {name: "file", filename: "v.mp4", contentType: "video/mp4", data: mp4(2 << 20)},
	} {
		if res := upload(t, s, "POST", "/api/v2/media", alice.Token, p); res.Status != 422 || !strings.Contains(string(res.Body), "larger than") && !strings.Contains(string(res.Body), "at most") {
			t.Errorf("%s over the limit: %d %s", name, res.Status, res.Body)
		}
	}
	if n := countMedia(t, s); n != 0 {
		t.Errorf("%d media rows after refusals", n)
	}
}

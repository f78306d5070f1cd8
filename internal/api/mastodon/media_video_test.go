package mastodon_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media/mediatest"
)

// These tests run the real ffmpeg (make test installs it:
// scripts/ensure-ffmpeg.sh) on files they generate with it.

// ffmpegFile runs ffmpeg with args and returns the file it wrote as name.
func ffmpegFile(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	all := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)
	if b, err := exec.Command("ffmpeg", append(all, out)...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// vp9Clip is 2 s of a 320×240 pattern with a tone, VP9 and Opus in WebM,
// tagged with a title and a location.
func vp9Clip(t *testing.T) []byte {
	t.Helper()
	return ffmpegFile(t, "clip.webm", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
		"-t", "2", "-metadata", "title=secret-title", "-metadata", "location=+48.8566+002.3522/",
		"-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus")
}

// gatedFFmpeg is an AGORA_FFMPEG that waits while the gate file exists,
// then runs the real ffmpeg: it holds uploads in processing for as long
// as a test needs to look at them.
func gatedFFmpeg(t *testing.T) (env, gate string) {
	t.Helper()
	real, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is needed (make test installs it)")
	}
	dir := t.TempDir()
	gate = filepath.Join(dir, "gate")
	script := filepath.Join(dir, "ffmpeg")
	body := "#!/bin/sh\nwhile [ -e '" + gate + "' ]; do sleep 0.05; done\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return "AGORA_FFMPEG=" + script, gate
}

// waitProcessed polls GET /api/v1/media/:id while it answers 206 and
// returns the first other answer.
func waitProcessed(t *testing.T, s *apitest.Server, token, id string) *apitest.Response {
	t.Helper()
	start := time.Now()
	deadline := start.Add(90 * time.Second)
	for {
		res := s.Do(t, "GET", "/api/v1/media/"+id, token, nil)
		if res.Status != 206 {
			t.Logf("media %s processed in %s", id, time.Since(start).Round(time.Millisecond))
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("media %s still processing after 90 s", id)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// videoFlow: 202 with url null, 206 while processing, attaching refused
// until done, then 200 with Mastodon's meta, a poster, a blurhash and a
// browser-safe MP4 without the uploader's metadata; attachable then.
func videoFlow(t *testing.T, s *apitest.Server, gate string) {
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	res := upload(t, s, "POST", "/api/v2/media", alice.Token,
		part{name: "file", filename: "clip.webm", contentType: "video/webm", data: vp9Clip(t)},
		part{name: "description", data: []byte("A test pattern")})
	if res.Status != 202 {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	att := res.Map(t)
	id := att["id"].(string)
	if att["type"] != "video" || att["url"] != nil || att["description"] != "A test pattern" {
		t.Errorf("202 attachment = %v", att)
	}
	if got := s.Do(t, "GET", "/api/v1/media/"+id, alice.Token, nil); got.Status != 206 || got.Map(t)["url"] != nil {
		t.Errorf("while processing: %d %s", got.Status, got.Body)
	}
	s.Must(t, 404, "GET", "/api/v1/media/"+id, bob.Token, nil)
	notReady := s.Do(t, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "too soon", "media_ids": []string{id}})
	if notReady.Status != 422 || !strings.Contains(string(notReady.Body), "have not finished processing") {
		t.Errorf("attach while processing: %d %s", notReady.Status, notReady.Body)
	}
	if got := s.Do(t, "PUT", "/api/v1/media/"+id, alice.Token, map[string]any{"description": "A test pattern, 2 s"}); got.Status != 206 {
		t.Errorf("PUT while processing: %d %s", got.Status, got.Body)
	}
	if err := os.Remove(gate); err != nil {
		t.Fatal(err)
	}

	done := waitProcessed(t, s, alice.Token, id)
	if done.Status != 200 {
		t.Fatalf("processed: %d %s", done.Status, done.Body)
	}
	att = done.Map(t)
	meta := att["meta"].(map[string]any)
	orig, small := meta["original"].(map[string]any), meta["small"].(map[string]any)
	if att["type"] != "video" || att["url"] == nil || att["preview_url"] == nil || att["description"] != "A test pattern, 2 s" {
		t.Errorf("done attachment = %v", att)
	}
	if bh, _ := att["blurhash"].(string); len(bh) < 6 {
		t.Errorf("blurhash = %v", att["blurhash"])
	}
	if orig["width"] != 320.0 || orig["height"] != 240.0 || orig["frame_rate"] != "25/1" || orig["duration"].(float64) < 1.9 ||
		orig["bitrate"].(float64) <= 0 || small["width"] != 320.0 || small["height"] != 240.0 || small["size"] != "320x240" {
		t.Errorf("meta = %v", meta)
	}
	if meta["fps"] != 25.0 || meta["size"] != "320x240" || meta["audio_encode"] != "aac" || !strings.HasPrefix(meta["length"].(string), "0:00:02.") {
		t.Errorf("meta = %v", meta)
	}
	r, body := fetch(t, att["url"].(string))
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "video/mp4" || !bytes.Equal(body[4:8], []byte("ftyp")) {
		t.Fatalf("served video: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	for _, secret := range []string{"secret-title", "48.8566"} {
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("served video still holds %q", secret)
		}
	}
	if !bytes.Contains(body, []byte("avc1")) || bytes.Contains(body, []byte("vp09")) {
		t.Error("served video is not H.264")
	}
	if r, _ := fetch(t, att["preview_url"].(string)); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("poster: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "a clip", "media_ids": []string{id}}).Map(t)
	if a := st["media_attachments"].([]any); len(a) != 1 || a[0].(map[string]any)["type"] != "video" {
		t.Errorf("posted media = %v", a)
	}
}

func TestVideoProcessed(t *testing.T) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			env, gate := gatedFFmpeg(t)
			videoFlow(t, apitest.Start(t, d, env), gate)
		})
	}
	t.Run("s3", func(t *testing.T) {
		env, gate := gatedFFmpeg(t)
		videoFlow(t, apitest.Start(t, db.SQLite, append(mediatest.Env(t), env)...), gate)
	})
}

// TestGIFsAudioAndCustomThumbnail: an animated GIF becomes gifv, a still
// one stays an image; audio is processed to a file without tags; a
// client's thumbnail is kept as the preview.
func TestGIFsAudioAndCustomThumbnail(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice := s.NewUser(t, "alice")
	anim := ffmpegFile(t, "anim.gif", "-f", "lavfi", "-i", "testsrc=size=120x90:rate=10", "-t", "1")
	still := ffmpegFile(t, "still.gif", "-f", "lavfi", "-i", "testsrc=size=120x90:rate=10", "-frames:v", "1")
	res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "anim.gif", contentType: "image/gif", data: anim})
	if res.Status != 202 || res.Map(t)["type"] != "gifv" {
		t.Fatalf("animated gif: %d %s", res.Status, res.Body)
	}
	// The service's own wait (the web UI's form uses it), then the API.
	gifID := res.Map(t)["id"].(string)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if m, err := s.App.Media.WaitProcessed(ctx, alice.ID, mustID(t, gifID)); err != nil || m.Processing != "done" || m.Type != "gifv" {
		t.Fatalf("WaitProcessed = %+v, %v", m, err)
	}
	gifv := s.Must(t, 200, "GET", "/api/v1/media/"+gifID, alice.Token, nil).Map(t)
	if gifv["type"] != "gifv" || gifv["url"] == nil || gifv["preview_url"] == nil {
		t.Errorf("gifv = %v", gifv)
	}
	if r, body := fetch(t, gifv["url"].(string)); r.Header.Get("Content-Type") != "video/mp4" || bytes.Contains(body, []byte("mp4a")) {
		t.Errorf("gifv served as %s (with sound: %v)", r.Header.Get("Content-Type"), bytes.Contains(body, []byte("mp4a")))
	}
	if res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "still.gif", contentType: "image/gif", data: still}); res.Status != 200 || res.Map(t)["type"] != "image" {
		t.Errorf("still gif: %d %s", res.Status, res.Body)
	}

	// An animated GIF whose header claims 20000×20000 is refused at once,
	// like any image over the limits: it never reaches ffmpeg.
	frame := "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x4c\x01\x00"
	bomb := []byte("GIF89a\x20\x4e\x20\x4e\x00\x00\x00" + frame + frame + "\x3b")
	if res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "bomb.gif", contentType: "image/gif", data: bomb}); res.Status != 422 || !strings.Contains(string(res.Body), "exceed") {
		t.Errorf("animated GIF bomb: %d %s", res.Status, res.Body)
	}

	mp3 := ffmpegFile(t, "a.mp3", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-metadata", "title=secret-title", "-c:a", "libmp3lame")
	res = upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "a.mp3", contentType: "audio/mpeg", data: mp3})
	if res.Status != 202 {
		t.Fatalf("audio: %d %s", res.Status, res.Body)
	}
	audio := waitProcessed(t, s, alice.Token, res.Map(t)["id"].(string)).Map(t)
	if audio["type"] != "audio" || audio["url"] == nil || audio["meta"].(map[string]any)["original"].(map[string]any)["duration"].(float64) < 0.9 {
		t.Errorf("audio = %v", audio)
	}
	if r, body := fetch(t, audio["url"].(string)); r.Header.Get("Content-Type") != "audio/mpeg" || bytes.Contains(body, []byte("secret-title")) {
		t.Errorf("audio served as %s, tags kept: %v", r.Header.Get("Content-Type"), bytes.Contains(body, []byte("secret-title")))
	}

	clip := ffmpegFile(t, "c.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p")
	res = upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "c.mp4", contentType: "video/mp4", data: clip},
		part{name: "thumbnail", filename: "poster.png", contentType: "image/png", data: pngOf(t, 1280, 720)})
	if res.Status != 202 || res.Map(t)["preview_url"] == nil {
		t.Fatalf("video with thumbnail: %d %s", res.Status, res.Body)
	}
	v := waitProcessed(t, s, alice.Token, res.Map(t)["id"].(string)).Map(t)
	if small := v["meta"].(map[string]any)["small"].(map[string]any); small["width"] != 640.0 || small["height"] != 360.0 || v["type"] != "gifv" {
		t.Errorf("silent video with thumbnail = %v", v)
	}
}

// TestVideoRefused: over the duration or frame limits, or not a video: 202,
// then failed (GET answers 422 saying why), not attachable, its upload
// removed from storage.
func TestVideoRefused(t *testing.T) {
	dir := t.TempDir()
	s := apitest.Start(t, db.SQLite, "AGORA_MEDIA_DIR="+dir, "AGORA_MEDIA_MAX_VIDEO_SECONDS=1", "AGORA_MEDIA_MAX_VIDEO_PIXELS=50000")
	alice := s.NewUser(t, "alice")
	long := ffmpegFile(t, "long.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "3", "-c:v", "libx264")
	large := ffmpegFile(t, "large.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "0.5", "-c:v", "libx264")
	garbage := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte("not a video "), 1000)...)
	var ids []string
	for _, c := range []struct {
		name   string
		data   []byte
		reason string
	}{
		{"too long", long, "more than the limit of 1"},
		{"too large", large, "exceeds the limit of 50000 pixels"},
		{"garbage", garbage, "not a video or audio file"},
	} {
		res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "v.mp4", contentType: "video/mp4", data: c.data})
		if res.Status != 202 {
			t.Fatalf("%s: %d %s", c.name, res.Status, res.Body)
		}
		id := res.Map(t)["id"].(string)
		got := waitProcessed(t, s, alice.Token, id)
		m := got.Map(t)
		if got.Status != 422 || m["error"] != "Error processing thumbnail for uploaded media" || !strings.Contains(m["error_description"].(string), c.reason) {
			t.Errorf("%s: %d %s", c.name, got.Status, got.Body)
		}
		if r := s.Do(t, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "media_ids": []string{id}}); r.Status != 422 || !strings.Contains(string(r.Body), "could not be processed") {
			t.Errorf("%s attached: %d %s", c.name, r.Status, r.Body)
		}
		ids = append(ids, id)
	}
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("%d files left in storage after refused videos", n)
	}
	for _, id := range ids { // a failed upload can be deleted, as Mastodon
		s.Must(t, 200, "DELETE", "/api/v1/media/"+id, alice.Token, nil)
	}
}

// TestWithoutFFmpeg: the server runs; video and audio are refused with 422
// saying why, GIFs stay images, the instance lists images only.
func TestWithoutFFmpeg(t *testing.T) {
	s := apitest.Start(t, db.SQLite, "AGORA_FFMPEG=/nonexistent/ffmpeg")
	alice := s.NewUser(t, "alice")
	clip := ffmpegFile(t, "c.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1", "-c:v", "libx264")
	res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "c.mp4", contentType: "video/mp4", data: clip})
	if res.Status != 422 || !strings.Contains(string(res.Body), "cannot process video") {
		t.Errorf("video without ffmpeg: %d %s", res.Status, res.Body)
	}
	anim := ffmpegFile(t, "anim.gif", "-f", "lavfi", "-i", "testsrc=size=60x40:rate=10", "-t", "1")
	if res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "a.gif", contentType: "image/gif", data: anim}); res.Status != 200 || res.Map(t)["type"] != "image" {
		t.Errorf("animated gif without ffmpeg: %d %s", res.Status, res.Body)
	}
	if got := supportedTypes(t, s); slices.Contains(got, "video/mp4") || slices.Contains(got, "audio/mpeg") || !slices.Contains(got, "image/heic") {
		t.Errorf("supported_mime_types without ffmpeg = %v", got)
	}
	if got := supportedTypes(t, apitest.Start(t, db.SQLite)); !slices.Contains(got, "video/mp4") || !slices.Contains(got, "video/quicktime") || !slices.Contains(got, "image/avif") {
		t.Errorf("supported_mime_types with ffmpeg = %v", got)
	}
}

func mustID(t *testing.T, s string) domain.ID {
	t.Helper()
	id, ok := domain.ParseID(s)
	if !ok {
		t.Fatalf("bad id %q", s)
	}
	return id
}

func supportedTypes(t *testing.T, s *apitest.Server) []string {
	t.Helper()
	inst := s.Must(t, 200, "GET", "/api/v2/instance", "", nil).Map(t)
	var out []string
	for _, v := range inst["configuration"].(map[string]any)["media_attachments"].(map[string]any)["supported_mime_types"].([]any) {
		out = append(out, v.(string))
	}
	return out
}

// TestAVIFAndHEICUploads: both are stored as JPEG, without their EXIF.
func TestAVIFAndHEICUploads(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice := s.NewUser(t, "alice")
	avif := ffmpegFile(t, "p.avif", "-f", "lavfi", "-i", "testsrc2=size=400x300", "-frames:v", "1", "-c:v", "libaom-av1", "-cpu-used", "8", "-still-picture", "1")
	heic, err := os.ReadFile("../../media/testdata/gps.heic")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, ct string
		data     []byte
		w        float64
	}{{"p.avif", "image/avif", avif, 400}, {"p.heic", "image/heic", heic, 96}} {
		res := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: c.name, contentType: c.ct, data: c.data})
		if res.Status != 200 {
			t.Fatalf("%s: %d %s", c.name, res.Status, res.Body)
		}
		att := res.Map(t)
		if att["type"] != "image" || att["meta"].(map[string]any)["original"].(map[string]any)["width"] != c.w {
			t.Errorf("%s = %v", c.name, att)
		}
		r, body := fetch(t, att["url"].(string))
		if r.Header.Get("Content-Type") != "image/jpeg" || bytes.Contains(body, []byte("GPSLatitude")) {
			t.Errorf("%s served as %s, EXIF kept: %v", c.name, r.Header.Get("Content-Type"), bytes.Contains(body, []byte("GPSLatitude")))
		}
	}
}

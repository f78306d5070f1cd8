package media

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// These tests run the real ffmpeg and ffprobe (installed by make test:
// scripts/ensure-ffmpeg.sh) on inputs they generate with ffmpeg.

// videoService is a Service with the default configuration and env on
// top, for converting files (no store, no storage).
func videoService(t *testing.T, env ...string) *Service {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Cfg: cfg}
	if s.tools() == nil {
		t.Fatal("ffmpeg and ffprobe are needed (make test installs them: scripts/ensure-ffmpeg.sh)")
	}
	return s
}

// generate runs ffmpeg with args to write name in a temporary folder.
func generate(t testing.TB, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	all := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)
	if b, err := exec.Command("ffmpeg", append(all, out)...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return out
}

// testVideo is 2 s of a 320×240 test pattern at 25 fps with a sine tone,
// tagged with a title and a location that must not survive.
func testVideo(t *testing.T, name string, codec ...string) string {
	t.Helper()
	args := []string{"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
		"-t", "2", "-metadata", "title=secret-title", "-metadata", "location=+48.8566+002.3522/"}
	return generate(t, name, append(args, codec...)...)
}

func convertFile(t *testing.T, s *Service, typ, path string) (*converted, error) {
	t.Helper()
	m := &store.Media{Type: typ, Meta: "{}"}
	return s.convert(context.Background(), s.tools(), m, path, t.TempDir())
}

func mustProbe(t *testing.T, s *Service, path string) *probe {
	t.Helper()
	p, err := s.probeFile(context.Background(), s.tools(), path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkStripped fails when the file still holds the test tags.
func checkStripped(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"secret-title", "48.8566"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s still holds %q", filepath.Base(path), s)
		}
	}
}

// TestConvertVP9ToBrowserMP4: a VP9/Opus WebM becomes H.264/AAC in an MP4
// with its index first, no metadata, Mastodon's meta and a poster.
func TestConvertVP9ToBrowserMP4(t *testing.T) {
	s := videoService(t)
	in := testVideo(t, "in.webm", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus")
	if b, _ := os.ReadFile(in); !bytes.Contains(b, []byte("secret-title")) {
		t.Fatal("the generated input has no title tag: the test would prove nothing")
	}
	c, err := convertFile(t, s, "video", in)
	if err != nil {
		t.Fatal(err)
	}
	if c.typ != "video" || c.contentType != "video/mp4" || c.ext != "mp4" {
		t.Errorf("converted to %s %s %s", c.typ, c.contentType, c.ext)
	}
	out := mustProbe(t, s, c.path)
	v, a := out.video(), out.audio()
	if v == nil || v.Codec != "h264" || v.PixFmt != "yuv420p" || a == nil || a.Codec != "aac" || !strings.Contains(out.Format.Name, "mp4") {
		t.Fatalf("output streams: %+v", out.Streams)
	}
	b, _ := os.ReadFile(c.path)
	if moov, mdat := bytes.Index(b, []byte("moov")), bytes.Index(b, []byte("mdat")); moov < 0 || moov > mdat {
		t.Errorf("moov at %d, mdat at %d: not faststart", moov, mdat)
	}
	checkStripped(t, c.path)
	o := c.meta.Original
	if o == nil || o.Width != 320 || o.Height != 240 || o.FrameRate != "25/1" || o.Duration < 1.9 || o.Duration > 2.2 || o.Bitrate <= 0 {
		t.Errorf("meta.original = %+v", o)
	}
	if c.meta.Length != "0:00:02.00" && c.meta.Length != "0:00:02.01" && c.meta.Length != "0:00:02.02" || c.meta.FPS != 25 ||
		c.meta.Size != "320x240" || c.meta.AudioEncode != "aac" || !strings.HasSuffix(c.meta.AudioBitrate, "000 Hz") || c.meta.AudioChannels != "mono" {
		t.Errorf("meta = %+v", c.meta)
	}
	if c.poster == nil || c.poster.pw != 320 || c.poster.ph != 240 || len(c.poster.blurhash) < 6 || c.meta.Small == nil || c.meta.Small.Width != 320 {
		t.Errorf("poster = %+v, small = %+v", c.poster, c.meta.Small)
	}
}

// TestH264MP4IsOnlyRemuxed: a browser-safe MP4 keeps its streams (no
// re-encoding) but loses its metadata and gets its index first.
func TestH264MP4IsOnlyRemuxed(t *testing.T) {
	s := videoService(t)
	in := testVideo(t, "in.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac")
	p := mustProbe(t, s, in)
	if args := videoArgs(p, false); !slices.Contains(args, "copy") || slices.Contains(args, "libx264") {
		t.Errorf("args for an H.264/AAC MP4 = %v, want a stream copy", args)
	}
	c, err := convertFile(t, s, "video", in)
	if err != nil {
		t.Fatal(err)
	}
	checkStripped(t, c.path)
	// A stream copy keeps the encoded frames: the x264 settings written by
	// the generator (ultrafast: no CABAC) are still there.
	if b, _ := os.ReadFile(c.path); !bytes.Contains(b, []byte("cabac=0")) {
		t.Error("the H.264 stream was re-encoded")
	}
	// A phone video recorded sideways (rotation side data) keeps its
	// rotation when remuxed: meta and poster are upright, 240×320.
	plain := generate(t, "plain.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1", "-c:v", "libx264",
		"-preset", "ultrafast", "-pix_fmt", "yuv420p")
	rotated := generate(t, "rotated.mp4", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90")
	c, err = convertFile(t, s, "video", rotated)
	if err != nil {
		t.Fatal(err)
	}
	if o := c.meta.Original; o.Width != 240 || o.Height != 320 || c.poster.pw != 240 || c.poster.ph != 320 {
		t.Errorf("rotated video: meta %dx%d, poster %dx%d; want 240x320", o.Width, o.Height, c.poster.pw, c.poster.ph)
	}
	// Odd sides or another pixel format are transcoded.
	odd := generate(t, "odd.mp4", "-f", "lavfi", "-i", "testsrc=size=321x241:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv444p")
	if args := videoArgs(mustProbe(t, s, odd), true); !slices.Contains(args, "libx264") {
		t.Errorf("args for a yuv444p 321×241 MP4 = %v, want a transcode", args)
	}
	c, err = convertFile(t, s, "video", odd)
	if err != nil {
		t.Fatal(err)
	}
	if v := mustProbe(t, s, c.path).video(); v.Width != 320 || v.Height != 240 || v.PixFmt != "yuv420p" {
		t.Errorf("odd video became %dx%d %s", v.Width, v.Height, v.PixFmt)
	}
}

// TestSilentVideoAndAnimatedGIFBecomeGifv: as Mastodon, a video without
// sound and an animated GIF are gifv, an MP4 without audio.
func TestSilentVideoAndAnimatedGIFBecomeGifv(t *testing.T) {
	s := videoService(t)
	silent := generate(t, "silent.webm", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1", "-c:v", "libvpx-vp9", "-deadline", "realtime")
	gifPath := generate(t, "anim.gif", "-f", "lavfi", "-i", "testsrc=size=120x90:rate=10", "-t", "1")
	data, _ := os.ReadFile(gifPath)
	if !animatedGIF(data) {
		t.Fatal("a 10-frame GIF is not seen as animated")
	}
	for _, c := range []struct{ name, typ, path string }{{"silent video", "video", silent}, {"animated gif", "gifv", gifPath}} {
		got, err := convertFile(t, s, c.typ, c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		out := mustProbe(t, s, got.path)
		if got.typ != "gifv" || got.contentType != "video/mp4" || out.audio() != nil || out.video().Codec != "h264" || got.poster == nil {
			t.Errorf("%s: %s %s, audio %v", c.name, got.typ, got.contentType, out.audio())
		}
	}
}

// TestAudio: MP3 and Ogg are remuxed (tags dropped), other audio becomes
// MP3; a cover picture is not a video.
func TestAudio(t *testing.T) {
	s := videoService(t)
	sine := []string{"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "2", "-metadata", "title=secret-title"}
	for _, c := range []struct {
		name, file  string
		codec       []string
		contentType string
	}{
		{"mp3", "a.mp3", []string{"-c:a", "libmp3lame"}, "audio/mpeg"},
		{"ogg vorbis", "a.ogg", []string{"-c:a", "libvorbis"}, "audio/ogg"},
		{"wav", "a.wav", nil, "audio/mpeg"},
		{"flac", "a.flac", nil, "audio/mpeg"},
	} {
		in := generate(t, c.file, append(sine, c.codec...)...)
		got, err := convertFile(t, s, "audio", in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.typ != "audio" || got.contentType != c.contentType || got.poster != nil || got.meta.Original == nil || got.meta.Original.Duration < 1.9 {
			t.Errorf("%s: %s %s meta %+v", c.name, got.typ, got.contentType, got.meta)
		}
		checkStripped(t, got.path)
	}
}

// TestVideoRefusals: beyond the limits, unreadable, or a playlist trying
// to make ffmpeg read other files: refused with a reason.
func TestVideoRefusals(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	video := testVideo(t, "v.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	fast := generate(t, "fast.mp4", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=200", "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast")
	for _, c := range []struct {
		name, path, reason string
		env                []string
	}{
		{"too long", video, "lasts 2 seconds, more than the limit of 1", []string{"AGORA_MEDIA_MAX_VIDEO_SECONDS=1"}},
		{"too many pixels", video, "320×240 exceeds the limit of 76799 pixels", []string{"AGORA_MEDIA_MAX_VIDEO_PIXELS=76799"}},
		{"converted too large", video, "converted file is larger than the limit of 2048 bytes", []string{"AGORA_MEDIA_MAX_VIDEO_BYTES=2048"}},
		{"frame rate", fast, "200 frames per second, more than the limit of 120", nil},
		{"garbage named mp4", write("x.mp4", "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"+strings.Repeat("garbage", 500)), "not a video or audio file", nil},
		{"hls playlist", write("x.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n"+video+"\n#EXT-X-ENDLIST\n"), "not a video or audio file", nil},
		{"concat list", write("x.txt", "ffconcat version 1.0\nfile '"+video+"'\n"), "not a video or audio file", nil},
		{"no streams", write("x.ogg", "OggS"+strings.Repeat("\x00", 100)), "not a video or audio file", nil},
	} {
		s := videoService(t, c.env...)
		_, err := convertFile(t, s, "video", c.path)
		var r *refusal
		if !errors.As(err, &r) || !strings.Contains(r.reason, c.reason) {
			t.Errorf("%s: got %v, want a refusal saying %q", c.name, err, c.reason)
		}
	}
	// A conversion over its time limit is killed and refused.
	s := videoService(t)
	s.Cfg.Media.FFmpegTimeout = time.Millisecond
	in := testVideo(t, "slow.webm", "-c:v", "libvpx-vp9", "-deadline", "realtime")
	_, err := convertFile(t, s, "video", in)
	var r *refusal
	if !errors.As(err, &r) || !strings.Contains(r.reason, "took longer than the limit") {
		t.Errorf("timeout: got %v", err)
	}
}

// TestWithoutFFmpeg: a missing ffmpeg leaves images only.
func TestWithoutFFmpeg(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"AGORA_FFMPEG": "/nonexistent/ffmpeg"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Cfg: cfg}
	if s.CanProcessVideo() || slices.Contains(s.AcceptedTypes(), "video/mp4") || !slices.Contains(s.AcceptedTypes(), "image/avif") {
		t.Errorf("without ffmpeg: can %v, accepted %v", s.CanProcessVideo(), s.AcceptedTypes())
	}
}

func TestAnimatedGIFDetection(t *testing.T) {
	still := generate(t, "still.gif", "-f", "lavfi", "-i", "testsrc=size=40x30:rate=1", "-frames:v", "1")
	data, _ := os.ReadFile(still)
	if animatedGIF(data) {
		t.Error("a one-frame GIF is seen as animated")
	}
	// Two frames found from the block structure alone, even when the
	// header claims a size no decoder should try (checkHeader refuses it).
	frame := "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x4c\x01\x00"
	bomb := []byte("GIF89a\x20\x4e\x20\x4e\x00\x00\x00" + frame + frame + "\x3b")
	if !animatedGIF(bomb) {
		t.Error("a two-frame GIF is not seen as animated")
	}
	if _, err := checkHeader(bomb, "image/gif"); err == nil || !strings.Contains(err.Error(), "exceed") {
		t.Errorf("checkHeader(20000×20000 GIF) = %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("GIF89a"), []byte("GIF89a\x01\x00\x01\x00\xff\x00\x00"), data[:len(data)/2]} {
		if animatedGIF(bad) {
			t.Errorf("%q seen as animated", bad)
		}
	}
}

func TestSniffMore(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "image/avif"},
		{"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heicmiaf", "image/heic"},
		{"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "image/heic"},
		{"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video/quicktime"},
		{"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", ""},
		{"fLaC\x00\x00\x00\x22", "audio/flac"},
		{"\xff\xfb\x90\x64\x00", "audio/mpeg"},
		{"\xff\xd8\xff\xe0", ""},
	} {
		if got := sniffMore([]byte(c.data)); got != c.want {
			t.Errorf("sniffMore(%q) = %q, want %q", c.data, got, c.want)
		}
	}
}

// TestJobOnNodeWithoutFFmpeg: the job is retried (another node may have
// ffmpeg); its last attempt marks the upload failed, saying why, and
// removes its source.
func TestJobOnNodeWithoutFFmpeg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, time.Now)
		_, acct, err := st.CreateLocalUser(ctx, store.NewLocalUser{Username: "alice", Email: "a@example.org", PasswordHash: "x", Approved: true, BaseURL: "https://example.org"})
		if err != nil {
			t.Fatal(err)
		}
		storage, err := NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(func(k string) string { return map[string]string{"AGORA_FFMPEG": "/nonexistent/ffmpeg"}[k] })
		if err != nil {
			t.Fatal(err)
		}
		svc := &Service{Cfg: cfg, Store: st, Storage: storage}
		m := &store.Media{ID: st.IDs.Next(), AccountID: acct.ID, Type: "video", ContentType: "video/mp4",
			SourceKey: "media/1/abc/source.mp4", Meta: "{}", Processing: store.MediaProcessing}
		if err := storage.Put(ctx, m.SourceKey, strings.NewReader("video"), 5, "video/mp4"); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
		w := &processWorker{svc: svc}
		job := func(attempt int) *river.Job[ProcessArgs] {
			return &river.Job[ProcessArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 3}, Args: ProcessArgs{MediaID: int64(m.ID)}}
		}
		if err := w.Work(ctx, job(1)); !errors.Is(err, errNoFFmpegHere) {
			t.Fatalf("first attempt = %v, want a retry", err)
		}
		if got, _ := st.Media(ctx, m.ID); got.Processing != store.MediaProcessing {
			t.Fatalf("after the first attempt: %q", got.Processing)
		}
		if err := w.Work(ctx, job(3)); err != nil {
			t.Fatalf("last attempt = %v", err)
		}
		got, err := st.Media(ctx, m.ID)
		if err != nil || got.Processing != store.MediaFailed || !strings.Contains(got.ProcessingError, "ffmpeg is not installed") {
			t.Errorf("after the last attempt: %+v, %v", got, err)
		}
		if _, err := storage.Open(ctx, m.SourceKey); err == nil {
			t.Error("the source is still stored")
		}
	})
}

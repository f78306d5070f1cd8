package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/media/mediatest"
)

// eachStorage runs fn on the local backend and on S3 against a real S3
// server (gofakes3 on loopback).
func eachStorage(t *testing.T, fn func(t *testing.T, s media.Storage)) {
	t.Run("local", func(t *testing.T) {
		s, err := media.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, s)
	})
	t.Run("s3", func(t *testing.T) {
		s, err := media.NewS3(context.Background(), mediatest.S3(t))
		if err != nil {
			t.Fatal(err)
		}
		fn(t, s)
	})
}

func TestStorage(t *testing.T) {
	eachStorage(t, func(t *testing.T, s media.Storage) {
		ctx := context.Background()
		const key = "media/123/abcdef/original.jpg"
		body := bytes.Repeat([]byte("0123456789"), 10000)
		if err := s.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "image/jpeg"); err != nil {
			t.Fatalf("put: %v", err)
		}
		obj, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		if obj.Size != int64(len(body)) {
			t.Errorf("size = %d, want %d", obj.Size, len(body))
		}
		// Seeking works (Range requests for video rely on it).
		if _, err := obj.Body.Seek(50000, io.SeekStart); err != nil {
			t.Fatalf("seek: %v", err)
		}
		got, err := io.ReadAll(obj.Body)
		obj.Body.Close()
		if err != nil || !bytes.Equal(got, body[50000:]) {
			t.Errorf("read after seek: %d bytes, err %v", len(got), err)
		}
		// Replacing a key replaces its content.
		if err := s.Put(ctx, key, strings.NewReader("new"), 3, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		obj, err = s.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = io.ReadAll(obj.Body)
		obj.Body.Close()
		if string(got) != "new" {
			t.Errorf("after replace = %q", got)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := s.Open(ctx, key); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("open deleted: %v, want not found", err)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("delete missing: %v", err)
		}
		if _, err := s.Open(ctx, "media/none/x.jpg"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("open missing: %v, want not found", err)
		}
		for _, bad := range []string{"../etc/passwd.jpg", "/abs/x.jpg", "media/../../x.jpg", "media//x.jpg", "Media/X.JPG", "media/x"} {
			if err := s.Put(ctx, bad, strings.NewReader("x"), 1, "image/jpeg"); err == nil {
				t.Errorf("put %q: no error", bad)
			}
			if _, err := s.Open(ctx, bad); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("open %q: %v, want not found", bad, err)
			}
		}
		if s.PublicURL(key) != "" {
			t.Errorf("public URL without AGORA_S3_PUBLIC_URL = %q", s.PublicURL(key))
		}
	})
}

func TestS3PublicURLAndMissingBucket(t *testing.T) {
	ctx := context.Background()
	c := mediatest.S3(t)
	c.PublicURL = "https://cdn.example/media"
	s, err := media.NewS3(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.PublicURL("media/1/a/original.jpg"); got != "https://cdn.example/media/media/1/a/original.jpg" {
		t.Errorf("public URL = %q", got)
	}
	c.Bucket = "missing"
	if _, err := media.NewS3(ctx, c); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
}

func TestConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := config.Load(env())
	if err != nil {
		t.Fatal(err)
	}
	if c.Media.Backend != "local" || c.Media.MaxImageBytes != 16<<20 || c.Media.MaxVideoBytes != 99<<20 || c.Media.RemoteRetentionDays != 30 {
		t.Errorf("defaults = %+v", c.Media)
	}
	if m := c.Media; m.FFmpeg != "" || m.FFprobe != "" || m.FFmpegTimeout != 10*time.Minute || m.FFmpegConcurrency != 1 ||
		m.MaxVideoSeconds != 300 || m.MaxVideoPixels != 3840*2160 || m.MaxVideoFrameRate != 120 {
		t.Errorf("video defaults = %+v", m)
	}
	c, err = config.Load(env("AGORA_FFMPEG", "/opt/ff/ffmpeg", "AGORA_FFPROBE", "/opt/ff/ffprobe", "AGORA_FFMPEG_TIMEOUT", "90s",
		"AGORA_FFMPEG_CONCURRENCY", "2", "AGORA_MEDIA_MAX_VIDEO_SECONDS", "60", "AGORA_MEDIA_MAX_VIDEO_PIXELS", "921600", "AGORA_MEDIA_MAX_VIDEO_FRAME_RATE", "60"))
	if m := c.Media; err != nil || m.FFmpeg != "/opt/ff/ffmpeg" || m.FFprobe != "/opt/ff/ffprobe" || m.FFmpegTimeout != 90*time.Second ||
		m.FFmpegConcurrency != 2 || m.MaxVideoSeconds != 60 || m.MaxVideoPixels != 921600 || m.MaxVideoFrameRate != 60 {
		t.Errorf("video settings = %+v, %v", m, err)
	}
	c, err = config.Load(env("AGORA_MEDIA_BACKEND", "s3", "AGORA_S3_ENDPOINT", "http://127.0.0.1:9000", "AGORA_S3_BUCKET", "b",
		"AGORA_S3_ACCESS_KEY", "ak", "AGORA_S3_SECRET_KEY", "very-secret", "AGORA_S3_PUBLIC_URL", "https://cdn.example/"))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Media.S3; s.Endpoint != "127.0.0.1:9000" || s.Secure || s.PublicURL != "https://cdn.example" || s.Region != "us-east-1" {
		t.Errorf("s3 = %+v", s)
	}
	if strings.Contains(c.Media.S3.String(), "very-secret") {
		t.Errorf("S3.String shows the secret: %s", c.Media.S3)
	}
	for _, bad := range [][]string{
		{"AGORA_MEDIA_BACKEND", "ftp"},
		{"AGORA_MEDIA_BACKEND", "s3"},
		{"AGORA_MEDIA_BACKEND", "s3", "AGORA_S3_ENDPOINT", "ftp://x", "AGORA_S3_BUCKET", "b", "AGORA_S3_ACCESS_KEY", "a", "AGORA_S3_SECRET_KEY", "s"},
		{"AGORA_MEDIA_MAX_IMAGE_BYTES", "lots"},
		{"AGORA_MEDIA_MAX_VIDEO_BYTES", "10"},
		{"AGORA_MEDIA_REMOTE_RETENTION_DAYS", "-1"},
		{"AGORA_FFMPEG_TIMEOUT", "soon"},
		{"AGORA_FFMPEG_TIMEOUT", "10ms"},
		{"AGORA_FFMPEG_CONCURRENCY", "0"},
		{"AGORA_MEDIA_MAX_VIDEO_SECONDS", "-5"},
		{"AGORA_MEDIA_MAX_VIDEO_PIXELS", "many"},
		{"AGORA_MEDIA_MAX_VIDEO_FRAME_RATE", "0"},
	} {
		if _, err := config.Load(env(bad...)); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

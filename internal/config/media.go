package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Media is where and how media files are stored (docs/operations.md).
type Media struct {
	Backend string // AGORA_MEDIA_BACKEND: local (default, under AGORA_DATA/media) | s3
	// Dir is the local backend's folder; empty means AGORA_DATA/media
	// (AGORA_MEDIA_DIR).
	Dir string
	S3  S3

	MaxImageBytes int64 // AGORA_MEDIA_MAX_IMAGE_BYTES (default 16 MiB, as Mastodon)
	MaxVideoBytes int64 // AGORA_MEDIA_MAX_VIDEO_BYTES (default 99 MiB, as Mastodon); audio too
	// RemoteRetentionDays is how long cached copies of remote media are kept
	// (AGORA_MEDIA_REMOTE_RETENTION_DAYS, default 30; 0 keeps them forever).
	RemoteRetentionDays int

	// FFmpeg and FFprobe are the programs video, audio and animated GIFs
	// are processed with (AGORA_FFMPEG, AGORA_FFPROBE; default: found on
	// PATH). When either is missing the server still runs and refuses
	// video and audio uploads.
	FFmpeg, FFprobe string
	// FFmpegTimeout bounds one ffmpeg run (AGORA_FFMPEG_TIMEOUT, default 10m:
	// 5 minutes of 1080p take about that on a busy 2-core machine).
	FFmpegTimeout time.Duration
	// FFmpegConcurrency is how many ffmpeg runs one node allows at once
	// (AGORA_FFMPEG_CONCURRENCY, default 1: transcoding takes every core).
	FFmpegConcurrency int
	// MaxVideoSeconds is the longest video or audio accepted
	// (AGORA_MEDIA_MAX_VIDEO_SECONDS, default 300).
	MaxVideoSeconds int
	// MaxVideoPixels is the largest frame accepted (width × height,
	// AGORA_MEDIA_MAX_VIDEO_PIXELS, default 8294400: 3840×2160, as Mastodon).
	MaxVideoPixels int
	// MaxVideoFrameRate is the highest frame rate accepted
	// (AGORA_MEDIA_MAX_VIDEO_FRAME_RATE, default 120, as Mastodon).
	MaxVideoFrameRate int
}

// S3 is an S3-compatible object store.
type S3 struct {
	Endpoint  string // AGORA_S3_ENDPOINT: host[:port], or an http(s) URL
	Secure    bool   // false when AGORA_S3_ENDPOINT starts with http://
	Bucket    string // AGORA_S3_BUCKET
	Region    string // AGORA_S3_REGION (default us-east-1)
	AccessKey string // AGORA_S3_ACCESS_KEY
	SecretKey string // AGORA_S3_SECRET_KEY (a secret: never logged)
	// PublicURL, when set, is where clients fetch objects directly
	// (a CDN or a public bucket: PublicURL + "/" + key); empty means agora
	// serves them through /system/media/ (AGORA_S3_PUBLIC_URL).
	PublicURL string
}

// String never shows the secret key (in case a config is logged).
func (s S3) String() string {
	return fmt.Sprintf("s3{endpoint=%s bucket=%s region=%s access_key=%s public_url=%s}", s.Endpoint, s.Bucket, s.Region, s.AccessKey, s.PublicURL)
}

// load reads the media settings.
func (c *Media) load(get func(k, def string) string) error {
	c.Backend = strings.ToLower(get("AGORA_MEDIA_BACKEND", "local"))
	c.Dir = get("AGORA_MEDIA_DIR", "")
	var err error
	if c.MaxImageBytes, err = sizeSetting(get, "AGORA_MEDIA_MAX_IMAGE_BYTES", 16<<20); err != nil {
		return err
	}
	if c.MaxVideoBytes, err = sizeSetting(get, "AGORA_MEDIA_MAX_VIDEO_BYTES", 99<<20); err != nil {
		return err
	}
	days := get("AGORA_MEDIA_REMOTE_RETENTION_DAYS", "30")
	if c.RemoteRetentionDays, err = strconv.Atoi(days); err != nil || c.RemoteRetentionDays < 0 || c.RemoteRetentionDays > 36500 {
		return fmt.Errorf("AGORA_MEDIA_REMOTE_RETENTION_DAYS: %q is not a number of days from 0 (keep forever) to 36500", days)
	}
	if err := c.loadFFmpeg(get); err != nil {
		return err
	}
	switch c.Backend {
	case "local":
		return nil
	case "s3":
		return c.S3.load(get)
	}
	return fmt.Errorf("AGORA_MEDIA_BACKEND: %q is not one of local, s3", c.Backend)
}

func (s *S3) load(get func(k, def string) string) error {
	s.Endpoint = get("AGORA_S3_ENDPOINT", "")
	s.Bucket = get("AGORA_S3_BUCKET", "")
	s.Region = get("AGORA_S3_REGION", "us-east-1")
	s.AccessKey = get("AGORA_S3_ACCESS_KEY", "")
	s.SecretKey = get("AGORA_S3_SECRET_KEY", "")
	s.PublicURL = strings.TrimRight(get("AGORA_S3_PUBLIC_URL", ""), "/")
	for _, req := range []struct{ name, v string }{
		{"AGORA_S3_ENDPOINT", s.Endpoint}, {"AGORA_S3_BUCKET", s.Bucket},
		{"AGORA_S3_ACCESS_KEY", s.AccessKey}, {"AGORA_S3_SECRET_KEY", s.SecretKey},
	} {
		if req.v == "" {
			return fmt.Errorf("%s: required with AGORA_MEDIA_BACKEND=s3", req.name)
		}
	}
	s.Secure = true
	if strings.Contains(s.Endpoint, "://") {
		u, err := url.Parse(s.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("AGORA_S3_ENDPOINT: %q must be host[:port] or an http(s) URL without a path", s.Endpoint)
		}
		s.Secure, s.Endpoint = u.Scheme == "https", u.Host
	}
	if s.PublicURL != "" {
		u, err := url.Parse(s.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("AGORA_S3_PUBLIC_URL: %q is not an http(s) URL", s.PublicURL)
		}
	}
	return nil
}

// loadFFmpeg reads the video settings.
func (c *Media) loadFFmpeg(get func(k, def string) string) error {
	c.FFmpeg, c.FFprobe = get("AGORA_FFMPEG", ""), get("AGORA_FFPROBE", "")
	t := get("AGORA_FFMPEG_TIMEOUT", "10m")
	d, err := time.ParseDuration(t)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return fmt.Errorf("AGORA_FFMPEG_TIMEOUT: %q is not a duration from 1s to 24h", t)
	}
	c.FFmpegTimeout = d
	for _, n := range []struct {
		name     string
		def, max int
		v        *int
	}{
		{"AGORA_FFMPEG_CONCURRENCY", 1, 64, &c.FFmpegConcurrency},
		{"AGORA_MEDIA_MAX_VIDEO_SECONDS", 300, 86400, &c.MaxVideoSeconds},
		{"AGORA_MEDIA_MAX_VIDEO_PIXELS", 3840 * 2160, 16384 * 16384, &c.MaxVideoPixels},
		{"AGORA_MEDIA_MAX_VIDEO_FRAME_RATE", 120, 1000, &c.MaxVideoFrameRate},
	} {
		v := get(n.name, strconv.Itoa(n.def))
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 || i > n.max {
			return fmt.Errorf("%s: %q is not a number from 1 to %d", n.name, v, n.max)
		}
		*n.v = i
	}
	return nil
}

// sizeSetting reads a byte count from 1 KiB to 4 GiB.
func sizeSetting(get func(k, def string) string, name string, def int64) (int64, error) {
	v := get(name, strconv.FormatInt(def, 10))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1<<10 || n > 4<<30 {
		return 0, fmt.Errorf("%s: %q is not a number of bytes from 1024 to 4294967296", name, v)
	}
	return n, nil
}

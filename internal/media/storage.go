package media

import (
	"context"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/config"
)

// Storage keeps media files by key ("media/123/abc/original.jpg"). The
// local filesystem and S3-compatible object storage implement it; the
// same conformance tests run on both.
type Storage interface {
	// Put stores size bytes from r under key, replacing what was there.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open returns the file stored under key; a missing key is
	// domain.ErrNotFound.
	Open(ctx context.Context, key string) (*Object, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// PublicURL is where clients fetch key directly, or "" when agora
	// serves it at /system/media/KEY.
	PublicURL(key string) string
}

// Object is an open stored file.
type Object struct {
	Body    io.ReadSeekCloser
	Size    int64
	ModTime time.Time
}

// keyRE is what keys agora makes look like; anything else is refused, so a
// key can never climb out of the storage root.
var keyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*\.[a-z0-9]{2,5}$`)

// ValidKey reports whether key is one agora could have made.
func ValidKey(key string) bool {
	return len(key) <= 200 && keyRE.MatchString(key) && path.Clean(key) == key && !strings.Contains(key, "..")
}

// OpenStorage returns the backend the configuration names; dataDir holds
// the local backend's files (AGORA_DATA/media unless AGORA_MEDIA_DIR).
func OpenStorage(ctx context.Context, cfg config.Media, dataDir string) (Storage, error) {
	switch cfg.Backend {
	case "", "local":
		dir := cfg.Dir
		if dir == "" {
			dir = path.Join(dataDir, "media")
		}
		return NewLocal(dir)
	case "s3":
		return NewS3(ctx, cfg.S3)
	}
	return nil, fmt.Errorf("media backend %q is not one of local, s3", cfg.Backend)
}

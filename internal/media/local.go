package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/agora-social/agora/internal/domain"
)

// Local stores media under a folder of the local filesystem.
type Local struct {
	Root string
}

// NewLocal returns the local backend, creating root if needed.
func NewLocal(root string) (*Local, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("media folder: %w", err)
	}
	return &Local{Root: root}, nil
}

func (l *Local) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", domain.Invalid("invalid media key")
	}
	return filepath.Join(l.Root, filepath.FromSlash(key)), nil
}

// Put writes the file through a temporary file and a rename, so readers
// never see half a file.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, _ string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("wrote %d bytes, want %d", n, size)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	return nil
}

// Open opens a stored file.
func (l *Local) Open(_ context.Context, key string) (*Object, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, domain.NotFound()
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, domain.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("open media: %w", err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, domain.NotFound()
	}
	return &Object{Body: f, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Delete removes a stored file and the folders it leaves empty.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete media: %w", err)
	}
	for dir := filepath.Dir(p); dir != l.Root && len(dir) > len(l.Root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil { // not empty (or gone): stop
			break
		}
	}
	return nil
}

// PublicURL is "": agora serves local files itself.
func (l *Local) PublicURL(string) string { return "" }

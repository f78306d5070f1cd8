package media

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"

	"io"
	"path"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Limits of emoji packs (agora admin emoji import).
const (
	MaxEmojiPackBytes = 100 << 20 // the archive
	MaxEmojiPackFiles = 5000      // entries read
)

// NewEmoji is a local emoji to add.
type NewEmoji struct {
	Shortcode string
	Category  string
	Unlisted  bool   // not in the picker (visible_in_picker false)
	Image     []byte // PNG, GIF or WebP, at most MaxEmojiBytes
	Type      string // the type the uploader gave, "" when unknown
	// Overwrite replaces an emoji with the same shortcode.
	Overwrite bool
}

// AddLocalEmoji checks, processes and stores a new local emoji. Callers
// check the role and write the audit entry.
func (s *Service) AddLocalEmoji(ctx context.Context, n NewEmoji) (*store.CustomEmoji, error) {
	if !store.ValidShortcode(n.Shortcode) {
		return nil, domain.Invalid("Validation failed: shortcode must be %d to %d letters, digits or underscores",
			store.MinShortcodeLen, store.MaxShortcodeLen)
	}
	n.Category = strings.TrimSpace(n.Category)
	if len(n.Category) > store.MaxEmojiCategoryLen {
		return nil, domain.Invalid("Validation failed: category is longer than %d characters", store.MaxEmojiCategoryLen)
	}
	var old *store.CustomEmoji
	if e, err := s.Store.CustomEmojiByCode(ctx, "", n.Shortcode); err == nil {
		if !n.Overwrite {
			return nil, domain.E(domain.KindConflict, "Validation failed: shortcode :%s: is already taken", n.Shortcode)
		}
		old = e
	} else if !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}
	img, err := s.StoreEmojiImage(ctx, n.Image, n.Type)
	if err != nil {
		return nil, err
	}
	if old != nil {
		if _, err := s.Store.DeleteCustomEmoji(ctx, old.ID); err != nil {
			s.ForgetEmojiImage(ctx, img.Key, img.StaticKey)
			return nil, err
		}
		s.ForgetEmojiImage(ctx, old.ImageKey, old.StaticKey)
	}
	e := &store.CustomEmoji{Shortcode: n.Shortcode, Category: n.Category, VisibleInPicker: !n.Unlisted,
		ImageKey: img.Key, StaticKey: img.StaticKey, ContentType: img.ContentType, Width: img.Width, Height: img.Height}
	if err := s.Store.AddLocalEmoji(ctx, e); err != nil {
		s.ForgetEmojiImage(ctx, img.Key, img.StaticKey)
		return nil, err
	}
	return e, nil
}

// RemoveEmoji deletes an emoji (local or remote) and its files.
func (s *Service) RemoveEmoji(ctx context.Context, id domain.ID) (*store.CustomEmoji, error) {
	e, err := s.Store.DeleteCustomEmoji(ctx, id)
	if err != nil {
		return nil, err
	}
	s.ForgetEmojiImage(ctx, e.ImageKey, e.StaticKey)
	return e, nil
}

// PackOptions are how a pack's files become emoji.
type PackOptions struct {
	Category       string
	Prefix, Suffix string // added around each file's base name
	Unlisted       bool
	Overwrite      bool
}

// PackResult counts what an import did; Errors names the skipped files
// and why.
type PackResult struct {
	Added, Skipped int
	Errors         []string
}

// ImportEmojiPack adds the emoji of a pack in Mastodon's format (what
// tootctl emoji import reads): a .tar.gz (or .tgz, .tar) or .zip archive
// whose .png, .gif and .webp files are named by their shortcode. Existing
// shortcodes are skipped unless Overwrite; a file that is refused is
// counted and named in Errors, not fatal.
func (s *Service) ImportEmojiPack(ctx context.Context, name string, archive []byte, o PackOptions) (*PackResult, error) {
	if len(archive) > MaxEmojiPackBytes {
		return nil, domain.Invalid("the archive is larger than %d bytes", MaxEmojiPackBytes)
	}
	res := &PackResult{}
	add := func(file string, data []byte) error {
		ext := strings.ToLower(path.Ext(file))
		if ext != ".png" && ext != ".gif" && ext != ".webp" {
			return nil // other files (licences, metadata) are ignored
		}
		base := path.Base(file)
		if strings.HasPrefix(base, ".") { // macOS resource forks and the like
			return nil
		}
		code := o.Prefix + strings.TrimSuffix(base, path.Ext(base)) + o.Suffix
		_, err := s.AddLocalEmoji(ctx, NewEmoji{Shortcode: code, Category: o.Category, Unlisted: o.Unlisted,
			Image: data, Type: typeByExt(file), Overwrite: o.Overwrite})
		switch {
		case err == nil:
			res.Added++
		case domain.KindOf(err) == domain.KindInvalid || domain.KindOf(err) == domain.KindConflict:
			res.Skipped++
			res.Errors = append(res.Errors, file+": "+errorText(err))
		default:
			return err
		}
		return nil
	}
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".zip"):
		return res, readZip(archive, add)
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		zr, err := gzip.NewReader(bytes.NewReader(archive))
		if err != nil {
			return nil, domain.Invalid("the archive is not a valid .tar.gz file")
		}
		return res, readTar(zr, add)
	case strings.HasSuffix(lower, ".tar"):
		return res, readTar(bytes.NewReader(archive), add)
	}
	return nil, domain.Invalid("the archive must be a .tar.gz, .tgz, .tar or .zip file")
}

// errorText is an error's client-safe message.
func errorText(err error) string {
	var e *domain.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// readEntry reads one archive file, refusing it beyond MaxEmojiBytes
// (counted as skipped by the caller through the image check).
func readEntry(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxEmojiBytes+1))
	if err != nil {
		return nil, domain.Invalid("the archive is damaged")
	}
	return data, nil
}

func readTar(r io.Reader, add func(string, []byte) error) error {
	tr := tar.NewReader(r)
	for n := 0; ; n++ {
		if n >= MaxEmojiPackFiles {
			return domain.Invalid("the archive has more than %d files", MaxEmojiPackFiles)
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return domain.Invalid("the archive is damaged: %v", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := readEntry(tr)
		if err != nil {
			return err
		}
		if err := add(h.Name, data); err != nil {
			return err
		}
	}
}

func readZip(archive []byte, add func(string, []byte) error) error {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return domain.Invalid("the archive is not a valid .zip file")
	}
	if len(zr.File) > MaxEmojiPackFiles {
		return domain.Invalid("the archive has more than %d files", MaxEmojiPackFiles)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return domain.Invalid("the archive is damaged: %v", err)
		}
		data, err := readEntry(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if err := add(f.Name, data); err != nil {
			return err
		}
	}
	return nil
}

// ValidPackName reports whether a file name is one ImportEmojiPack reads.
func ValidPackName(name string) bool {
	l := strings.ToLower(name)
	for _, ext := range []string{".zip", ".tar.gz", ".tgz", ".tar"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}

// TypeByName is the image type a file's name suggests ("" when none).
func TypeByName(name string) string { return typeByExt(name) }

package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// asset is one embedded static file, with its gzip form made once.
type asset struct {
	raw, gz []byte
	ctype   string
	etag    string
}

// loadAssets reads static/ into memory.
func loadAssets() map[string]*asset {
	out := map[string]*asset{}
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		out[strings.TrimPrefix(p, "static/")] = &asset{raw: raw, gz: gzipBytes(raw),
			ctype: mime.TypeByExtension(path.Ext(p)), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	return out
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// acceptsGzip reports whether the client takes gzip bodies.
func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
}

// serveStatic serves /web/static/NAME from memory, compressed when the
// client accepts it, revalidated by ETag.
func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	h.once.Do(h.prepare)
	a := h.assets[strings.TrimPrefix(r.URL.Path, "/web/static/")]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Cache-Control", "public, max-age=3600")
	hd.Set("ETag", a.etag)
	hd.Set("Vary", "Accept-Encoding")
	hd.Set("Content-Type", a.ctype)
	if r.Header.Get("If-None-Match") == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.raw
	if acceptsGzip(r) {
		hd.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	_, _ = w.Write(body)
}

// gzipFast compresses a page at the fastest level: pages are made per
// request, so speed matters more than the last bytes.
func gzipFast(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

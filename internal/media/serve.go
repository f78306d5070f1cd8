package media

import (
	"net/http"
	"path"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// cacheControl is sent with stored files: a key's content never changes
// (a new upload gets a new key).
const cacheControl = "public, max-age=31536000, immutable"

// ServeHTTP serves GET /system/media/KEY from the storage backend, with
// the content type agora chose when storing it and Range support (video).
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, ServePath)
	ct := ContentTypes[strings.TrimPrefix(path.Ext(key), ".")]
	if ct == "" || !ValidKey(key) {
		http.NotFound(w, r)
		return
	}
	obj, err := s.Storage.Open(r.Context(), key)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			http.NotFound(w, r)
			return
		}
		if s.Log != nil {
			s.Log.Error("serve media", "key", key, "err", err)
		}
		http.Error(w, "media storage unavailable", http.StatusServiceUnavailable)
		return
	}
	defer obj.Body.Close()
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", cacheControl)
	// A stored file is never a document: no scripts, even if a browser
	// were talked into rendering one.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", "inline")
	http.ServeContent(w, r, "", obj.ModTime, obj.Body)
}

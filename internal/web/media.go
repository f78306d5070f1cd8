package web

import (
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

// Limits of uploads from the compose form.
const (
	// MaxComposeImages is how many images one post takes from the web UI
	// (store.MaxStatusMedia, as the API).
	MaxComposeImages = store.MaxStatusMedia
	// MaxComposeBytes is the whole compose form with its files; each file
	// is also held to the media service's own limit
	// (AGORA_MEDIA_MAX_IMAGE_BYTES).
	MaxComposeBytes = 40 << 20
	// composeMemory is how much of a multipart form is kept in memory; the
	// rest of the files wait in temporary files.
	composeMemory = 1 << 20
)

// mediaView is an attachment as the pages show it.
type mediaView struct {
	Type    string // image | gifv | video | audio
	URL     string // the original
	Preview string // the preview image; URL when there is none
	Alt     string
	Width   int // of the preview, 0 when unknown
	Height  int
	// Processing: a local upload whose file is still being made (video
	// transcoding); Failed: it could not be. The page says so instead of
	// a player.
	Processing, Failed bool
}

// mediaURL is where the browser fetches a stored file: the storage's
// public address when it has one, else agora's own route (relative, so
// the page stays small and the image is always 'self' for the CSP).
func (h *Handler) mediaURL(key string) string {
	if key == "" {
		return ""
	}
	if h.Media != nil && h.Media.Storage != nil {
		if u := h.Media.Storage.PublicURL(key); u != "" {
			return u
		}
	}
	return media.ServePath + key
}

// mediaViews turns a status's attachments into views.
func (h *Handler) mediaViews(ms []*store.Media) []*mediaView {
	out := make([]*mediaView, 0, len(ms))
	for _, m := range ms {
		v := &mediaView{Type: m.Type, Alt: m.Description, URL: h.mediaURL(m.FileKey), Preview: h.mediaURL(m.PreviewKey)}
		if m.Processing == store.MediaProcessing || m.Processing == store.MediaFailed {
			// Mastodon's url: null while processing; the page says so.
			v.Processing, v.Failed = m.Processing == store.MediaProcessing, m.Processing == store.MediaFailed
			out = append(out, v)
			continue
		}
		if m.FileKey == "" {
			v.URL = m.RemoteURL
			if h.Media != nil && m.Type == "image" {
				v.URL, v.Preview = media.ProxyPath+m.ID.String(), "" // same origin, copied on demand
			}
		}
		if v.URL == "" {
			continue
		}
		if v.Preview == "" && v.Type == "image" {
			v.Preview = v.URL
		}
		var meta media.Meta
		if json.Unmarshal([]byte(m.Meta), &meta) == nil && meta.Small != nil {
			v.Width, v.Height = meta.Small.Width, meta.Small.Height
		}
		out = append(out, v)
	}
	return out
}

// composeMedia is one image slot of the compose form: empty, or an image
// already uploaded (when the form comes back) with its alt text.
type composeMedia struct {
	ID      string
	Preview string // "" for a video or audio file without a preview
	Alt     string
	Type    string
}

// composeAccept is the compose form's file types: the families of those
// the media service takes (image/*,video/*,audio/*: short, for the
// timeline's byte budget); the service refuses the others with its own
// message.
var composeAccept = func() string {
	var fams []string
	for _, t := range media.SupportedTypes() {
		f, _, _ := strings.Cut(t, "/")
		if f += "/*"; !slices.Contains(fams, f) {
			fams = append(fams, f)
		}
	}
	return strings.Join(fams, ",")
}()

// parseCompose reads the compose form, multipart (with images) or not,
// within MaxComposeBytes, into r.PostForm. It answers the request itself
// and returns false when the body cannot be read.
func parseCompose(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "the form could not be read", http.StatusBadRequest)
			return false
		}
		return true
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxComposeBytes)
	if err := r.ParseMultipartForm(composeMemory); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "the form is larger than "+strconv.Itoa(MaxComposeBytes>>20)+" MiB", http.StatusRequestEntityTooLarge)
			return false
		}
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return false
	}
	if r.PostForm == nil {
		r.PostForm = map[string][]string{}
	}
	for k, vs := range r.MultipartForm.Value {
		r.PostForm[k] = vs
	}
	return true
}

// composeUploads stores the form's images (new files, or those uploaded
// by an earlier try of the same form, whose alt text may have changed)
// and fills f.Media. It returns their ids in order, and whether an image
// lacks alt text.
func (h *Handler) composeUploads(q *request, f *composeForm) (ids []string, missingAlt bool, err error) {
	r := q.r
	for i := range MaxComposeImages {
		n := strconv.Itoa(i)
		alt := strings.TrimSpace(r.PostForm.Get("alt_" + n))
		var m *store.Media
		if id := r.PostForm.Get("media_id_" + n); id != "" {
			mid, perr := strconv.ParseInt(id, 10, 64)
			if perr != nil || h.Media == nil {
				return nil, false, domain.Invalid("media_id: not an id")
			}
			if m, err = h.Media.Update(r.Context(), q.acct.ID, domain.ID(mid), &alt, nil); err != nil {
				return nil, false, err
			}
		} else if fh := formFile(r, "media_"+n); fh != nil {
			if h.Media == nil {
				return nil, false, domain.Invalid("%s", q.v.Tr("media_unavailable"))
			}
			file, oerr := fh.Open()
			if oerr != nil {
				return nil, false, oerr
			}
			m, err = h.Media.Upload(r.Context(), q.acct.ID, media.Upload{Description: alt,
				File: media.File{Body: file, Size: fh.Size, Filename: fh.Filename, ContentType: fh.Header.Get("Content-Type")}})
			file.Close()
			if err != nil {
				return nil, false, err
			}
		}
		if m == nil {
			continue
		}
		f.Media[i] = composeMedia{ID: m.ID.String(), Preview: h.mediaURL(m.PreviewKey), Alt: alt, Type: m.Type}
		ids = append(ids, m.ID.String())
		if alt == "" {
			missingAlt = true
		}
	}
	return ids, missingAlt, nil
}

// formFile is the uploaded file named key, nil when none was chosen.
func formFile(r *http.Request, key string) *multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	fs := r.MultipartForm.File[key]
	if len(fs) == 0 || fs[0].Size == 0 {
		return nil
	}
	return fs[0]
}

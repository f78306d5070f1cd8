package mastodon

import (
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/store"
)

// MediaAttachment is Mastodon's MediaAttachment entity.
type MediaAttachment struct {
	ID               string         `json:"id"`
	Type             string         `json:"type"`
	URL              *string        `json:"url"`
	PreviewURL       *string        `json:"preview_url"`
	RemoteURL        *string        `json:"remote_url"`
	PreviewRemoteURL *string        `json:"preview_remote_url"`
	TextURL          *string        `json:"text_url"`
	Meta             map[string]any `json:"meta"`
	Description      *string        `json:"description"`
	Blurhash         *string        `json:"blurhash"`
}

// multipartMemory is how much of an upload is held in memory; the rest
// of the body spills to temporary files.
const multipartMemory = 8 << 20

// registerMedia adds the media endpoints and the route serving stored files.
func (a *API) registerMedia(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v2/media", a.endpoint(userOnly, "write:media", a.uploadMedia))
	mux.HandleFunc("POST /api/v1/media", a.endpoint(userOnly, "write:media", a.uploadMedia))
	mux.HandleFunc("GET /api/v1/media/{id}", a.endpoint(userOnly, "write:media", a.getMedia))
	mux.HandleFunc("PUT /api/v1/media/{id}", a.endpoint(userOnly, "write:media", a.updateMedia))
	mux.HandleFunc("DELETE /api/v1/media/{id}", a.endpoint(userOnly, "write:media", a.deleteMedia))
	if a.Media != nil {
		mux.Handle("GET "+media.ServePath, a.Media)
		mux.HandleFunc("GET "+media.ProxyPath+"{id}", a.Media.ServeProxy)
	}
}

// MaxUploadBytes is the largest body POST /api/v2/media accepts: the
// largest file allowed plus room for the other fields and a thumbnail.
func (a *API) MaxUploadBytes() int64 {
	return max(a.Cfg.Media.MaxImageBytes, a.Cfg.Media.MaxVideoBytes) + a.Cfg.Media.MaxImageBytes + 1<<20
}

// uploadMedia is POST /api/v2/media (and the legacy v1). Images are
// processed in the request: 200 with a finished attachment. Video, audio
// and animated GIFs are processed by a job: v2 answers 202 with url null
// (poll GET /api/v1/media/:id); the legacy v1 answers 200 with the same
// unfinished attachment (Mastodon refuses video there).
func (a *API) uploadMedia(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if a.Media == nil {
		return domain.E(domain.KindUnavailable, "Media storage is not configured")
	}
	if !a.limit(w, a.limitPost, v.Account.ID.String()) {
		return nil
	}
	limit := a.MaxUploadBytes()
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(multipartMemory); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Invalid("Request body is larger than %d bytes", limit)
		}
		return domain.Invalid("Request body must be multipart/form-data with a file")
	}
	defer r.MultipartForm.RemoveAll()
	file, closeFile, err := formFile(r.MultipartForm, "file")
	if err != nil {
		return err
	}
	if file == nil {
		return domain.Invalid("Validation failed: File can't be blank")
	}
	defer closeFile()
	in := media.Upload{File: *file, Description: formValue(r.MultipartForm, "description"), Focus: formValue(r.MultipartForm, "focus")}
	thumb, closeThumb, err := formFile(r.MultipartForm, "thumbnail")
	if err != nil {
		return err
	}
	if thumb != nil {
		defer closeThumb()
		in.Thumbnail = thumb
	}
	m, err := a.Media.Upload(r.Context(), v.Account.ID, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if m.Processing == store.MediaProcessing && r.URL.Path == "/api/v2/media" {
		status = http.StatusAccepted
	}
	rest.JSON(w, status, a.renderMedia(m))
	return nil
}

// renderOwnMedia answers GET and PUT on one's upload as Mastodon does: 206
// while it is processing, 422 once processing failed (with the reason in
// error_description), 200 when done.
func (a *API) renderOwnMedia(w http.ResponseWriter, m *store.Media) {
	switch m.Processing {
	case store.MediaProcessing:
		rest.JSON(w, http.StatusPartialContent, a.renderMedia(m))
	case store.MediaFailed:
		rest.JSON(w, http.StatusUnprocessableEntity, map[string]string{"error": media.ProcessingFailed, "error_description": m.ProcessingError})
	default:
		rest.OK(w, a.renderMedia(m))
	}
}

// formFile opens the first file of a multipart field; nil when absent.
func formFile(f *multipart.Form, name string) (*media.File, func(), error) {
	fhs := f.File[name]
	if len(fhs) == 0 {
		return nil, nil, nil
	}
	fh := fhs[0]
	body, err := fh.Open()
	if err != nil {
		return nil, nil, err
	}
	return &media.File{Body: body, Size: fh.Size, Filename: fh.Filename, ContentType: fh.Header.Get("Content-Type")},
		func() { body.Close() }, nil
}

func formValue(f *multipart.Form, name string) string {
	if vs := f.Value[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// getMedia is GET /api/v1/media/:id (renderOwnMedia); others' media are
// not found.
func (a *API) getMedia(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if a.Media == nil {
		return domain.NotFound()
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := a.Media.Own(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	a.renderOwnMedia(w, m)
	return nil
}

// updateMedia is PUT /api/v1/media/:id (description, focus).
func (a *API) updateMedia(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if a.Media == nil {
		return domain.NotFound()
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := params(r)
	if err != nil {
		return err
	}
	var desc, focus *string
	if p.Has("description") {
		d := p.String("description")
		desc = &d
	}
	if p.Has("focus") {
		f := p.String("focus")
		focus = &f
	}
	m, err := a.Media.Update(r.Context(), v.Account.ID, id, desc, focus)
	if err != nil {
		return err
	}
	a.renderOwnMedia(w, m)
	return nil
}

// deleteMedia is DELETE /api/v1/media/:id: only media not attached to a
// status (422 otherwise, as Mastodon).
func (a *API) deleteMedia(w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if a.Media == nil {
		return domain.NotFound()
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := a.Media.Delete(r.Context(), v.Account.ID, id)
	if err != nil {
		return err
	}
	rest.OK(w, a.renderMedia(m))
	return nil
}

// mediaURL is where clients fetch a stored file.
func (a *API) mediaURL(key string) string {
	if key == "" {
		return ""
	}
	if a.Media != nil {
		return a.Media.URL(key)
	}
	return a.Cfg.URL + media.ServePath + key
}

// renderMedia renders an attachment; focus is part of meta for images.
func (a *API) renderMedia(m *store.Media) *MediaAttachment {
	out := &MediaAttachment{
		ID: m.ID.String(), Type: m.Type, URL: strPtr(a.mediaURL(m.FileKey)), PreviewURL: strPtr(a.mediaURL(m.PreviewKey)),
		RemoteURL: strPtr(m.RemoteURL), Description: strPtr(m.Description), Blurhash: strPtr(m.Blurhash), Meta: map[string]any{},
	}
	if m.FileKey == "" && m.RemoteURL != "" {
		// Remote media without a local copy: images through the proxy
		// (copied on demand), video and audio from their origin.
		u := m.RemoteURL
		if a.Media != nil {
			u = a.Media.ProxyURL(m)
		}
		out.URL, out.PreviewURL = strPtr(u), strPtr(u)
	}
	// The stored meta is Mastodon's (media.Meta), focus aside.
	if json.Unmarshal([]byte(m.Meta), &out.Meta) != nil || out.Meta == nil {
		out.Meta = map[string]any{}
	}
	if m.Type == "image" {
		out.Meta["focus"] = map[string]float64{"x": m.FocusX, "y": m.FocusY}
	}
	return out
}

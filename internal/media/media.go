// Package media holds the rules of media attachments, avatars and headers:
// what may be uploaded, how images are made safe (header checked before
// decoding, metadata stripped by re-encoding, size capped, preview and
// blurhash made), where files are stored (the local filesystem or
// S3-compatible storage, behind Storage) and how they are served.
//
// Images are processed in the request that uploads them (a 12-megapixel
// photo takes one to two seconds of one core: BenchmarkProcessPhoto), so
// an upload answers 200 with a finished attachment. Video, audio and
// animated GIFs take longer: they are stored as received and converted by
// ffmpeg in the media.process job (video.go), and a server without ffmpeg
// refuses them.
package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/store"
)

// Limits of an attachment's text.
const (
	MaxDescription = 1500 // characters of alt text
	// OrphanAge is how long an upload may stay unattached.
	OrphanAge = 24 * time.Hour
	// ServePath is where agora serves stored files: ServePath + key.
	ServePath = "/system/media/"
	// AvatarSize and HeaderW×HeaderH are what profile images are cropped to.
	AvatarSize       = 400
	HeaderW, HeaderH = 1500, 500
)

// kinds maps the accepted content types (as sniffed) to Mastodon's
// attachment type and the extension the upload is kept under until it is
// processed. Video and audio need ffmpeg (CanProcessVideo).
var kinds = map[string]struct{ typ, ext string }{
	"image/jpeg":      {"image", ""},
	"image/png":       {"image", ""},
	"image/gif":       {"image", "gif"},
	"image/webp":      {"image", ""},
	"image/avif":      {"image", ""},
	"image/heic":      {"image", ""},
	"video/mp4":       {"video", "mp4"},
	"video/quicktime": {"video", "mov"},
	"video/webm":      {"video", "webm"},
	"audio/mpeg":      {"audio", "mp3"},
	"audio/ogg":       {"audio", "ogg"},
	"audio/wav":       {"audio", "wav"},
	"audio/flac":      {"audio", "flac"},
	"audio/mp4":       {"audio", "m4a"},
}

// ContentTypes lists the stored files' types by extension, for serving.
var ContentTypes = map[string]string{
	"jpg": "image/jpeg", "png": "image/png", "mp4": "video/mp4", "webm": "video/webm",
	"mp3": "audio/mpeg", "ogg": "audio/ogg",
}

// imageUploadTypes are the image types accepted, with or without ffmpeg.
var imageUploadTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic"}

// videoUploadTypes are the video and audio types accepted with ffmpeg.
var videoUploadTypes = []string{"video/mp4", "video/quicktime", "video/webm", "audio/mpeg", "audio/ogg", "audio/wav", "audio/flac", "audio/mp4"}

// SupportedTypes lists every type an upload may be on a server with
// ffmpeg; AcceptedTypes is what this server accepts.
func SupportedTypes() []string {
	return append(append([]string{}, imageUploadTypes...), videoUploadTypes...)
}

// AcceptedTypes lists what uploads may be on this server: images, and
// video and audio when ffmpeg is available (the instance API lists these).
func (s *Service) AcceptedTypes() []string {
	if s.CanProcessVideo() {
		return SupportedTypes()
	}
	return append([]string{}, imageUploadTypes...)
}

// Service applies the rules of media.
type Service struct {
	Cfg     *config.Config
	Store   *store.Store
	Storage Storage
	Log     *slog.Logger
	// Client fetches remote media (the guarded client); nil fetches none.
	Client *httpclient.Client

	jobs      *jobs.Queue // set by Register: video and audio are processed by a job
	toolsOnce sync.Once
	ffmpeg    *tools // nil without ffmpeg
}

// File is an uploaded file: its bytes as the client sent them, with the
// name and type the client gave.
type File struct {
	Body        io.Reader
	Size        int64
	Filename    string
	ContentType string
}

// Upload is a new attachment as a client sends it.
type Upload struct {
	File        File
	Thumbnail   *File // a custom preview, for video and audio
	Description string
	Focus       string // "x,y", each from -1 to 1
}

// URL is where clients fetch a stored file.
func (s *Service) URL(key string) string {
	if key == "" {
		return ""
	}
	if u := s.Storage.PublicURL(key); u != "" {
		return u
	}
	return s.Cfg.URL + ServePath + key
}

// readAll reads a file, refusing it beyond limit bytes.
func readAll(f File, limit int64, what string) ([]byte, error) {
	if f.Size > limit {
		return nil, domain.Invalid("Validation failed: %s is larger than %d bytes", what, limit)
	}
	data, err := io.ReadAll(io.LimitReader(f.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, domain.Invalid("Validation failed: %s is larger than %d bytes", what, limit)
	}
	return data, nil
}

// sniff returns the content type of data, refusing types agora does not
// accept and files whose declared type or extension names another type.
func sniff(data []byte, f File) (string, error) {
	ct := sniffMore(data)
	if ct == "" {
		ct, _, _ = mime.ParseMediaType(http.DetectContentType(data))
	}
	ct = normalType(ct)
	if _, ok := kinds[ct]; !ok || len(data) == 0 {
		return "", domain.Invalid("Validation failed: file type is not supported (%s)", strings.Join(SupportedTypes(), ", "))
	}
	declared, _, _ := mime.ParseMediaType(f.ContentType)
	if declared == "" || declared == "application/octet-stream" {
		declared = typeByExt(f.Filename)
	}
	declared = normalType(declared)
	if isAV(declared) && isAV(ct) {
		return ct, nil // containers are often mislabelled (a .mov sent as video/mp4); ffmpeg reads what it is
	}
	if _, known := kinds[declared]; known && declared != ct {
		return "", domain.Invalid("Validation failed: the file's content (%s) does not match its type (%s)", ct, declared)
	}
	return ct, nil
}

// isAV reports whether t is an accepted video or audio type.
func isAV(t string) bool {
	k, ok := kinds[t]
	return ok && (k.typ == "video" || k.typ == "audio")
}

func typeByExt(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg", ".jfif":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".heic", ".heif":
		return "image/heic"
	case ".mp4", ".m4v":
		return "video/mp4"
	case ".mov":
		return "video/quicktime"
	case ".webm":
		return "video/webm"
	case ".mp3":
		return "audio/mpeg"
	case ".ogg", ".oga", ".opus":
		return "audio/ogg"
	case ".wav":
		return "audio/wav"
	case ".flac":
		return "audio/flac"
	case ".m4a":
		return "audio/mp4"
	}
	return ""
}

func normalType(t string) string {
	switch t {
	case "image/jpg", "image/pjpeg":
		return "image/jpeg"
	case "audio/mp3":
		return "audio/mpeg"
	case "application/ogg", "audio/opus":
		return "audio/ogg"
	case "audio/wave", "audio/x-wav", "audio/vnd.wave":
		return "audio/wav"
	case "audio/x-flac":
		return "audio/flac"
	case "image/heif", "image/heic-sequence", "image/heif-sequence":
		return "image/heic"
	case "audio/x-m4a":
		return "audio/mp4"
	}
	return t
}

// ParseFocus reads "x,y" with each from -1 to 1.
func ParseFocus(s string) (x, y float64, err error) {
	if strings.TrimSpace(s) == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, ",")
	bad := domain.Invalid("Validation failed: focus must be \"x,y\" with x and y from -1.0 to 1.0")
	if !ok {
		return 0, 0, bad
	}
	if x, err = strconv.ParseFloat(strings.TrimSpace(a), 64); err != nil || x < -1 || x > 1 {
		return 0, 0, bad
	}
	if y, err = strconv.ParseFloat(strings.TrimSpace(b), 64); err != nil || y < -1 || y > 1 {
		return 0, 0, bad
	}
	return x, y, nil
}

func validDescription(d string) error {
	if utf8.RuneCountInString(d) > MaxDescription {
		return domain.Invalid("Validation failed: description is longer than %d characters", MaxDescription)
	}
	return nil
}

// token is a random path part, so that media URLs cannot be guessed from
// an attachment's id.
func token() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Size is one entry of Mastodon's meta; frame rate, duration (seconds) and
// bitrate (bits per second) are for video, gifv and audio originals.
type Size struct {
	Width     int     `json:"width,omitempty"`
	Height    int     `json:"height,omitempty"`
	Size      string  `json:"size,omitempty"`
	Aspect    float64 `json:"aspect,omitempty"`
	FrameRate string  `json:"frame_rate,omitempty"`
	Duration  float64 `json:"duration,omitempty"`
	Bitrate   int64   `json:"bitrate,omitempty"`
}

// Meta is Mastodon's attachment meta without focus (stored as JSON). The
// top-level fields besides original and small are Mastodon's for video,
// gifv and audio ("length" is "H:MM:SS.ss", "audio_bitrate" is really the
// sample rate, as in Mastodon).
type Meta struct {
	Original      *Size   `json:"original,omitempty"`
	Small         *Size   `json:"small,omitempty"`
	Length        string  `json:"length,omitempty"`
	Duration      float64 `json:"duration,omitempty"`
	FPS           int     `json:"fps,omitempty"`
	Size          string  `json:"size,omitempty"`
	Width         int     `json:"width,omitempty"`
	Height        int     `json:"height,omitempty"`
	Aspect        float64 `json:"aspect,omitempty"`
	AudioEncode   string  `json:"audio_encode,omitempty"`
	AudioBitrate  string  `json:"audio_bitrate,omitempty"`
	AudioChannels string  `json:"audio_channels,omitempty"`
}

func sizeOf(w, h int) *Size {
	if w == 0 || h == 0 {
		return nil
	}
	return &Size{Width: w, Height: h, Size: strconv.Itoa(w) + "x" + strconv.Itoa(h), Aspect: float64(w) / float64(h)}
}

// Upload checks, processes and stores a new unattached attachment. Images
// are processed here and come back done; video, audio and animated GIFs
// come back processing, converted by the media.process job (Process).
func (s *Service) Upload(ctx context.Context, owner domain.ID, in Upload) (*store.Media, error) {
	if err := validDescription(in.Description); err != nil {
		return nil, err
	}
	fx, fy, err := ParseFocus(in.Focus)
	if err != nil {
		return nil, err
	}
	// Sniff from the first bytes; only images are read whole (they are
	// decoded), video and audio stream to storage.
	head := make([]byte, 512)
	n, err := io.ReadFull(in.File.Body, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	head = head[:n]
	ct, err := sniff(head, in.File)
	if err != nil {
		return nil, err
	}
	body := io.MultiReader(bytes.NewReader(head), in.File.Body)
	k := kinds[ct]
	id := s.Store.IDs.Next()
	base := "media/" + id.String() + "/" + token() + "/"
	m := &store.Media{ID: id, AccountID: owner, Type: k.typ, ContentType: ct, Description: in.Description, FocusX: fx, FocusY: fy}
	if k.typ == "image" {
		data, err := readAll(File{Body: body, Size: in.File.Size}, s.Cfg.Media.MaxImageBytes, "image")
		if err != nil {
			return nil, err
		}
		if ct == "image/gif" && s.CanProcessVideo() && animatedGIF(data) {
			// As Mastodon: an animated GIF becomes a looping silent video.
			if _, err := checkHeader(data, ct); err != nil {
				return nil, err
			}
			m.Type, m.SourceKey, m.FileSize = "gifv", base+"source.gif", int64(len(data))
			if err := s.queue(ctx, m, []stored{{key: m.SourceKey, data: data, ct: ct}}); err != nil {
				return nil, err
			}
			return m, nil
		}
		p, err := processImage(data, ct)
		if err != nil {
			return nil, err
		}
		m.ContentType, m.FileKey, m.PreviewKey = p.contentType, base+"original."+p.ext, base+"small."+p.ext
		m.FileSize, m.Blurhash = int64(len(p.data)), p.blurhash
		mj, _ := json.Marshal(Meta{Original: sizeOf(p.w, p.h), Small: sizeOf(p.pw, p.ph)})
		m.Meta = string(mj)
		if err := s.put(ctx, []stored{{key: m.FileKey, data: p.data, ct: p.contentType}, {key: m.PreviewKey, data: p.preview, ct: p.contentType}}); err != nil {
			return nil, err
		}
		if err := s.Store.CreateMedia(ctx, m); err != nil {
			s.remove(ctx, m.FileKey, m.PreviewKey)
			return nil, err
		}
		return m, nil
	}
	if !s.CanProcessVideo() {
		return nil, ErrNoFFmpeg
	}
	if in.File.Size > s.Cfg.Media.MaxVideoBytes {
		return nil, domain.Invalid("Validation failed: video and audio files are at most %d bytes", s.Cfg.Media.MaxVideoBytes)
	}
	m.SourceKey, m.FileSize = base+"source."+k.ext, in.File.Size
	if in.File.Size <= 0 {
		video, err := readAll(File{Body: body}, s.Cfg.Media.MaxVideoBytes, "file")
		if err != nil {
			return nil, err
		}
		body, m.FileSize = bytes.NewReader(video), int64(len(video))
	}
	files := []stored{{key: m.SourceKey, r: io.LimitReader(body, m.FileSize), size: m.FileSize, ct: ct}}
	if in.Thumbnail != nil {
		p, err := s.thumbnail(*in.Thumbnail)
		if err != nil {
			return nil, err
		}
		m.PreviewKey, m.Blurhash = base+"small."+p.ext, p.blurhash
		mj, _ := json.Marshal(Meta{Small: sizeOf(p.pw, p.ph)})
		m.Meta = string(mj)
		files = append(files, stored{key: m.PreviewKey, data: p.preview, ct: p.contentType})
	}
	if err := s.queue(ctx, m, files); err != nil {
		return nil, err
	}
	return m, nil
}

// thumbnail processes the preview a client sends with a video or audio.
func (s *Service) thumbnail(f File) (*picture, error) {
	data, err := readAll(f, s.Cfg.Media.MaxImageBytes, "thumbnail")
	if err != nil {
		return nil, err
	}
	ct, err := sniff(data, f)
	if err != nil {
		return nil, err
	}
	if kinds[ct].typ != "image" {
		return nil, domain.Invalid("Validation failed: the thumbnail must be an image")
	}
	return processImage(data, ct)
}

// stored is a file to store: data, or size bytes of r.
type stored struct {
	key  string
	data []byte
	r    io.Reader
	size int64
	ct   string
}

// put stores files, removing those already stored when one fails.
func (s *Service) put(ctx context.Context, files []stored) error {
	for i, f := range files {
		r, size := f.r, f.size
		if r == nil {
			r, size = bytes.NewReader(f.data), int64(len(f.data))
		}
		if err := s.Storage.Put(ctx, f.key, r, size, f.ct); err != nil {
			for _, done := range files[:i] {
				s.remove(ctx, done.key)
			}
			return err
		}
	}
	return nil
}

// remove deletes stored files, logging failures (the files are orphans
// then, harmless but using space).
func (s *Service) remove(ctx context.Context, keys ...string) {
	for _, k := range keys {
		if k == "" {
			continue
		}
		if err := s.Storage.Delete(ctx, k); err != nil && s.Log != nil {
			s.Log.Warn("delete media file", "key", k, "err", err)
		}
	}
}

// Own returns one of owner's attachments; others' are not found.
func (s *Service) Own(ctx context.Context, owner, id domain.ID) (*store.Media, error) {
	m, err := s.Store.Media(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.AccountID != owner {
		return nil, domain.NotFound()
	}
	return m, nil
}

// Update changes the description and focus of one's attachment; nil
// leaves a value as it is. Unlike Mastodon, the owner may also fix the alt
// text of media already attached.
func (s *Service) Update(ctx context.Context, owner, id domain.ID, description, focus *string) (*store.Media, error) {
	m, err := s.Own(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if description != nil {
		if err := validDescription(*description); err != nil {
			return nil, err
		}
		m.Description = *description
	}
	if focus != nil {
		if m.FocusX, m.FocusY, err = ParseFocus(*focus); err != nil {
			return nil, err
		}
	}
	return m, s.Store.UpdateMedia(ctx, m)
}

// Delete deletes one's unattached attachment and its files.
func (s *Service) Delete(ctx context.Context, owner, id domain.ID) (*store.Media, error) {
	m, err := s.Own(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if m.StatusID != 0 {
		if _, err := s.Store.Status(ctx, m.StatusID); err == nil {
			return nil, domain.Invalid("Media attachment is currently used by a status")
		} else if domain.KindOf(err) != domain.KindNotFound {
			return nil, err
		}
	}
	if err := s.Store.DeleteMedia(ctx, m.ID); err != nil {
		return nil, err
	}
	s.remove(ctx, m.FileKey, m.PreviewKey, m.SourceKey)
	return m, nil
}

// CleanupOrphans deletes uploads left unattached for OrphanAge, with their
// files, and returns how many.
func (s *Service) CleanupOrphans(ctx context.Context) (int, error) {
	n := 0
	for {
		list, err := s.Store.UnattachedMedia(ctx, s.Store.Now().Add(-OrphanAge), 100)
		if err != nil {
			return n, err
		}
		for _, m := range list {
			if err := s.Store.DeleteMedia(ctx, m.ID); err != nil {
				return n, err
			}
			s.remove(ctx, m.FileKey, m.PreviewKey, m.SourceKey)
			n++
		}
		if len(list) < 100 {
			return n, nil
		}
	}
}

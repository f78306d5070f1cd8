package media

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Video output limits (docs/operations.md).
const (
	// OutputSide is the longest side of a transcoded video: larger ones are
	// scaled down, which also bounds the time a transcode takes.
	OutputSide = 1920
	// OutputFrameRate caps a transcoded video's frame rate.
	OutputFrameRate = 60
)

// ErrNoFFmpeg is how a video or audio upload is refused by a server
// without ffmpeg.
var ErrNoFFmpeg = domain.Invalid("Validation failed: this server cannot process video or audio files (ffmpeg is not installed); images are accepted")

// errNoFFmpegHere is a processing job on a node without ffmpeg.
var errNoFFmpegHere = &refusal{"this server cannot process video or audio files (ffmpeg is not installed)", nil}

// ProcessingFailed is Mastodon's message for an upload whose processing
// failed (GET /api/v1/media/:id answers it with 422).
const ProcessingFailed = "Error processing thumbnail for uploaded media"

// queue stores an upload to be processed (its source and, when the client
// sent one, its preview) and records it with its processing job in one
// transaction.
func (s *Service) queue(ctx context.Context, m *store.Media, files []stored) error {
	if s.jobs == nil {
		return domain.E(domain.KindUnavailable, "Media processing is not running")
	}
	m.Processing = store.MediaProcessing
	if m.Meta == "" {
		m.Meta = "{}"
	}
	if err := s.put(ctx, files); err != nil {
		return err
	}
	err := s.Store.CreateMediaThen(ctx, m, func(tx *sql.Tx) error {
		return s.jobs.InsertTx(ctx, tx, ProcessArgs{MediaID: int64(m.ID)}, nil)
	})
	if err != nil {
		s.remove(ctx, m.SourceKey, m.PreviewKey)
	}
	return err
}

// converted is a processed video, gifv or audio, ready to store.
type converted struct {
	typ, contentType, ext string
	path                  string // the output file
	size                  int64
	meta                  Meta
	poster                *picture // nil for audio, or when the client gave a preview
}

// Process converts an upload waiting for processing: probe, refuse what is
// beyond the limits, transcode (or remux) without metadata, make a poster,
// store the result. A file refused is marked failed (the error is nil: a
// retry would not help); other errors are returned to retry the job.
func (s *Service) Process(ctx context.Context, id domain.ID) error {
	m, err := s.Store.Media(ctx, id)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	if m.Processing != store.MediaProcessing {
		return nil
	}
	t := s.tools()
	if t == nil {
		return errNoFFmpegHere // retried, perhaps on a node that has it
	}
	dir, err := os.MkdirTemp("", "agora-media-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "source")
	if err := s.fetchSource(ctx, m.SourceKey, in); err != nil {
		return err
	}
	c, err := s.convert(ctx, t, m, in, dir)
	var ref *refusal
	if errors.As(err, &ref) {
		return s.fail(ctx, m, ref)
	}
	if err != nil {
		return err
	}
	return s.finish(ctx, m, c)
}

// fail marks m failed with the refusal's reason and deletes its source.
func (s *Service) fail(ctx context.Context, m *store.Media, r *refusal) error {
	if s.Log != nil {
		s.Log.Info("media upload refused", "media", m.ID, "reason", r.reason, "err", r.cause)
	}
	if err := s.Store.FailMedia(ctx, m.ID, r.reason); err != nil {
		return err
	}
	s.remove(ctx, m.SourceKey)
	return nil
}

// fetchSource copies the stored upload to a local file for ffmpeg.
func (s *Service) fetchSource(ctx context.Context, key, path string) error {
	obj, err := s.Storage.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("open media source %s: %w", key, err)
	}
	defer obj.Body.Close()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	limit := max(s.Cfg.Media.MaxVideoBytes, s.Cfg.Media.MaxImageBytes)
	_, err = io.Copy(f, io.LimitReader(obj.Body, limit))
	return errors.Join(err, f.Close())
}

// finish stores the converted files and saves the attachment; when the
// upload was deleted meanwhile the new files are removed again.
func (s *Service) finish(ctx context.Context, m *store.Media, c *converted) error {
	f, err := os.Open(c.path)
	if err != nil {
		return err
	}
	defer f.Close()
	base := m.SourceKey[:strings.LastIndexByte(m.SourceKey, '/')+1]
	done := *m
	done.Type, done.ContentType, done.FileKey, done.FileSize = c.typ, c.contentType, base+"original."+c.ext, c.size
	files := []stored{{key: done.FileKey, r: f, size: c.size, ct: c.contentType}}
	if c.poster != nil {
		done.PreviewKey, done.Blurhash = base+"small."+c.poster.ext, c.poster.blurhash
		files = append(files, stored{key: done.PreviewKey, data: c.poster.preview, ct: c.poster.contentType})
	}
	mj, _ := json.Marshal(c.meta)
	done.Meta = string(mj)
	if err := s.put(ctx, files); err != nil {
		return err
	}
	if err := s.Store.FinishMedia(ctx, &done); err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			err = nil // deleted while processing: its files go too
		}
		s.remove(ctx, done.FileKey)
		if c.poster != nil {
			s.remove(ctx, done.PreviewKey)
		}
		return err
	}
	s.remove(ctx, m.SourceKey)
	return nil
}

// convert probes in, checks the limits and makes the stored file in dir.
func (s *Service) convert(ctx context.Context, t *tools, m *store.Media, in, dir string) (*converted, error) {
	p, err := s.probeFile(ctx, t, in)
	if err != nil {
		return nil, err
	}
	if err := s.checkLimits(p); err != nil {
		return nil, err
	}
	var old Meta
	_ = json.Unmarshal([]byte(m.Meta), &old)
	c := &converted{}
	var args []string
	switch v, a := p.video(), p.audio(); {
	case v != nil:
		// A video without sound is a gifv, as Mastodon makes it: clients
		// play it muted, looping.
		c.typ, c.contentType, c.ext = "video", "video/mp4", "mp4"
		if a == nil || m.Type == "gifv" {
			c.typ = "gifv"
		}
		args = videoArgs(p, c.typ == "gifv")
	default:
		c.typ = "audio"
		args, c.contentType, c.ext = audioArgs(p)
	}
	c.path = filepath.Join(dir, "out."+c.ext)
	all := append(inputArgs(in, s.Cfg.Media.MaxVideoPixels), args...)
	all = append(all, "-t", strconv.Itoa(s.Cfg.Media.MaxVideoSeconds), "-fs", strconv.FormatInt(s.Cfg.Media.MaxVideoBytes, 10),
		"-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
		"file:"+c.path)
	if err := s.ffmpegRun(ctx, t, all...); err != nil {
		if errors.Is(err, errTimeout) {
			return nil, &refusal{fmt.Sprintf("converting the file took longer than the limit of %s", s.Cfg.Media.FFmpegTimeout), err}
		}
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, &refusal{"the file could not be converted", err}
	}
	out, err := s.probeFile(ctx, t, c.path)
	if err != nil {
		return nil, fmt.Errorf("probe converted media: %w", err) // agora's own output: not the file's fault
	}
	st, err := os.Stat(c.path)
	if err != nil {
		return nil, err
	}
	if c.size = st.Size(); c.size >= s.Cfg.Media.MaxVideoBytes {
		// -fs stopped ffmpeg at the limit: the file is cut short.
		return nil, &refusal{fmt.Sprintf("the converted file is larger than the limit of %d bytes", s.Cfg.Media.MaxVideoBytes), nil}
	}
	c.meta = videoMeta(out)
	if c.typ != "audio" {
		if m.PreviewKey != "" {
			c.meta.Small = old.Small // the client's own preview stays
		} else if c.poster, err = s.poster(ctx, t, c.path, dir, out.duration()); err != nil {
			return nil, err
		} else {
			c.meta.Small = sizeOf(c.poster.pw, c.poster.ph)
		}
	}
	return c, nil
}

// videoArgs converts to a browser-safe MP4: H.264 in yuv420p with even
// sides of at most OutputSide, AAC sound, the index first (faststart). A
// file that already is one is only remuxed (metadata still dropped).
func videoArgs(p *probe, silent bool) []string {
	v, a := p.video(), p.audio()
	args := []string{"-map", "0:v:0"}
	if !silent {
		args = append(args, "-map", "0:a:0")
	}
	args = append(args, "-sn", "-dn", "-movflags", "+faststart", "-f", "mp4")
	_, fps := v.frameRate()
	if strings.Contains(p.Format.Name, "mp4") && v.Codec == "h264" && v.PixFmt == "yuv420p" &&
		v.Width%2 == 0 && v.Height%2 == 0 && max(v.Width, v.Height) <= OutputSide && fps <= OutputFrameRate &&
		(silent || a.Codec == "aac") {
		return append(args, "-c", "copy")
	}
	// Scale the longest side down to OutputSide, keeping both sides even
	// (yuv420p needs it); iw and ih are after rotation is applied.
	scale := fmt.Sprintf("scale=w='trunc(min(1,%d/max(iw,ih))*iw/2)*2':h='trunc(min(1,%d/max(iw,ih))*ih/2)*2',setsar=1", OutputSide, OutputSide)
	args = append(args, "-vf", scale, "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high",
		"-pix_fmt", "yuv420p", "-fpsmax", strconv.Itoa(OutputFrameRate))
	if silent {
		// GIF frames have their own delays: keep them instead of
		// duplicating frames up to a constant rate.
		return append(args, "-an", "-fps_mode", "vfr")
	}
	return append(args, "-c:a", "aac", "-b:a", "128k")
}

// audioArgs keeps MP3 and Ogg (Vorbis, Opus) as they are, only remuxed to
// drop tags and cover pictures; anything else becomes MP3, as Mastodon
// does.
func audioArgs(p *probe) (args []string, contentType, ext string) {
	a := p.audio()
	base := []string{"-map", "0:a:0", "-vn", "-sn", "-dn"}
	switch {
	case p.Format.Name == "mp3" && a.Codec == "mp3":
		return append(base, "-c:a", "copy", "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3"), "audio/mpeg", "mp3"
	case p.Format.Name == "ogg" && (a.Codec == "vorbis" || a.Codec == "opus"):
		return append(base, "-c:a", "copy", "-f", "ogg"), "audio/ogg", "ogg"
	}
	return append(base, "-c:a", "libmp3lame", "-q:a", "2", "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3"), "audio/mpeg", "mp3"
}

// poster takes a frame of the converted video (a tenth in, at most one
// second: first frames are often black) and makes the preview from it.
func (s *Service) poster(ctx context.Context, t *tools, video, dir string, duration float64) (*picture, error) {
	path := filepath.Join(dir, "poster.png")
	at := strconv.FormatFloat(math.Min(1, duration/10), 'f', 3, 64)
	args := append([]string{"-ss", at}, inputArgs(video, s.Cfg.Media.MaxVideoPixels)...)
	args = append(args, "-frames:v", "1", "-an", "-f", "image2", "-c:v", "png", "file:"+path)
	if err := s.ffmpegRun(ctx, t, args...); err != nil {
		return nil, fmt.Errorf("poster frame: %w", err)
	}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) && duration > 0 {
		return s.poster(ctx, t, video, dir, 0) // no frame there (a short or odd file): the first one
	}
	if err != nil {
		return nil, fmt.Errorf("poster frame: %w", err)
	}
	return processImage(data, "image/png")
}

// videoMeta is Mastodon's meta of a video, gifv or audio file, from the
// probe of the stored file.
func videoMeta(p *probe) Meta {
	d := math.Round(p.duration()*1000) / 1000
	m := Meta{Duration: d, Length: length(d), Original: &Size{Duration: d, Bitrate: p.bitrate()}}
	if v := p.video(); v != nil {
		w, h := v.displaySize()
		fr, fps := v.frameRate()
		o := sizeOf(w, h)
		o.FrameRate, o.Duration, o.Bitrate = fr, d, p.bitrate()
		m.Original = o
		m.FPS, m.Size, m.Width, m.Height, m.Aspect = int(math.Round(fps)), o.Size, w, h, o.Aspect
	}
	if a := p.audio(); a != nil {
		m.AudioEncode, m.AudioChannels = a.Codec, a.Layout
		if a.SampleRate != "" {
			m.AudioBitrate = a.SampleRate + " Hz" // Mastodon's name for the sample rate
		}
	}
	return m
}

// length formats seconds as Mastodon's "H:MM:SS.ss".
func length(sec float64) string {
	cs := int64(math.Round(sec * 100))
	return fmt.Sprintf("%d:%02d:%02d.%02d", cs/360000, cs/6000%60, cs/100%60, cs%100)
}

// WaitProcessed waits until one's upload is no longer processing, or ctx
// ends, and returns it as it then is (still processing when ctx ended).
// It is for the web UI's form, which uploads and posts in one request.
func (s *Service) WaitProcessed(ctx context.Context, owner, id domain.ID) (*store.Media, error) {
	for {
		m, err := s.Own(ctx, owner, id)
		if err != nil || m.Processing != store.MediaProcessing {
			return m, err
		}
		select {
		case <-ctx.Done():
			return m, nil
		case <-time.After(200 * time.Millisecond):
		}
	}
}

package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// inputFormats are the only demuxers ffmpeg and ffprobe may use on an
// upload (-format_whitelist): a crafted file cannot switch them to a
// playlist or concat demuxer (hls, concat, image2, ...) that would read
// other files or the network. -protocol_whitelist file keeps them to the
// one input file they are given.
const inputFormats = "mov,matroska,gif,mp3,ogg,wav,flac"

// maxToolOutput caps what agora keeps of ffmpeg's and ffprobe's output.
const maxToolOutput = 1 << 20

// probeTimeout bounds one ffprobe run: it reads headers, not every frame.
const probeTimeout = 30 * time.Second

// tools are the ffmpeg programs, resolved once per Service.
type tools struct {
	ffmpeg, ffprobe string
	slots           chan struct{} // one per ffmpeg run allowed at once
}

// tools returns the ffmpeg programs, or nil when either is missing: the
// server then refuses video and audio and keeps GIFs as still images.
func (s *Service) tools() *tools {
	s.toolsOnce.Do(func() {
		ffmpeg, err1 := findTool(s.Cfg.Media.FFmpeg, "ffmpeg")
		ffprobe, err2 := findTool(s.Cfg.Media.FFprobe, "ffprobe")
		if err := errors.Join(err1, err2); err != nil {
			if s.Log != nil {
				s.Log.Warn("ffmpeg not available: video and audio uploads are refused, GIFs stay still images", "err", err)
			}
			return
		}
		s.ffmpeg = &tools{ffmpeg: ffmpeg, ffprobe: ffprobe, slots: make(chan struct{}, max(1, s.Cfg.Media.FFmpegConcurrency))}
	})
	return s.ffmpeg
}

// CanProcessVideo reports whether ffmpeg and ffprobe were found.
func (s *Service) CanProcessVideo() bool { return s.tools() != nil }

// findTool resolves a configured path, or name on PATH when none is set.
func findTool(configured, name string) (string, error) {
	if configured == "" {
		return exec.LookPath(name)
	}
	st, err := os.Stat(configured)
	if err != nil {
		return "", err
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s is not an executable file", configured)
	}
	return configured, nil
}

// limitedBuffer keeps the first max bytes written to it and drops the rest,
// so a program printing without end cannot fill memory.
type limitedBuffer struct {
	bytes.Buffer
	max       int
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room < len(p) {
		b.truncated = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// run executes prog with args (never through a shell) under timeout,
// killing it when ctx ends, and returns its standard output (at most
// maxToolOutput bytes). A failure carries the end of its standard error.
func run(ctx context.Context, timeout time.Duration, prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"} // nothing of agora's environment (secrets) reaches ffmpeg
	cmd.WaitDelay = 5 * time.Second
	stdout := &limitedBuffer{max: maxToolOutput}
	stderr := &limitedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("%s: %w after %s", prog, errTimeout, timeout)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 500 {
			msg = msg[len(msg)-500:]
		}
		return nil, fmt.Errorf("%s: %w: %s", prog, err, msg)
	}
	if stdout.truncated {
		return nil, fmt.Errorf("%s: output larger than %d bytes", prog, maxToolOutput)
	}
	return stdout.Bytes(), nil
}

// errTimeout marks a run killed at its deadline.
var errTimeout = errors.New("timed out")

// inputArgs are the options that restrict how ffmpeg and ffprobe read an
// upload, followed by the input itself. maxPixels also bounds the frames
// the decoders accept: a stream that grows past its header's size midway
// is refused instead of filling memory.
func inputArgs(path string, maxPixels int) []string {
	return []string{"-protocol_whitelist", "file", "-format_whitelist", inputFormats, "-max_pixels", strconv.Itoa(maxPixels),
		"-i", "file:" + path}
}

// ffmpegRun runs ffmpeg with args after the common options, waiting for a
// free slot first (transcoding takes every core it is given).
func (s *Service) ffmpegRun(ctx context.Context, t *tools, args ...string) error {
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-t.slots }()
	all := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)
	_, err := run(ctx, s.Cfg.Media.FFmpegTimeout, t.ffmpeg, all...)
	return err
}

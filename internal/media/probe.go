package media

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// probe is what ffprobe says of a file.
type probe struct {
	Format struct {
		Name     string `json:"format_name"`
		Duration string `json:"duration"`
		BitRate  string `json:"bit_rate"`
	} `json:"format"`
	Streams []probeStream `json:"streams"`
}

type probeStream struct {
	Type         string `json:"codec_type"`
	Codec        string `json:"codec_name"`
	Profile      string `json:"profile"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	PixFmt       string `json:"pix_fmt"`
	RFrameRate   string `json:"r_frame_rate"`
	AvgFrameRate string `json:"avg_frame_rate"`
	Duration     string `json:"duration"`
	SampleRate   string `json:"sample_rate"`
	Channels     int    `json:"channels"`
	Layout       string `json:"channel_layout"`
	BitRate      string `json:"bit_rate"`
	Disposition  struct {
		AttachedPic int `json:"attached_pic"`
	} `json:"disposition"`
	SideData []struct {
		Rotation float64 `json:"rotation"`
	} `json:"side_data_list"`
}

// probeFile runs ffprobe on path, reading only through the restricted
// input options; a file it cannot read is invalid.
func (s *Service) probeFile(ctx context.Context, t *tools, path string) (*probe, error) {
	// ffprobe decodes a few frames: allow up to the image limit there, so
	// that a video over the video limit is refused with its size.
	px := max(MaxInputPixels, s.Cfg.Media.MaxVideoPixels)
	args := append([]string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams"}, inputArgs(path, px)...)
	out, err := run(ctx, probeTimeout, t.ffprobe, args...)
	if err != nil {
		return nil, &refusal{"the file is not a video or audio file agora can read", err}
	}
	var p probe
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, &refusal{"the file is not a video or audio file agora can read", err}
	}
	return &p, nil
}

// refusal is a processing failure caused by the file itself: retrying will
// not help; reason is shown to its owner.
type refusal struct {
	reason string
	cause  error
}

func (r *refusal) Error() string {
	if r.cause != nil {
		return r.reason + ": " + r.cause.Error()
	}
	return r.reason
}

func (r *refusal) Unwrap() error { return r.cause }

// video is the first video stream that is not a cover picture, or nil.
func (p *probe) video() *probeStream {
	for i := range p.Streams {
		if st := &p.Streams[i]; st.Type == "video" && st.Disposition.AttachedPic == 0 {
			return st
		}
	}
	return nil
}

// audio is the first audio stream, or nil.
func (p *probe) audio() *probeStream {
	for i := range p.Streams {
		if st := &p.Streams[i]; st.Type == "audio" {
			return st
		}
	}
	return nil
}

// duration is the file's length in seconds (0 when unknown).
func (p *probe) duration() float64 {
	d, _ := strconv.ParseFloat(p.Format.Duration, 64)
	if d <= 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		for _, st := range p.Streams {
			if sd, _ := strconv.ParseFloat(st.Duration, 64); sd > d && !math.IsInf(sd, 0) {
				d = sd
			}
		}
	}
	return max(d, 0)
}

func (p *probe) bitrate() int64 {
	b, _ := strconv.ParseInt(p.Format.BitRate, 10, 64)
	return b
}

// rate parses ffprobe's "num/den" frame rate (0 when unknown).
func rate(s string) float64 {
	a, b, ok := strings.Cut(s, "/")
	n, err1 := strconv.ParseFloat(a, 64)
	d, err2 := strconv.ParseFloat(b, 64)
	if !ok || err1 != nil || err2 != nil || d == 0 || n <= 0 {
		return 0
	}
	return n / d
}

// frameRate is the stream's average frame rate, or its base rate.
func (st *probeStream) frameRate() (string, float64) {
	if r := rate(st.AvgFrameRate); r > 0 {
		return st.AvgFrameRate, r
	}
	return st.RFrameRate, rate(st.RFrameRate)
}

// displaySize is the frame as shown: width and height swapped for a video
// recorded sideways (a phone's rotation side data).
func (st *probeStream) displaySize() (int, int) {
	for _, sd := range st.SideData {
		if r := math.Mod(math.Abs(sd.Rotation), 180); r == 90 {
			return st.Height, st.Width
		}
	}
	return st.Width, st.Height
}

// checkLimits refuses a probed upload beyond the configured duration,
// frame size and frame rate, or with neither video nor audio.
func (s *Service) checkLimits(p *probe) error {
	v, a := p.video(), p.audio()
	if v == nil && a == nil {
		return &refusal{"the file holds neither video nor audio", nil}
	}
	c := s.Cfg.Media
	if d := p.duration(); d > float64(c.MaxVideoSeconds) {
		return &refusal{fmt.Sprintf("the file lasts %.0f seconds, more than the limit of %d", d, c.MaxVideoSeconds), nil}
	}
	if v == nil {
		return nil
	}
	if v.Width <= 0 || v.Height <= 0 {
		return &refusal{"the video has no frame size", nil}
	}
	if px := int64(v.Width) * int64(v.Height); px > int64(c.MaxVideoPixels) || v.Width > MaxInputSide || v.Height > MaxInputSide {
		return &refusal{fmt.Sprintf("the video frame %d×%d exceeds the limit of %d pixels", v.Width, v.Height, c.MaxVideoPixels), nil}
	}
	if _, r := v.frameRate(); r > float64(c.MaxVideoFrameRate) {
		return &refusal{fmt.Sprintf("the video has %.0f frames per second, more than the limit of %d", r, c.MaxVideoFrameRate), nil}
	}
	return nil
}

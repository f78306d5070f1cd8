package media

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/agora-social/agora/internal/store"
)

// CardImage is the stored copy of a link preview's image.
type CardImage struct {
	Key           string
	Width, Height int
	Blurhash      string
}

// StoreCardImage copies a link preview's image, at preview size and
// re-encoded without metadata, so that readers' browsers never call the
// linked site (nor learn who reads what). Images from domains whose media
// an admin rejects are not copied.
func (s *Service) StoreCardImage(ctx context.Context, imageURL string) (*CardImage, error) {
	p, err := s.fetchRemoteImage(ctx, imageURL)
	if err != nil {
		return nil, err
	}
	c := &CardImage{Key: "cards/" + token() + "." + p.ext, Width: p.pw, Height: p.ph, Blurhash: p.blurhash}
	if err := s.put(ctx, []stored{{key: c.Key, data: p.preview, ct: p.contentType}}); err != nil {
		return nil, err
	}
	return c, nil
}

// ForgetCardImage deletes a card image copy that a refreshed card
// replaced.
func (s *Service) ForgetCardImage(ctx context.Context, key string) { s.remove(ctx, key) }

// fetchRemoteImage fetches an image through the guarded client (within the
// upload size limit, from a domain whose media are not rejected) and
// processes it as an upload: remote attachments and card images.
func (s *Service) fetchRemoteImage(ctx context.Context, rawURL string) (*picture, error) {
	if s.Client == nil {
		return nil, fmt.Errorf("no client for remote media")
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("bad URL")
	}
	if b, err := s.Store.DomainBlockFor(ctx, u.Host); err != nil {
		return nil, err
	} else if b != nil && (b.RejectMedia || b.Severity == store.SeveritySuspend) {
		return nil, fmt.Errorf("media from %s are rejected", u.Host)
	}
	ctx, cancel := context.WithTimeout(ctx, RemoteFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/*")
	res, data, err := s.Client.Fetch(req, s.Cfg.Media.MaxImageBytes)
	if err != nil {
		return nil, err
	}
	if res.StatusCode/100 != 2 {
		return nil, fmt.Errorf("status %d", res.StatusCode)
	}
	ct, err := sniff(data, File{ContentType: res.Header.Get("Content-Type")})
	if err != nil {
		return nil, err
	}
	if kinds[ct].typ != "image" {
		return nil, fmt.Errorf("not an image: %s", ct)
	}
	return processImage(data, ct)
}

package media

import (
	"context"
	"strings"

	"github.com/agora-social/agora/internal/domain"
)

// ProfileImage is an avatar or a header.
type ProfileImage int

// The two profile images.
const (
	Avatar ProfileImage = iota
	Header
)

// StoreProfileImage processes an uploaded avatar (cropped to 400×400) or
// header (1500×500) and stores it; it returns the file's URL. The caller
// saves the URL on the account, then calls ForgetProfileImage on the
// previous one.
func (s *Service) StoreProfileImage(ctx context.Context, owner domain.ID, which ProfileImage, f File) (string, error) {
	data, err := readAll(f, s.Cfg.Media.MaxImageBytes, "image")
	if err != nil {
		return "", err
	}
	ct, err := sniff(data, f)
	if err != nil {
		return "", err
	}
	if kinds[ct].typ != "image" {
		return "", domain.Invalid("Validation failed: avatars and headers must be images")
	}
	name, w, h := "avatar", AvatarSize, AvatarSize
	if which == Header {
		name, w, h = "header", HeaderW, HeaderH
	}
	p, err := processProfileImage(data, ct, w, h)
	if err != nil {
		return "", err
	}
	key := "accounts/" + owner.String() + "/" + name + "-" + token() + "." + p.ext
	if err := s.put(ctx, []stored{{key: key, data: p.data, ct: p.contentType}}); err != nil {
		return "", err
	}
	return s.URL(key), nil
}

// ForgetProfileImage deletes the stored file behind a profile image URL,
// when it is one of this server's.
func (s *Service) ForgetProfileImage(ctx context.Context, url string) {
	if s == nil {
		return
	}
	if k := s.keyOf(url); k != "" && strings.HasPrefix(k, "accounts/") {
		s.remove(ctx, k)
	}
}

// keyOf returns the storage key a URL of URL(key) names, or "".
func (s *Service) keyOf(url string) string {
	for _, prefix := range []string{s.Cfg.URL + ServePath, s.Storage.PublicURL("")} {
		if prefix != "" && strings.HasPrefix(url, prefix) {
			if k := strings.TrimPrefix(url, prefix); ValidKey(k) {
				return k
			}
		}
	}
	return ""
}

package media

import (
	"context"
	"io"
)

// OpenKey opens a stored file for reading (the account archive copies an
// account's files into it); the caller closes it.
func (s *Service) OpenKey(ctx context.Context, key string) (io.ReadCloser, error) {
	obj, err := s.Storage.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	return obj.Body, nil
}

// KeyOf is the storage key behind one of this server's media URLs, or ""
// for any other URL.
func (s *Service) KeyOf(url string) string { return s.keyOf(url) }

package media

import (
	"context"
	"encoding/json"
	"time"

	"github.com/agora-social/agora/internal/store"
)

// Remote media caching.
const (
	RemoteBatch        = 20               // images fetched per job run
	RemoteFetchTimeout = 30 * time.Second // one image
)

// CacheRemote copies remote images of recent statuses into storage, as
// uploads are processed (re-encoded without metadata, with a preview and
// a blurhash), so that readers' browsers do not call other servers.
// Domains whose media an admin rejects are skipped; a failure is counted
// and the image stays a link to its origin after three. It returns how
// many images were copied.
func (s *Service) CacheRemote(ctx context.Context) (int, error) {
	if s.Client == nil {
		return 0, nil
	}
	since := time.Time{}
	if days := s.Cfg.Media.RemoteRetentionDays; days > 0 {
		since = s.Store.Now().Add(-time.Duration(days) * 24 * time.Hour)
	}
	list, err := s.Store.RemoteMediaToCache(ctx, since, RemoteBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range list {
		if err := s.cacheOne(ctx, m); err != nil {
			if s.Log != nil {
				s.Log.Debug("remote media not cached", "url", m.RemoteURL, "err", err)
			}
			if err := s.Store.RemoteFetchFailed(ctx, m.ID); err != nil {
				return n, err
			}
			continue
		}
		n++
	}
	return n, nil
}

func (s *Service) cacheOne(ctx context.Context, m *store.Media) error {
	p, err := s.fetchRemoteImage(ctx, m.RemoteURL)
	if err != nil {
		return err
	}
	base := "cache/" + m.ID.String() + "/" + token() + "/"
	m.ContentType, m.FileKey, m.PreviewKey = p.contentType, base+"original."+p.ext, base+"small."+p.ext
	m.FileSize, m.Blurhash = int64(len(p.data)), p.blurhash
	meta, _ := json.Marshal(Meta{Original: sizeOf(p.w, p.h), Small: sizeOf(p.pw, p.ph)})
	m.Meta = string(meta)
	if err := s.put(ctx, []stored{{key: m.FileKey, data: p.data, ct: p.contentType}, {key: m.PreviewKey, data: p.preview, ct: p.contentType}}); err != nil {
		return err
	}
	if err := s.Store.SetRemoteCache(ctx, m); err != nil {
		s.remove(ctx, m.FileKey, m.PreviewKey)
		return err
	}
	return nil
}

// ExpireRemoteCache deletes local copies of remote media older than the
// retention (AGORA_MEDIA_REMOTE_RETENTION_DAYS; 0 keeps them) and returns
// how many.
func (s *Service) ExpireRemoteCache(ctx context.Context) (int, error) {
	days := s.Cfg.Media.RemoteRetentionDays
	if days == 0 {
		return 0, nil
	}
	n := 0
	for {
		list, err := s.Store.CachedRemoteMedia(ctx, s.Store.Now().Add(-time.Duration(days)*24*time.Hour), 100)
		if err != nil {
			return n, err
		}
		for _, m := range list {
			if err := s.Store.DropRemoteCache(ctx, m.ID); err != nil {
				return n, err
			}
			s.remove(ctx, m.FileKey, m.PreviewKey)
			n++
		}
		if len(list) < 100 {
			return n, nil
		}
	}
}

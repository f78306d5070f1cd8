package media

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// ProxyPath is where agora serves remote media (as Mastodon's media
// proxy): ProxyPath + attachment id.
const ProxyPath = "/media_proxy/"

// ProxyRetry is how long after a failed on-demand fetch the next request
// is sent to the origin instead of fetching again.
const ProxyRetry = 10 * time.Minute

// proxyState keeps on-demand fetches to one at a time per attachment and
// remembers recent failures (per node: an optimization, not a rule).
type proxyState struct {
	group  singleflight.Group
	mu     sync.Mutex
	failed map[domain.ID]time.Time
}

var proxies sync.Map // *Service -> *proxyState

func (s *Service) proxy() *proxyState {
	p, _ := proxies.LoadOrStore(s, &proxyState{failed: map[domain.ID]time.Time{}})
	return p.(*proxyState)
}

// ProxyURL is the address clients use for a remote attachment without a
// local copy: images through the proxy (fetched on demand), video and
// audio at their origin.
func (s *Service) ProxyURL(m *store.Media) string {
	if m.Type == "image" {
		return s.Cfg.URL + ProxyPath + m.ID.String()
	}
	return m.RemoteURL
}

// ServeProxy answers GET ProxyPath{id}: a redirect to the local copy of a
// remote image, copying it first when there is none (the copy was never
// made, or dropped after the retention); to its origin when that fails.
func (s *Service) ServeProxy(w http.ResponseWriter, r *http.Request) {
	id, ok := domain.ParseID(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	m, err := s.Store.Media(r.Context(), id)
	if err != nil || m.RemoteURL == "" {
		http.NotFound(w, r)
		return
	}
	if m.FileKey == "" && m.Type == "image" && s.Client != nil {
		p := s.proxy()
		p.mu.Lock()
		last, failedRecently := p.failed[id]
		failedRecently = failedRecently && time.Since(last) < ProxyRetry
		p.mu.Unlock()
		if !failedRecently {
			_, err, _ := p.group.Do(id.String(), func() (any, error) { return nil, s.cacheOne(r.Context(), m) })
			if err != nil {
				p.mu.Lock()
				p.failed[id] = time.Now()
				p.mu.Unlock()
			}
			if fresh, err := s.Store.Media(r.Context(), id); err == nil {
				m = fresh
			}
		}
	}
	target := m.RemoteURL
	if m.FileKey != "" {
		target = s.URL(m.FileKey)
	}
	w.Header().Set("Cache-Control", "private, max-age=60")
	http.Redirect(w, r, target, http.StatusFound)
}

package federation

import (
	"context"
	"strings"
	"sync"
	"time"
)

// The inbox asks for the sender's domain rules on every POST (hosts.go,
// federation): at thousands of activities a second that was one query of
// the 1.4 each activity cost PostgreSQL. hostRules keeps the answers a
// few seconds: a change made on this node drops them at once (the
// Store's DomainRulesVersion); one made on another node is seen within
// hostRulesTTL.
const (
	hostRulesTTL = 5 * time.Second
	hostRulesMax = 10_000 // hosts remembered; the cache is emptied when full
)

type hostRules struct {
	mu      sync.Mutex
	version int64
	m       map[string]hostRule
}

type hostRule struct {
	fed int
	at  time.Time
}

// cachedFederation is federation(host) through the cache.
func (h *Handler) cachedFederation(ctx context.Context, host string) (int, error) {
	host = strings.ToLower(host)
	version := h.Store.DomainRulesVersion() // before the query: a change during it drops the answer
	now := h.Now()
	c := &h.rules
	c.mu.Lock()
	if c.version != version || c.m == nil {
		c.version, c.m = version, map[string]hostRule{}
	}
	r, ok := c.m[host]
	c.mu.Unlock()
	if ok && now.Sub(r.at) < hostRulesTTL {
		return r.fed, nil
	}
	fed, err := h.federation(ctx, host)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if c.version == version {
		if len(c.m) >= hostRulesMax {
			c.m = map[string]hostRule{}
		}
		c.m[host] = hostRule{fed: fed, at: now}
	}
	c.mu.Unlock()
	return fed, nil
}

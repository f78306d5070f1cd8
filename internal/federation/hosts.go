package federation

import (
	"strings"

	"context"
	"github.com/agora-social/agora/internal/store"
	"sync"
	"time"
)

// Circuit breaker of remote hosts (docs/federation.md, "Delivery"): after
// Cfg.Federation.CircuitFailures consecutive failed deliveries a host is
// unavailable until retry_at; failed probe k (from 0) moves retry_at to
// min(1 minute * 2^k, 6 hours) ahead. Deliveries meanwhile are snoozed.
const (
	circuitBase = time.Minute
	circuitCap  = 6 * time.Hour
)

// circuitBackoff is how long an open host waits after failure n past the
// threshold (0 for the failure that opened it).
func circuitBackoff(n int64) time.Duration {
	if n > 16 {
		return circuitCap
	}
	return min(circuitBase<<n, circuitCap)
}

func (h *Handler) circuitFailures() int64 {
	return store.CircuitThreshold(h.Cfg.Federation.CircuitFailures)
}

// hostLimiter bounds the requests in flight to each host from this node.
// It is an optimisation for politeness and fairness, not needed for
// correctness, so it lives in memory.
type hostLimiter struct {
	mu    sync.Mutex
	limit int
	slots map[string]*hostSlots
}

type hostSlots struct {
	ch    chan struct{}
	users int // holders and waiters, to drop idle hosts from the map
}

// acquire waits for a slot to host and returns its release.
func (l *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	l.mu.Lock()
	if l.slots == nil {
		l.slots = map[string]*hostSlots{}
	}
	s := l.slots[host]
	if s == nil {
		s = &hostSlots{ch: make(chan struct{}, max(l.limit, 1))}
		l.slots[host] = s
	}
	s.users++
	l.mu.Unlock()
	done := func() {
		l.mu.Lock()
		s.users--
		if s.users == 0 {
			delete(l.slots, host)
		}
		l.mu.Unlock()
	}
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// Refusal reasons of federates.
const (
	hostFederates = iota
	hostSuspended // a domain block suspends it
	hostNotAllowed
)

// federation reports whether this server federates with host: not when a
// domain block suspends it, nor, in allow-list mode, when no domain allow
// covers it. One or two indexed lookups; local hosts always federate.
func (h *Handler) federation(ctx context.Context, host string) (int, error) {
	host = strings.ToLower(host)
	if host == "" || strings.EqualFold(host, h.Cfg.Domain) {
		return hostFederates, nil
	}
	b, err := h.Store.DomainBlockFor(ctx, host)
	if err != nil {
		return 0, err
	}
	if b != nil && b.Severity == store.SeveritySuspend {
		return hostSuspended, nil
	}
	if h.Cfg.Federation.Allowlist() {
		ok, err := h.Store.DomainAllowed(ctx, host)
		if err != nil {
			return 0, err
		}
		if !ok {
			return hostNotAllowed, nil
		}
	}
	return hostFederates, nil
}

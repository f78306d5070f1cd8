// Package ratelimit counts requests per key in fixed windows, as Mastodon's
// rate limits do (300 requests per 5 minutes, and so on).
//
// Counts live in each node's memory: with several nodes behind a load
// balancer a client can reach up to N times the limit. That is a deliberate
// trade (no database write per request); docs/scaling.md says so.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter allows Limit events per Window for each key.
type Limiter struct {
	Limit  int
	Window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	start time.Time
	count int
}

// New returns a limiter; now is the clock (time.Now when nil).
func New(limit int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{Limit: limit, Window: window, now: now, buckets: map[string]*bucket{}}
}

// Result tells the caller what to put in X-RateLimit-* headers.
type Result struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Time
}

// Allow counts one event for key.
func (l *Limiter) Allow(key string) Result {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.Window {
		for k, b := range l.buckets {
			if now.Sub(b.start) >= l.Window {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b := l.buckets[key]
	if b == nil || now.Sub(b.start) >= l.Window {
		b = &bucket{start: now.Truncate(time.Second)}
		l.buckets[key] = b
	}
	b.count++
	res := Result{Limit: l.Limit, Remaining: max(0, l.Limit-b.count), Reset: b.start.Add(l.Window)}
	res.Allowed = b.count <= l.Limit
	return res
}

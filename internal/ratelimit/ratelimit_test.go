package ratelimit

import (
	"testing"
	"time"
)

func TestLimiterWindow(t *testing.T) {
	now := time.Unix(1000, 0)
	l := New(3, time.Minute, func() time.Time { return now })
	for i := range 3 {
		if r := l.Allow("a"); !r.Allowed || r.Remaining != 2-i {
			t.Fatalf("event %d: got %+v, want allowed with %d remaining", i, r, 2-i)
		}
	}
	if r := l.Allow("a"); r.Allowed {
		t.Fatalf("4th event allowed, want refused")
	}
	if r := l.Allow("b"); !r.Allowed {
		t.Fatalf("other key refused")
	}
	now = now.Add(time.Minute)
	if r := l.Allow("a"); !r.Allowed {
		t.Fatalf("after the window: refused")
	}
}

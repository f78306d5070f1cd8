package federation

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/httpclient"
)

func TestDeliveryOutcome(t *testing.T) {
	for _, c := range []struct {
		status int
		err    error
		want   result
	}{
		{200, nil, delivered}, {202, nil, delivered},
		{400, nil, refused}, {401, nil, refused}, {404, nil, refused}, {410, nil, refused},
		{408, nil, failed}, {429, nil, failed}, {500, nil, failed}, {503, nil, failed},
		{0, errors.New("connection refused"), failed},
		{0, fmt.Errorf("dial: %w", httpclient.ErrForbiddenAddress), refused},
	} {
		if got := outcome(c.status, c.err); got != c.want {
			t.Errorf("outcome(%d, %v) = %d, want %d", c.status, c.err, got, c.want)
		}
	}
}

func TestRetryScheduleLastsThreeDays(t *testing.T) {
	var total time.Duration
	for n := 1; n < DeliveryMaxAttempts; n++ {
		total += RetryDelay(n)
	}
	if total < 72*time.Hour || total > DeliveryMaxAge {
		t.Errorf("retries span %s, want at least 3 days and less than %s", total, DeliveryMaxAge)
	}
	if RetryDelay(1) != time.Minute || RetryDelay(15) != 12*time.Hour {
		t.Errorf("first and last waits: %s, %s", RetryDelay(1), RetryDelay(15))
	}
	if circuitBackoff(0) != time.Minute || circuitBackoff(3) != 8*time.Minute || circuitBackoff(100) != 6*time.Hour {
		t.Errorf("circuit backoff: %s %s %s", circuitBackoff(0), circuitBackoff(3), circuitBackoff(100))
	}
}

func TestHostLimiter(t *testing.T) {
	l := &hostLimiter{limit: 2}
	ctx := context.Background()
	r1, _ := l.acquire(ctx, "a.example")
	r2, _ := l.acquire(ctx, "a.example")
	if _, err := l.acquire(ctx, "b.example"); err != nil {
		t.Fatalf("another host waits: %v", err)
	}
	short, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.acquire(short, "a.example"); err == nil {
		t.Fatal("a third request to a.example got a slot")
	}
	r1()
	r3, err := l.acquire(ctx, "a.example")
	if err != nil {
		t.Fatal(err)
	}
	r2()
	r3()
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.slots["a.example"]; ok {
		t.Error("an idle host stays in the map")
	}
}

package server_test

import (
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestHealthAndMetrics(t *testing.T) {
	s := apitest.Start(t, "sqlite")
	for _, p := range []string{"/livez", "/readyz"} {
		if r := s.Do(t, "GET", p, "", nil); r.Status != 200 {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
	s.Must(t, 200, "GET", "/api/v1/instance", "", nil)
	r := s.Do(t, "GET", "/metrics", "", nil) // the test client is on loopback
	if r.Status != 200 || !strings.Contains(string(r.Body), `agora_http_request_duration_seconds_count{code="2xx",method="GET",route="/api/v1/instance"} 1`) {
		t.Errorf("metrics: %d\n%.2000s", r.Status, r.Body)
	}
	for _, p := range []string{"/avatars/original/missing.png", "/headers/original/missing.png"} {
		if r := s.Do(t, "GET", p, "", nil); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Errorf("%s: %d %s", p, r.Status, r.Header.Get("Content-Type"))
		}
	}
}

func TestMetricsToken(t *testing.T) {
	s := apitest.Start(t, "sqlite", "AGORA_METRICS_TOKEN=s3cret")
	if r := s.Do(t, "GET", "/metrics", "", nil); r.Status != 401 {
		t.Errorf("without token: %d", r.Status)
	}
	if r := s.Do(t, "GET", "/metrics", "s3cret", nil); r.Status != 200 {
		t.Errorf("with token: %d", r.Status)
	}
}

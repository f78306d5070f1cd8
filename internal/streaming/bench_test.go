package streaming_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// BenchmarkFanOut connects STREAM_BENCH_CLIENTS WebSocket clients (default
// 2000) to STREAM_BENCH_STREAM (public:local, or user: then every reader
// follows the poster) on one SQLite node, each its own account unless
// STREAM_BENCH_ACCOUNTS is smaller, then posts b.N statuses and measures the
// time from the POST to each client's update (p50, p99, max) and the memory
// per connection (client and server side together: both run in this
// process). Run: go test ./internal/streaming -run '^$' -bench FanOut -benchtime 5x
// Both sides in one process cost two descriptors per connection, which
// stops it at about 9,000; cmd/agora-streambench runs the clients in a
// second process and measures 10,000 (docs/streaming.md).
func BenchmarkFanOut(b *testing.B) {
	n := envInt("STREAM_BENCH_CLIENTS", 2000)
	accounts := min(envInt("STREAM_BENCH_ACCOUNTS", n), n)
	stream := os.Getenv("STREAM_BENCH_STREAM")
	if stream == "" {
		stream = "public:local"
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	s := apitest.Start(b, db.SQLite)
	ctx := context.Background()
	poster := s.NewUser(b, "poster")
	tokens := make([]string, accounts)
	for i := range tokens {
		name := fmt.Sprintf("reader%d", i)
		u, _, err := s.App.Store.CreateLocalUser(ctx, store.NewLocalUser{Username: name, Email: name + "@example.org",
			PasswordHash: "x", Approved: true, Confirmed: true, BaseURL: s.URL})
		if err != nil {
			b.Fatal(err)
		}
		if stream == "user" {
			if _, err := s.App.Store.Follow(ctx, u.AccountID, poster.ID, store.FollowOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		tokens[i] = auth.NewSecret(32)
		if err := s.App.Store.CreateToken(ctx, auth.HashSecret(tokens[i]), &domain.Token{UserID: u.ID, Scopes: domain.Scopes{"read"}}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var (
		mu       sync.Mutex
		received = map[string][]time.Time{} // status id -> arrival times
	)
	base := "ws" + strings.TrimPrefix(s.URL, "http") + "/api/v1/streaming?stream=" + stream + "&access_token="
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		c, _, err := websocket.Dial(ctx, base+tokens[i%accounts], nil)
		if err != nil {
			b.Fatalf("client %d: %v", i, err)
		}
		conns[i] = c
		go func() {
			for {
				_, msg, err := c.Read(ctx)
				if err != nil {
					return
				}
				at := time.Now()
				// The payload holds the status id; the first "id" is the status's.
				i := strings.Index(string(msg), `\"id\":\"`)
				if i < 0 {
					continue
				}
				rest := string(msg)[i+9:]
				id := rest[:strings.Index(rest, `\"`)]
				mu.Lock()
				received[id] = append(received[id], at)
				mu.Unlock()
			}
		}()
	}
	defer func() {
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}()
	for s.App.Stream.Subscribers() < n {
		time.Sleep(10 * time.Millisecond)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	perConn := float64((after.HeapInuse+after.StackInuse)-(before.HeapInuse+before.StackInuse)) / float64(n)

	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		id := post2(b, s, poster, fmt.Sprintf("post %d", i))
		for {
			mu.Lock()
			got := len(received[id])
			mu.Unlock()
			if got >= n {
				break
			}
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("only %d of %d clients got the post", got, n)
			}
			time.Sleep(time.Millisecond)
		}
		mu.Lock()
		for _, at := range received[id] {
			lat = append(lat, at.Sub(start))
		}
		mu.Unlock()
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(perConn/1024, "KiB/conn")
	b.Logf("%s: %d clients, %d accounts, %d posts: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %.1f KiB per connection (client+server)",
		stream, n, accounts, b.N, pct(0.5), pct(0.99), float64(lat[len(lat)-1].Microseconds())/1000, perConn/1024)
}

func post2(b *testing.B, s *apitest.Server, u *apitest.User, text string) string {
	m := s.Must(b, 200, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": text, "visibility": "public"}).Map(b)
	return m["id"].(string)
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

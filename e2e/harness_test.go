// Package e2e tests the whole program: the real agora binary, started as a
// process on SQLite and on PostgreSQL, driven by real clients.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/storetest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "agora-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "agora")
	build := exec.Command("go", "build", "-o", binary, "../cmd/agora")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build agora:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running agora process.
type server struct {
	URL string
	env []string
	log *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs `agora serve` on a fresh database of the given engine.
func startServer(t *testing.T, dialect db.Dialect, extraEnv ...string) *server {
	t.Helper()
	addr := freePort(t)
	s := &server{URL: "http://" + addr, log: &syncBuffer{}}
	s.env = append(os.Environ(),
		"AGORA_ADDR="+addr,
		"AGORA_URL="+s.URL,
		"AGORA_DATA="+t.TempDir(),
		"AGORA_ALLOW_PRIVATE_ADDRESSES=true",
		"DATABASE_URL=",
	)
	if dialect == db.Postgres {
		u, err := storetest.NewSchemaURL(t)
		if err != nil {
			t.Fatal(err)
		}
		s.env = append(s.env, "DATABASE_URL="+u)
	}
	s.env = append(s.env, extraEnv...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, "serve")
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", s.log.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become ready: %v\n%s", err, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// admin runs `agora admin ...` against the server's database and returns stdout.
func (s *server) admin(t *testing.T, args ...string) string {
	t.Helper()
	out, err := s.adminErr(args...)
	if err != nil {
		t.Fatalf("agora admin %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

func (s *server) adminErr(args ...string) (string, error) {
	cmd := exec.Command(binary, append([]string{"admin"}, args...)...)
	cmd.Env = s.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String() + errb.String(), err
	}
	return out.String(), nil
}

// eachEngine runs fn against a fresh server on each engine.
func eachEngine(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, startServer(t, d)) })
	}
}

package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary be the clients' process too, as the
// command re-executes itself.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		raiseFileLimit()
		if err := clientsMain(context.Background(), os.Args[1:], os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "clients:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestStreamBenchSmoke runs the benchmark's whole path (a node, a child
// process of WebSocket clients over two source addresses, posts) with 50
// clients on each stream.
func TestStreamBenchSmoke(t *testing.T) {
	for _, stream := range []string{"user", "public:local"} {
		t.Run(stream, func(t *testing.T) {
			rep, err := Run(context.Background(), Options{Clients: 50, Stream: stream, Posts: 2, Sources: 2,
				Timeout: 30 * time.Second, Data: t.TempDir(), Log: t.Logf})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Missing != 0 || len(rep.Latencies) != 100 {
				t.Errorf("%d updates received, %d missing; want 100, 0", len(rep.Latencies), rep.Missing)
			}
			if p := rep.Percentile(1); p <= 0 || p > 30*time.Second {
				t.Errorf("max latency %s", p)
			}
			if rep.HeapPerConn <= 0 || rep.ClientRSSPerCon <= 0 {
				t.Errorf("memory per connection: server heap %.0f B, client RSS %.0f B", rep.HeapPerConn, rep.ClientRSSPerCon)
			}
			md := rep.Markdown()
			if !strings.Contains(md, "| `"+stream+"` | 50 | 2 | 100 of 100 |") {
				t.Errorf("report:\n%s", md)
			}
		})
	}
}

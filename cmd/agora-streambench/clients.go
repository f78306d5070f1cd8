package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// clientsMain is the child process: it connects one WebSocket per token to
// the stream, then answers the parent's commands, one per line:
//
//	wait ID START  -> "lat ID US..." (microseconds from START, unix ns, to
//	                  each client's update for status ID; fewer than the
//	                  clients if some did not arrive within the timeout)
//	mem            -> "rss BYTES" (this process's resident memory)
//	quit           -> closes the connections and exits
//
// It first prints "connected N" once every handshake has succeeded.
func clientsMain(ctx context.Context, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("agora-streambench clients", flag.ContinueOnError)
	base := fs.String("url", "", "server base URL")
	tokenFile := fs.String("tokens", "", "file of access tokens, one per line and client")
	stream := fs.String("stream", "user", "stream to subscribe to")
	sources := fs.Int("sources", 1, "loopback source addresses")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest wait for one post")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := os.ReadFile(*tokenFile)
	if err != nil {
		return err
	}
	tokens := strings.Fields(string(b))
	arrivals := newArrivals()
	conns, err := connectAll(ctx, *base, *stream, tokens, *sources, arrivals)
	defer func() {
		for _, c := range conns {
			if c != nil {
				_ = c.CloseNow()
			}
		}
	}()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "connected %d\n", len(conns))
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 3 && f[0] == "wait":
			start, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return err
			}
			at := arrivals.wait(f[1], len(conns), *timeout)
			var line strings.Builder
			line.WriteString("lat " + f[1])
			for _, t := range at {
				line.WriteString(" " + strconv.FormatInt((t-start)/1000, 10))
			}
			fmt.Fprintln(out, line.String())
		case len(f) == 1 && f[0] == "mem":
			fmt.Fprintf(out, "rss %d\n", residentMemory())
		case len(f) == 1 && f[0] == "quit":
			return nil
		default:
			return fmt.Errorf("unknown command %q", sc.Text())
		}
	}
	return sc.Err()
}

// connectAll dials one WebSocket per token, 64 at a time, spreading them
// over 127.0.0.1 ... 127.0.0.sources so that no source address runs out
// of ephemeral ports.
func connectAll(ctx context.Context, base, stream string, tokens []string, sources int, arr *arrivals) ([]*websocket.Conn, error) {
	clients := make([]*http.Client, sources)
	for i := range clients {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i))}, Timeout: 30 * time.Second}
		clients[i] = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	}
	wsBase := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/streaming?stream=" + url.QueryEscape(stream) + "&access_token="
	conns := make([]*websocket.Conn, len(tokens))
	errs := make(chan error, len(tokens))
	work := make(chan int)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for i := range work {
				c, _, err := websocket.Dial(ctx, wsBase+tokens[i], &websocket.DialOptions{HTTPClient: clients[i%sources]})
				if err != nil {
					errs <- fmt.Errorf("client %d: %w", i, err)
					continue
				}
				conns[i] = c
				go read(ctx, c, arr)
			}
		})
	}
	for i := range tokens {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	return conns, <-errs
}

// read records the arrival time of each update, by status id.
func read(ctx context.Context, c *websocket.Conn, arr *arrivals) {
	for {
		_, msg, err := c.Read(ctx)
		if err != nil {
			return
		}
		at := time.Now().UnixNano()
		// The payload is a JSON string holding the status: its first "id"
		// is the status's.
		s := string(msg)
		i := strings.Index(s, `\"id\":\"`)
		if i < 0 {
			continue
		}
		rest := s[i+9:]
		if j := strings.Index(rest, `\"`); j > 0 {
			arr.add(rest[:j], at)
		}
	}
}

// arrivals holds the update times of each status id.
type arrivals struct {
	mu sync.Mutex
	at map[string][]int64
}

func newArrivals() *arrivals { return &arrivals{at: map[string][]int64{}} }

func (a *arrivals) add(id string, t int64) {
	a.mu.Lock()
	a.at[id] = append(a.at[id], t)
	a.mu.Unlock()
}

// wait returns the arrival times of id once n have arrived or timeout has
// passed, and forgets them.
func (a *arrivals) wait(id string, n int, timeout time.Duration) []int64 {
	deadline := time.Now().Add(timeout)
	for {
		a.mu.Lock()
		got := a.at[id]
		if len(got) >= n || time.Now().After(deadline) {
			delete(a.at, id)
			a.mu.Unlock()
			return got
		}
		a.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

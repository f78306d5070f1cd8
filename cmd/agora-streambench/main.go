// Command agora-streambench measures streaming fan-out at scale: one real
// agora node on SQLite in this process, and N WebSocket clients in a child
// process (this program re-executed), so that each side has its own file
// descriptors (one per connection; the machine's hard limit is 20,000 per
// process). It posts statuses through the API and prints the time from the
// POST to each client's update (p50, p99, max) and the server's memory per
// connection. docs/performance.md ("Streaming fan-out") has the results.
//
//	go run ./cmd/agora-streambench -clients 10000 -stream user -posts 5
//	go run ./cmd/agora-streambench -clients 10000 -stream public:local -posts 5
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// childEnv, set to "1", makes the program the clients' process.
const childEnv = "AGORA_STREAMBENCH_CLIENTS"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	raiseFileLimit()
	var err error
	if os.Getenv(childEnv) == "1" {
		err = clientsMain(ctx, os.Args[1:], os.Stdin, os.Stdout)
	} else {
		err = mainErr(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "agora-streambench:", err)
		os.Exit(1)
	}
}

// Options is one measurement.
type Options struct {
	Clients int           // WebSocket connections, each its own account
	Stream  string        // "user" (every client follows the poster) or "public:local"
	Posts   int           // statuses posted, one after the other
	Sources int           // loopback source addresses of the clients (127.0.0.1 ... 127.0.0.N)
	Timeout time.Duration // how long one post may take to reach every client
	Data    string        // SQLite data folder; a temporary one when empty
	Log     func(format string, args ...any)
}

func mainErr(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("agora-streambench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.IntVar(&o.Clients, "clients", 10000, "WebSocket clients, each its own account")
	fs.StringVar(&o.Stream, "stream", "user", "stream: user (every client follows the poster) or public:local")
	fs.IntVar(&o.Posts, "posts", 5, "statuses to post, one after the other")
	fs.IntVar(&o.Sources, "sources", 4, "loopback source addresses for the clients (127.0.0.1 ... 127.0.0.N)")
	fs.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "longest wait for one post to reach every client")
	fs.StringVar(&o.Data, "data", "", "SQLite data folder (default: a temporary folder)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Log = func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }
	rep, err := Run(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.Markdown())
	return nil
}

// raiseFileLimit lifts the soft limit on open files to the hard one: each
// connection is a descriptor.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

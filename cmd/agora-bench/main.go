// Command agora-bench seeds a realistic agora database (accounts, a
// power-law follow graph, statuses, home feeds) and drives a running server
// with concurrent Mastodon API clients, then prints latency and throughput
// per scenario as a Markdown table. docs/performance.md has the results.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/bench"
	"github.com/agora-social/agora/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := mainErr(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "agora-bench:", err)
		os.Exit(1)
	}
}

func mainErr(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("agora-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	full := fs.Bool("full", false, "full size: 10,000 accounts and 1,000,000 statuses")
	tiny := fs.Bool("tiny", false, "tiny size: 200 accounts and 5,000 statuses")
	o := bench.Options{Start: startServer}
	fs.IntVar(&o.Accounts, "accounts", 2000, "accounts to seed (overrides -full/-tiny)")
	fs.IntVar(&o.Statuses, "statuses", 100000, "statuses to seed (overrides -full/-tiny)")
	fs.IntVar(&o.Clients, "c", 16, "concurrent HTTP clients")
	fs.IntVar(&o.FanoutClients, "fanout-clients", 1, "clients posting at once as a 5,000-follower author in post-5k")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "duration of each scenario")
	fs.StringVar(&o.Engine, "db", "sqlite", "database engine: sqlite | postgres")
	fs.StringVar(&o.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (with -db postgres a fresh schema is created in it; with -url it is the server's database)")
	fs.StringVar(&o.Data, "data", "", "SQLite data folder (default: a temporary folder; with -url the server's AGORA_DATA)")
	fs.StringVar(&o.URL, "url", "", "drive an external server at this base URL instead of starting one")
	fs.IntVar(&o.PID, "pid", 0, "with -url: the server's process id, to report its memory")
	scen := fs.String("scenarios", strings.Join(bench.AllScenarios, ","), "comma-separated scenarios to run")
	seed := fs.Uint64("seed", 1, "random seed of the generated world")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary data folder or PostgreSQL schema")
	fs.IntVar(&o.QueueJobs, "queue-jobs", 5000, "no-op jobs to measure the job queue with (0 skips)")
	fs.StringVar(&o.ProfileDir, "profile", "", "in-process: write a CPU profile per scenario to this folder (DIR/SCENARIO.pprof)")
	fs.BoolVar(&o.CompareSQL, "compare-sql", true, "also time a home page read from home_feed against fan-out on read, in SQL")
	out := fs.String("out", "", "also write the Markdown report to this file")
	delivery := fs.Int("delivery", 0, "instead of the API scenarios, time the delivery of posts to this many remote inboxes (e.g. 1000)")
	deliveryHosts := fs.Int("delivery-hosts", 10, "with -delivery: loopback hosts (127.0.0.1 ... 127.0.0.N) serving the inboxes")
	deliveryPosts := fs.Int("delivery-posts", 3, "with -delivery: posts to deliver, one after the other")
	ingest := fs.Int("ingest", 0, "instead of the API scenarios, time the inbox ingest of this many signed Create activities (e.g. 10000)")
	ingestActors := fs.Int("ingest-actors", 100, "with -ingest: remote actors signing the activities (served from 127.0.0.2)")
	ingestFollowers := fs.Int("ingest-followers", 5, "with -ingest: local followers of every remote actor")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ingest > 0 {
		return runIngest(ctx, bench.IngestOptions{Engine: o.Engine, DatabaseURL: o.DatabaseURL, Data: o.Data,
			Activities: *ingest, Actors: *ingestActors, Followers: *ingestFollowers, Clients: o.Clients, ProfileDir: o.ProfileDir,
			Log: func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }}, *out, stdout)
	}
	if *delivery > 0 {
		return runDelivery(ctx, bench.DeliveryOptions{Engine: o.Engine, DatabaseURL: o.DatabaseURL, Data: o.Data,
			Inboxes: *delivery, Hosts: *deliveryHosts, Posts: *deliveryPosts,
			Log: func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }}, *out, stdout)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *full:
		o.Accounts, o.Statuses = 10000, 1000000
	case *tiny:
		o.Accounts, o.Statuses = 200, 5000
	}
	if set["accounts"] {
		o.Accounts, _ = flagInt(fs, "accounts")
	}
	if set["statuses"] {
		o.Statuses, _ = flagInt(fs, "statuses")
	}
	o.Scenarios = strings.Split(*scen, ",")
	o.Seed = *seed
	o.Log = func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }
	rep, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	md := rep.Markdown()
	fmt.Fprint(stdout, md)
	if *out != "" {
		return os.WriteFile(*out, []byte(md), 0o644)
	}
	return nil
}

// runDelivery runs the delivery measurement and prints its table.
func runDelivery(ctx context.Context, o bench.DeliveryOptions, out string, stdout io.Writer) error {
	rep, err := bench.Delivery(ctx, o)
	if err != nil {
		return err
	}
	md := rep.Markdown()
	fmt.Fprint(stdout, md)
	if out != "" {
		return os.WriteFile(out, []byte(md), 0o644)
	}
	return nil
}

// runIngest runs the ingest measurement and prints its table.
func runIngest(ctx context.Context, o bench.IngestOptions, out string, stdout io.Writer) error {
	rep, err := bench.Ingest(ctx, o)
	if err != nil {
		return err
	}
	md := rep.Markdown()
	fmt.Fprint(stdout, md)
	if out != "" {
		return os.WriteFile(out, []byte(md), 0o644)
	}
	return nil
}

func flagInt(fs *flag.FlagSet, name string) (int, error) {
	var n int
	_, err := fmt.Sscan(fs.Lookup(name).Value.String(), &n)
	return n, err
}

// startServer runs agora in this process on ln, with rate limits off.
func startServer(ctx context.Context, ln net.Listener, base, data, dbURL string) (func(), bench.QueueProbe, error) {
	vars := map[string]string{
		"AGORA_URL":         base,
		"AGORA_ADDR":        ln.Addr().String(),
		"AGORA_DATA":        data,
		"DATABASE_URL":      dbURL,
		"AGORA_RATE_LIMITS": "false",
		"AGORA_LOG_LEVEL":   "error",
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	actx, cancel := context.WithCancel(ctx)
	a, err := app.Open(actx, cfg, log)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("open app: %w", err)
	}
	noop := &noopWorker{}
	river.AddWorker(a.Jobs.Workers(), noop)
	if err := a.Start(actx); err != nil {
		cancel()
		a.Close()
		return nil, nil, fmt.Errorf("start app: %w", err)
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
		cancel()
		a.Stop(sctx)
		a.Close()
	}, queueProbe(a, noop), nil
}

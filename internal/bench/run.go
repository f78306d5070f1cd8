package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// StartFunc starts an agora server serving on ln with the given public URL,
// data folder and database URL, and returns how to stop it.
type StartFunc func(ctx context.Context, ln net.Listener, base, data, dbURL string) (stop func(), probe QueueProbe, err error)

// QueueProbe enqueues n no-op jobs on the server's job queue and returns
// each job's wait from enqueue to work, and the time until all ran.
type QueueProbe func(ctx context.Context, n int) (lat []time.Duration, took time.Duration, err error)

// defaultPostgresURL is the server `make test` starts.
const defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Options configure one run.
type Options struct {
	Accounts, Statuses int
	Clients            int
	FanoutClients      int
	Duration           time.Duration
	Engine             string // sqlite | postgres
	DatabaseURL        string // postgres base URL; a fresh schema is made unless External
	Data               string // SQLite data folder; a temporary one when empty
	URL                string // an external server; empty starts one in-process
	PID                int    // the external server's pid, for its memory
	Scenarios          []string
	QueueJobs          int    // no-op jobs for the queue measurement; 0 skips it
	ProfileDir         string // in-process: write a CPU profile per scenario here
	CompareSQL         bool   // time home_feed reads against fan-out on read, in SQL
	Seed               uint64
	Keep               bool
	// ExistingSchema means DatabaseURL already points at an empty schema
	// of its own (tests), so no bench_* schema is created.
	ExistingSchema bool
	Log            func(string, ...any)
	Start          StartFunc // starts the in-process server when URL is empty
}

// Run seeds, starts or reaches the server, and runs the scenarios.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Accounts < 10 || o.Statuses < 100 {
		return nil, errors.New("need at least 10 accounts and 100 statuses")
	}
	if o.Clients < 1 || o.FanoutClients < 1 || o.Duration <= 0 {
		return nil, errors.New("-c, -fanout-clients and -duration must be positive")
	}
	for _, s := range o.Scenarios {
		if !contains(AllScenarios, s) {
			return nil, fmt.Errorf("unknown scenario %q (known: %s)", s, strings.Join(AllScenarios, ", "))
		}
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	rep := &Report{Opts: o, Started: time.Now()}
	dbURL, data, cleanup, err := prepareDatabase(o)
	defer cleanup()
	if err != nil {
		return nil, err
	}

	// In-process: listen first, so the server knows its own URL while seeding.
	var ln net.Listener
	base := strings.TrimRight(o.URL, "/")
	if base == "" {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, err
		}
		defer ln.Close()
		base = "http://" + ln.Addr().String()
	}

	// Seed through a handle of our own, closed afterwards, so that its page
	// cache does not count in the server's idle memory.
	sd, err := db.Open(ctx, data, dbURL)
	if err != nil {
		return nil, fmt.Errorf("open database for seeding: %w", err)
	}
	rep.Engine = string(sd.Dialect)
	sz := DefaultSizes(o.Accounts, o.Statuses)
	t := time.Now()
	world, err := Seed(ctx, sd, sz, base, o.Seed, o.Log)
	sd.Close()
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	rep.SeedTook, rep.World, rep.Sizes = time.Since(t), world, sz

	pid := o.PID
	var probe QueueProbe
	if ln != nil {
		stopServer, p, err := o.Start(ctx, ln, base, data, dbURL)
		if err != nil {
			return nil, err
		}
		defer stopServer()
		probe = p
		pid = os.Getpid()
		rep.InProcess = true
	}
	if pid != 0 {
		runtime.GC()
		debug.FreeOSMemory()
		time.Sleep(500 * time.Millisecond)
		rep.IdleRSS, _ = readRSS(pid, "VmRSS")
	}

	dd, err := db.Open(ctx, data, dbURL)
	if err != nil {
		return nil, err
	}
	defer dd.Close()
	dr := &Driver{URL: base, HTTP: NewHTTPClient(max(o.Clients, o.FanoutClients)), DB: dd, World: world,
		Clients: o.Clients, FanoutClients: o.FanoutClients, Duration: o.Duration}
	if err := makeTokens(ctx, dd, dr, o.Seed); err != nil {
		return nil, err
	}
	if contains(o.Scenarios, ScHomeDeep) {
		if err := dr.PrepareDeep(ctx); err != nil {
			return nil, err
		}
	}
	for _, name := range o.Scenarios {
		o.Log("run: %s (%d clients, %s)", name, o.Clients, o.Duration)
		stopProfile, err := startProfile(o.ProfileDir, name, probe != nil)
		if err != nil {
			return nil, err
		}
		r, extra := dr.Run(ctx, name)
		stopProfile()
		rep.Results = append(rep.Results, r)
		rep.Results = append(rep.Results, extra...)
		o.Log("run: %s: %d requests, %d errors, %.0f req/s, p99 %s", name, r.Requests, r.Errors, r.Rate(), r.Pct(99))
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if o.CompareSQL {
		o.Log("run: SQL comparison of fan-out on write and on read")
		rep.Results = append(rep.Results, dr.CompareSQL(ctx, max(o.Duration/5, 200*time.Millisecond))...)
	}
	if pid != 0 {
		rep.LoadRSS, _ = readRSS(pid, "VmRSS")
		rep.PeakRSS, _ = readRSS(pid, "VmHWM")
	}
	if contains(o.Scenarios, ScPost) || contains(o.Scenarios, ScPost5k) {
		rep.Queue = queueNote(ctx, dd)
	}
	switch {
	case o.QueueJobs <= 0:
	case probe == nil:
		rep.Queue += " The queue itself was not measured: it needs the in-process server."
	default:
		o.Log("run: queue (%d no-op jobs)", o.QueueJobs)
		lat, took, err := probe(ctx, o.QueueJobs)
		r := &Result{Name: ScQueue, Clients: 1, Requests: len(lat), Errors: o.QueueJobs - len(lat), Took: took, Lat: sortDurations(lat),
			Note: fmt.Sprintf("%d no-op River jobs enqueued 100 per transaction; req/s is jobs worked per second from the first enqueue to the last job done; latencies are each job's wait from enqueue to work", o.QueueJobs)}
		if err != nil {
			r.SampleError = err.Error()
		}
		rep.Results = append(rep.Results, r)
	}
	return rep, nil
}

// prepareDatabase returns the database URL (empty for SQLite) and data
// folder to use, creating a temporary folder and, for PostgreSQL, a fresh
// schema unless an external server's database was given.
func prepareDatabase(o Options) (dbURL, data string, cleanup func(), err error) {
	var undo []func()
	cleanup = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	data = o.Data
	if data == "" {
		if data, err = os.MkdirTemp("", "agora-bench-"); err != nil {
			return "", "", cleanup, err
		}
		if !o.Keep {
			dir := data // data, a named result, may be reset by an error return
			undo = append(undo, func() { os.RemoveAll(dir) })
		} else {
			o.Log("keeping data folder %s", data)
		}
	}
	switch o.Engine {
	case "sqlite":
		return "", data, cleanup, nil
	case "postgres":
	default:
		return "", "", cleanup, fmt.Errorf("-db: %q is not sqlite or postgres", o.Engine)
	}
	dbURL = o.DatabaseURL
	if dbURL == "" {
		dbURL = os.Getenv("AGORA_TEST_DATABASE_URL")
	}
	if dbURL == "" {
		dbURL = defaultPostgresURL
	}
	if o.URL != "" || o.ExistingSchema { // the external server's own database, or a test's schema
		return dbURL, data, cleanup, nil
	}
	admin, err := sql.Open("pgx", dbURL)
	if err != nil {
		return "", "", cleanup, err
	}
	var b [5]byte
	_, _ = rand.Read(b[:])
	schema := "bench_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		return "", "", cleanup, fmt.Errorf("create schema: %w", err)
	}
	undo = append(undo, func() {
		if !o.Keep {
			_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		} else {
			o.Log("keeping PostgreSQL schema %s", schema)
		}
		admin.Close()
	})
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", "", cleanup, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), data, cleanup, nil
}

// makeTokens creates one access token per reader in a random pool (at least
// one per client), plus the celebrities and some typical authors.
func makeTokens(ctx context.Context, d *db.DB, dr *Driver, seed uint64) error {
	w := dr.World
	n := len(w.AccountIDs)
	pool := min(n, max(4*dr.Clients, 500))
	st := store.New(d, nil)
	dr.Tokens = map[int]string{}
	mk := func(i int) error {
		if _, ok := dr.Tokens[i]; ok {
			return nil
		}
		tok := auth.NewSecret(32)
		err := st.CreateToken(ctx, auth.HashSecret(tok), &domain.Token{UserID: w.UserIDs[i], Scopes: domain.Scopes{"read", "write", "follow", "push"}})
		dr.Tokens[i] = tok
		return err
	}
	perm := permutation(n, seed)
	for _, i := range perm[:pool] {
		if err := mk(i); err != nil {
			return err
		}
		dr.Readers = append(dr.Readers, i)
	}
	for _, i := range w.Celebs {
		if err := mk(i); err != nil {
			return err
		}
	}
	for _, i := range w.Typical[:min(len(w.Typical), maxTypicalTokens)] {
		if err := mk(i); err != nil {
			return err
		}
	}
	return nil
}

// startProfile writes a CPU profile of the in-process server (and the load
// generator beside it) to dir/NAME.pprof until the returned func is called.
func startProfile(dir, name string, inProcess bool) (func(), error) {
	if dir == "" || !inProcess {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func permutation(n int, seed uint64) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	// Fisher-Yates with a small LCG: deterministic for a seed.
	x := seed*6364136223846793005 + 1442695040888963407
	for i := n - 1; i > 0; i-- {
		x = x*6364136223846793005 + 1442695040888963407
		j := int((x >> 33) % uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// readRSS reads a memory line (VmRSS, VmHWM) of /proc/PID/status, in bytes.
func readRSS(pid int, key string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			var kb int64
			_, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("%s not found", key)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package bench

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/store"
)

// IngestOptions shape the inbox ingest measurement: Actors remote actors,
// served with their keys by a local actor server on 127.0.0.2, each
// followed by Followers local accounts; Activities signed Create
// activities (public Notes), spread evenly over the actors, POSTed by
// Clients concurrent clients to the shared inbox of an in-process agora.
// The actors share one RSA key pair (generating thousands costs minutes);
// each has its own keyId, so the key cache and the verification work as
// for distinct keys.
type IngestOptions struct {
	Engine         string // sqlite | postgres
	DatabaseURL    string // PostgreSQL base URL; a fresh schema is made unless ExistingSchema
	ExistingSchema bool
	Data           string // data folder (default: a temporary one)
	Activities     int
	Actors         int
	Followers      int // local followers of every remote actor
	Clients        int
	// ProfileDir, when set, receives a CPU profile of the run
	// (DIR/ingest.pprof).
	ProfileDir string
	Log        func(format string, a ...any)
}

// IngestReport is the outcome of an ingest measurement.
type IngestReport struct {
	Opts     IngestOptions
	Inbox    time.Duration // from the first POST to the last 202
	EndToEnd time.Duration // from the first POST to the last note in every follower's home timeline
	Refused  int64         // POSTs not answered 202
	// CPU is the CPU time of this process (user and system) from the
	// first POST to the end: with other work on the machine, CPU per
	// activity compares runs better than rates do.
	CPU time.Duration
	// Load is the machine's load average over one minute at the end.
	Load string
	// DBCPU is, on PostgreSQL, the CPU time of the backends serving this
	// run's connections over the same span, when the server runs on this
	// machine (DBCPUKnown; ingest_pgcpu.go).
	DBCPU      time.Duration
	DBCPUKnown bool
}

// DBCPUPerActivity renders the database server's CPU per activity in
// milliseconds: "-" on SQLite (in the process), "?" when not measured.
func (r *IngestReport) DBCPUPerActivity() string {
	switch {
	case r.Opts.Engine != "postgres":
		return "-"
	case !r.DBCPUKnown:
		return "?"
	}
	return fmt.Sprintf("%.2f", float64(r.DBCPU.Microseconds())/1000/float64(r.Opts.Activities))
}

// CPUPerActivity is the process's CPU time per activity, in milliseconds
// (the database server's, on PostgreSQL, is not counted).
func (r *IngestReport) CPUPerActivity() float64 {
	return float64(r.CPU.Microseconds()) / 1000 / float64(r.Opts.Activities)
}

// InboxRate is the rate of 202 answers (verified, stored and enqueued
// activities) per second.
func (r *IngestReport) InboxRate() float64 {
	return float64(r.Opts.Activities-int(r.Refused)) / r.Inbox.Seconds()
}

// EndToEndRate is the rate of activities in their followers' home
// timelines per second.
func (r *IngestReport) EndToEndRate() float64 {
	return float64(r.Opts.Activities) / r.EndToEnd.Seconds()
}

// Markdown renders the report as a table row with its header.
func (r *IngestReport) Markdown() string {
	var b strings.Builder
	b.WriteString("| engine | activities | remote actors | local followers each | clients | inbox 202/s | end-to-end activities/s | process CPU ms/activity | PostgreSQL CPU ms/activity | load | cores | refused |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.0f | %.0f | %.2f | %s | %s | %d | %d |\n", r.Opts.Engine, r.Opts.Activities, r.Opts.Actors,
		r.Opts.Followers, r.Opts.Clients, r.InboxRate(), r.EndToEndRate(), r.CPUPerActivity(), r.DBCPUPerActivity(), r.Load,
		runtime.NumCPU(), r.Refused)
	return b.String()
}

// actorServer serves the remote actors' documents and WebFinger, and
// accepts whatever agora posts to their inboxes.
type actorServer struct {
	base, pub string
	posts     atomic.Int64
}

func (s *actorServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		_, _ = io.Copy(io.Discard, r.Body)
		s.posts.Add(1)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	host := strings.TrimPrefix(s.base, "http://")
	name, ok := strings.CutPrefix(r.URL.Path, "/users/")
	if r.URL.Path == "/.well-known/webfinger" {
		name, ok = strings.CutPrefix(r.URL.Query().Get("resource"), "acct:")
		name, ok = strings.CutSuffix(name, "@"+host)
		w.Header().Set("Content-Type", "application/jrd+json")
		_ = json.NewEncoder(w).Encode(map[string]any{"subject": "acct:" + name + "@" + host, "links": []map[string]string{
			{"rel": "self", "type": "application/activity+json", "href": s.base + "/users/" + name}}})
		return
	}
	if !ok || name == "" || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	id := s.base + "/users/" + name
	w.Header().Set("Content-Type", "application/activity+json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"@context": []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       id, "type": "Person", "preferredUsername": name, "inbox": id + "/inbox", "followers": id + "/followers",
		"endpoints": map[string]string{"sharedInbox": s.base + "/inbox"},
		"publicKey": map[string]string{"id": id + "#main-key", "owner": id, "publicKeyPem": s.pub},
	})
}

// Ingest runs the ingest measurement in this process.
func Ingest(ctx context.Context, o IngestOptions) (*IngestReport, error) {
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	if o.Activities < 1 || o.Actors < 1 || o.Followers < 1 || o.Clients < 1 {
		return nil, fmt.Errorf("ingest: want at least one activity, actor, follower and client")
	}
	dbURL, data, cleanup, err := prepareDatabase(Options{Engine: o.Engine, DatabaseURL: o.DatabaseURL,
		ExistingSchema: o.ExistingSchema, Data: o.Data, Log: o.Log})
	defer cleanup()
	if err != nil {
		return nil, err
	}
	appName := ingestAppName()
	if o.Engine == "postgres" {
		if dbURL, err = withAppName(dbURL, appName); err != nil {
			return nil, err
		}
	}
	pub, privPEM, err := httpsig.GenerateKey()
	if err != nil {
		return nil, err
	}
	priv, err := httpsig.ParsePrivateKey(privPEM)
	if err != nil {
		return nil, err
	}
	actorLn, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		return nil, fmt.Errorf("actor server on 127.0.0.2: %w", err)
	}
	actors := &actorServer{base: "http://" + actorLn.Addr().String(), pub: pub}
	actorSrv := &http.Server{Handler: actors, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = actorSrv.Serve(actorLn) }()
	defer actorSrv.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	vars := map[string]string{
		"AGORA_URL":                     base,
		"AGORA_DATA":                    data,
		"DATABASE_URL":                  dbURL,
		"AGORA_ALLOW_PRIVATE_ADDRESSES": "true", // the actor server is on loopback
		"AGORA_RATE_LIMITS":             "false",
		"AGORA_LOG_LEVEL":               "error",
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		return nil, err
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	a, err := app.Open(actx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, fmt.Errorf("open app: %w", err)
	}
	defer a.Close()
	if err := a.Start(actx); err != nil {
		return nil, fmt.Errorf("start app: %w", err)
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
		cancel()
		a.Stop(sctx)
	}()

	followers, err := seedIngestFollowers(ctx, a, actors.base, o)
	if err != nil {
		return nil, err
	}
	o.Log("ingest: %d remote actors followed by %d local accounts (%s); signing %d activities", o.Actors, o.Followers, o.Engine, o.Activities)
	reqs, err := signedCreates(actors.base, base+"/inbox", priv, o)
	if err != nil {
		return nil, err
	}

	stopProfile, err := startProfile(o.ProfileDir, "ingest", true)
	if err != nil {
		return nil, err
	}
	defer stopProfile()
	rep := &IngestReport{Opts: o}
	client := NewHTTPClient(o.Clients)
	var dbCPU0 map[int]time.Duration
	if o.Engine == "postgres" {
		dbCPU0, rep.DBCPUKnown = backendCPU(ctx, a.DB.W.DB, appName)
	}
	cpu0 := processCPU()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	var refused atomic.Int64
	for range o.Clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) || ctx.Err() != nil {
					return
				}
				code, err := reqs[i].post(ctx, client)
				if err != nil || code != http.StatusAccepted {
					if refused.Add(1); err != nil {
						firstErr.CompareAndSwap(nil, err.Error())
					} else {
						firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d", code))
					}
				}
			}
		})
	}
	wg.Wait()
	rep.Inbox = time.Since(start)
	rep.Refused = refused.Load()
	if rep.Refused > 0 {
		return nil, fmt.Errorf("ingest: %d activities refused (first: %v)", rep.Refused, firstErr.Load())
	}
	// An activity is marked processed after the transaction that stored
	// its note and fanned it out to its actor's followers' home
	// timelines: the run ends when none is pending. (It used to wait for
	// a home timeline to hold all the notes, which never happened when
	// the cleanup job trimmed the feeds to store.HomeFeedSize meanwhile.)
	// The poll counts the pending rows every 50 ms, so as not to take the
	// CPU it measures.
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var pending int
		if err := a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_activities WHERE processed_at IS NULL`).Scan(&pending); err != nil {
			return nil, err
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("ingest: %d of %d activities still pending after 10 minutes", pending, o.Activities)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	rep.EndToEnd = time.Since(start)
	rep.CPU = processCPU() - cpu0
	if rep.DBCPUKnown {
		rep.DBCPU, rep.DBCPUKnown = backendCPUSince(ctx, a.DB.W.DB, appName, dbCPU0)
	}
	rep.Load = loadAverage()
	// Every note is stored, and in the home timelines of its actor's
	// followers: all of them, or the newest store.HomeFeedSize if the
	// cleanup trimmed the feeds during the run.
	var notes int
	if err := a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM statuses WHERE local = $1`, false).Scan(&notes); err != nil {
		return nil, err
	}
	if notes != o.Activities {
		return nil, fmt.Errorf("ingest: %d notes stored, want %d", notes, o.Activities)
	}
	want := min(o.Activities, store.HomeFeedSize)
	for _, f := range followers {
		var n int
		err := a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM home_feed h JOIN statuses s ON s.id = h.status_id
			WHERE h.account_id = $1 AND s.local = $2`, int64(f), false).Scan(&n)
		if err != nil {
			return nil, err
		}
		if n < want || n > o.Activities {
			return nil, fmt.Errorf("ingest: %d notes in the home timeline of %d, want %d to %d", n, f, want, o.Activities)
		}
	}
	return rep, nil
}

// processCPU is the CPU time this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the one-minute load average ("?" where unknown).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// seedIngestFollowers creates the local followers and makes each follow
// every remote actor (resolved through WebFinger and the actor server, as
// a follow from the API would).
func seedIngestFollowers(ctx context.Context, a *app.App, actorBase string, o IngestOptions) ([]domain.ID, error) {
	host := strings.TrimPrefix(actorBase, "http://")
	var remotes []*domain.Account
	for i := range o.Actors {
		r, err := a.Fed.ResolveAccount(ctx, fmt.Sprintf("a%d", i), host)
		if err != nil {
			return nil, fmt.Errorf("resolve remote actor %d: %w", i, err)
		}
		remotes = append(remotes, r)
	}
	var ids []domain.ID
	for i := range o.Followers {
		name := fmt.Sprintf("reader%d", i)
		_, acct, err := a.Accounts.Register(ctx, accounts.SignUp{Username: name, Email: name + "@example.org",
			Password: "correct horse battery", ByAdmin: true})
		if err != nil {
			return nil, err
		}
		for _, r := range remotes {
			if _, err := a.Store.Follow(ctx, acct.ID, r.ID, store.FollowOptions{}); err != nil {
				return nil, err
			}
		}
		ids = append(ids, acct.ID)
	}
	return ids, nil
}

// signedPost is one activity ready to send: its body and signed headers.
type signedPost struct {
	url    string
	body   []byte
	header http.Header
}

func (p *signedPost) post(ctx context.Context, c *http.Client) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(p.body))
	if err != nil {
		return 0, err
	}
	req.Header = p.header.Clone()
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// signedCreates builds and signs the activities before the measurement
// (on every core), so that signing, the remote servers' work, is not
// counted.
func signedCreates(actorBase, inbox string, priv *rsa.PrivateKey, o IngestOptions) ([]*signedPost, error) {
	out := make([]*signedPost, o.Activities)
	now := time.Now().UTC()
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(out) {
					return
				}
				actor := fmt.Sprintf("%s/users/a%d", actorBase, i%o.Actors)
				note := fmt.Sprintf("%s/notes/%d", actor, i)
				body, _ := json.Marshal(map[string]any{
					"@context": "https://www.w3.org/ns/activitystreams",
					"id":       note + "/activity", "type": "Create", "actor": actor,
					"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []string{actor + "/followers"},
					"object": map[string]any{
						"id": note, "type": "Note", "attributedTo": actor, "url": note,
						"content":   fmt.Sprintf("<p>Note %d from the ingest benchmark, with a <a href=\"https://example.org/\">link</a> and #agora</p>", i),
						"to":        []string{"https://www.w3.org/ns/activitystreams#Public"},
						"cc":        []string{actor + "/followers"},
						"published": now.Format(time.RFC3339),
					},
				})
				req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
				if err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				req.Header.Set("Content-Type", "application/activity+json")
				if err := httpsig.Sign(req, actor+"#main-key", priv, body, now); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				out[i] = &signedPost{url: inbox, body: body, header: req.Header}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return nil, err
	}
	return out, nil
}

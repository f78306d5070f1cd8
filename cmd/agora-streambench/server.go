package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Report is the outcome of one measurement.
type Report struct {
	Options
	Seed, Connect   time.Duration // creating the accounts; connecting every client
	Latencies       []time.Duration
	Missing         int     // updates that did not arrive within the timeout
	HeapPerConn     float64 // server's Go heap and stacks, bytes per connection
	RSSPerConn      float64 // server's resident memory, bytes per connection
	ClientRSSPerCon float64 // the clients' process, bytes per connection
}

// Run starts a node, creates the accounts, connects the clients from a
// child process, posts and measures.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Clients < 1 || o.Posts < 1 || o.Sources < 1 || o.Sources > 254 {
		return nil, fmt.Errorf("need at least one client and post, and 1 to 254 sources")
	}
	if o.Stream != "user" && o.Stream != "public:local" {
		return nil, fmt.Errorf("stream must be user or public:local")
	}
	if o.Data == "" {
		dir, err := os.MkdirTemp("", "agora-streambench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		o.Data = dir
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a, base, stop, err := startNode(ctx, o.Data)
	if err != nil {
		return nil, err
	}
	defer stop()
	rep := &Report{Options: o}

	start := time.Now()
	poster, tokens, err := seedAccounts(ctx, a.Store, base, o)
	if err != nil {
		return nil, err
	}
	rep.Seed = time.Since(start)
	o.Log("created %d accounts in %s", o.Clients+1, rep.Seed.Round(time.Millisecond))
	tokenFile := filepath.Join(o.Data, "streambench-tokens")
	if err := os.WriteFile(tokenFile, []byte(strings.Join(tokens, "\n")), 0o600); err != nil {
		return nil, err
	}
	heap0, rss0 := serverMemory()

	start = time.Now()
	child, err := startClients(ctx, base, tokenFile, o)
	if err != nil {
		return nil, err
	}
	defer child.close()
	if _, err := child.expect("connected"); err != nil {
		return nil, err
	}
	for a.Stream.Subscribers() < o.Clients {
		if time.Since(start) > o.Timeout+time.Minute {
			return nil, fmt.Errorf("only %d of %d clients subscribed", a.Stream.Subscribers(), o.Clients)
		}
		time.Sleep(10 * time.Millisecond)
	}
	rep.Connect = time.Since(start)
	o.Log("%d clients connected and subscribed in %s", o.Clients, rep.Connect.Round(time.Millisecond))
	heap1, rss1 := serverMemory()
	rep.HeapPerConn = float64(heap1-heap0) / float64(o.Clients)
	rep.RSSPerConn = float64(rss1-rss0) / float64(o.Clients)
	child.send("mem")
	f, err := child.expect("rss")
	if err != nil {
		return nil, err
	}
	clientRSS, _ := strconv.ParseFloat(f[0], 64)
	rep.ClientRSSPerCon = clientRSS / float64(o.Clients)

	for i := range o.Posts {
		time.Sleep(time.Second) // the previous post's work settles
		t0 := time.Now()
		id, err := postStatus(ctx, base, poster, fmt.Sprintf("streaming bench post %d", i))
		if err != nil {
			return nil, err
		}
		child.send(fmt.Sprintf("wait %s %d", id, t0.UnixNano()))
		f, err := child.expect("lat")
		if err != nil {
			return nil, err
		}
		got := len(f) - 1
		rep.Missing += o.Clients - got
		var lat []time.Duration
		for _, v := range f[1:] {
			us, _ := strconv.ParseInt(v, 10, 64)
			lat = append(lat, time.Duration(us)*time.Microsecond)
		}
		slices.Sort(lat)
		rep.Latencies = append(rep.Latencies, lat...)
		if got > 0 {
			o.Log("post %d: %d clients, p50 %s, max %s", i+1, got, lat[got/2].Round(time.Millisecond), lat[got-1].Round(time.Millisecond))
		}
	}
	child.send("quit")
	return rep, child.wait()
}

// startNode runs agora in this process on a loopback port, on SQLite in
// data, with rate limits off, as agora serve would.
func startNode(ctx context.Context, data string) (*app.App, string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	base := "http://" + ln.Addr().String()
	vars := map[string]string{"AGORA_URL": base, "AGORA_ADDR": ln.Addr().String(), "AGORA_DATA": data,
		"AGORA_RATE_LIMITS": "false", "AGORA_LOG_LEVEL": "error"}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		ln.Close()
		return nil, "", nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	actx, cancel := context.WithCancel(ctx)
	a, err := app.Open(actx, cfg, log)
	if err != nil {
		cancel()
		ln.Close()
		return nil, "", nil, fmt.Errorf("open app: %w", err)
	}
	if err := a.Start(actx); err != nil {
		cancel()
		a.Close()
		ln.Close()
		return nil, "", nil, fmt.Errorf("start app: %w", err)
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return a, base, func() {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = srv.Close() // hijacked WebSockets are the clients' to close
		cancel()
		a.Stop(sctx)
		a.Close()
	}, nil
}

// seedAccounts creates the poster and one reader per client (following
// the poster for the user stream), and returns their tokens.
func seedAccounts(ctx context.Context, st *store.Store, base string, o Options) (string, []string, error) {
	newUser := func(name string, scopes domain.Scopes) (*domain.User, string, error) {
		u, _, err := st.CreateLocalUser(ctx, store.NewLocalUser{Username: name, Email: name + "@example.org",
			PasswordHash: "x", Approved: true, Confirmed: true, BaseURL: base})
		if err != nil {
			return nil, "", fmt.Errorf("create %s: %w", name, err)
		}
		tok := auth.NewSecret(32)
		if err := st.CreateToken(ctx, auth.HashSecret(tok), &domain.Token{UserID: u.ID, Scopes: scopes}); err != nil {
			return nil, "", err
		}
		return u, tok, nil
	}
	poster, posterToken, err := newUser("poster", domain.Scopes{"read", "write"})
	if err != nil {
		return "", nil, err
	}
	tokens := make([]string, o.Clients)
	for i := range tokens {
		u, tok, err := newUser(fmt.Sprintf("reader%d", i), domain.Scopes{"read"})
		if err != nil {
			return "", nil, err
		}
		if o.Stream == "user" {
			if _, err := st.Follow(ctx, u.AccountID, poster.AccountID, store.FollowOptions{}); err != nil {
				return "", nil, err
			}
		}
		tokens[i] = tok
		if (i+1)%2000 == 0 {
			o.Log("created %d readers", i+1)
		}
	}
	return posterToken, tokens, nil
}

func postStatus(ctx context.Context, base, token, text string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/statuses",
		strings.NewReader(url.Values{"status": {text}, "visibility": {"public"}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var st struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil || res.StatusCode != http.StatusOK || st.ID == "" {
		return "", fmt.Errorf("post status: %s, %v", res.Status, err)
	}
	return st.ID, nil
}

// serverMemory returns this process's Go heap and stacks in use after a
// collection, and its resident memory (VmRSS), in bytes.
func serverMemory() (heap, rss int64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse), residentMemory()
}

// residentMemory reads VmRSS from /proc/self/status (Linux); 0 elsewhere.
func residentMemory() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// clientsProcess is the child running the clients, spoken to in lines.
type clientsProcess struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startClients(ctx context.Context, base, tokenFile string, o Options) (*clientsProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "-url", base, "-tokens", tokenFile, "-stream", o.Stream,
		"-sources", strconv.Itoa(o.Sources), "-timeout", o.Timeout.String())
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start clients: %w", err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 16<<20) // a "lat" line holds one number per client
	return &clientsProcess{cmd: cmd, in: in, out: sc}, nil
}

func (p *clientsProcess) send(line string) { _, _ = io.WriteString(p.in, line+"\n") }

// expect reads the next line, which must start with word, and returns its
// other fields.
func (p *clientsProcess) expect(word string) ([]string, error) {
	if !p.out.Scan() {
		return nil, fmt.Errorf("clients process ended before %q: %v", word, p.out.Err())
	}
	f := strings.Fields(p.out.Text())
	if len(f) == 0 || f[0] != word {
		return nil, fmt.Errorf("clients process said %q, want %q", p.out.Text(), word)
	}
	return f[1:], nil
}

func (p *clientsProcess) wait() error {
	p.in.Close()
	if err := p.cmd.Wait(); err != nil {
		return fmt.Errorf("clients process: %w", err)
	}
	return nil
}

func (p *clientsProcess) close() {
	p.in.Close()
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// DeliveryOptions shape the delivery measurement: one local author with
// Inboxes remote followers, each with its own inbox (shared inboxes off),
// served by sinks on Hosts loopback addresses (127.0.0.1 ... 127.0.0.N, so
// that the per-host limit applies as on the real fediverse); Posts posts,
// each timed from the API call to the last inbox receiving it.
type DeliveryOptions struct {
	Engine         string // sqlite | postgres
	DatabaseURL    string // PostgreSQL base URL; a fresh schema is made unless ExistingSchema
	ExistingSchema bool
	Data           string // data folder (default: a temporary one)
	Inboxes        int
	Hosts          int
	Posts          int
	Log            func(format string, a ...any)
}

// DeliveryReport is the outcome of a delivery measurement.
type DeliveryReport struct {
	Opts       DeliveryOptions
	PerPost    []time.Duration // from posting to the last inbox, per post
	Deliveries int64           // signed POSTs received
	Took       time.Duration   // all posts
}

// Delivery runs the delivery measurement in this process.
func Delivery(ctx context.Context, o DeliveryOptions) (*DeliveryReport, error) {
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	if o.Inboxes < 1 || o.Hosts < 1 || o.Hosts > 250 || o.Posts < 1 {
		return nil, fmt.Errorf("delivery: want at least one inbox and post, and 1 to 250 hosts")
	}
	dbURL, data, cleanup, err := prepareDatabase(Options{Engine: o.Engine, DatabaseURL: o.DatabaseURL,
		ExistingSchema: o.ExistingSchema, Data: o.Data, Log: o.Log})
	defer cleanup()
	if err != nil {
		return nil, err
	}
	var received atomic.Int64
	sink := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodPost && r.Header.Get("Signature") != "" {
			received.Add(1)
		}
		w.WriteHeader(http.StatusAccepted)
	})
	var hosts []string
	for i := 1; i <= o.Hosts; i++ {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i))
		if err != nil {
			return nil, fmt.Errorf("sink on 127.0.0.%d: %w", i, err)
		}
		srv := &http.Server{Handler: sink, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		hosts = append(hosts, "http://"+ln.Addr().String())
	}
	vars := map[string]string{
		"AGORA_URL":                     "http://127.0.0.1:1", // nothing fetches from agora here
		"AGORA_DATA":                    data,
		"DATABASE_URL":                  dbURL,
		"AGORA_ALLOW_PRIVATE_ADDRESSES": "true", // the sinks are on loopback
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
	defer func() {
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		cancel()
		a.Stop(sctx)
	}()
	author, err := seedFollowers(ctx, a, hosts, o.Inboxes)
	if err != nil {
		return nil, err
	}
	o.Log("delivery: %d followers on %d hosts seeded (%s)", o.Inboxes, o.Hosts, o.Engine)
	sv := statuses.New(a.Cfg, a.Store)
	rep := &DeliveryReport{Opts: o}
	start := time.Now()
	for i := range o.Posts {
		t0 := time.Now()
		if _, err := sv.Post(ctx, author, domain.Preferences{}, statuses.PostInput{Text: fmt.Sprint("post ", i), Visibility: "public"}); err != nil {
			return nil, err
		}
		want := int64(o.Inboxes * (i + 1))
		deadline := t0.Add(5 * time.Minute)
		for received.Load() < want {
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("post %d: %d of %d deliveries after 5 minutes", i, received.Load()-int64(o.Inboxes*i), o.Inboxes)
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			time.Sleep(2 * time.Millisecond)
		}
		rep.PerPost = append(rep.PerPost, time.Since(t0))
	}
	rep.Took = time.Since(start)
	rep.Deliveries = received.Load()
	return rep, nil
}

// seedFollowers creates the author and n remote followers spread over hosts.
func seedFollowers(ctx context.Context, a *app.App, hosts []string, n int) (*domain.Account, error) {
	_, author, err := a.Accounts.Register(ctx, accounts.SignUp{Username: "author", Email: "author@example.org",
		Password: "correct horse battery", ByAdmin: true})
	if err != nil {
		return nil, err
	}
	for i := range n {
		base := hosts[i%len(hosts)]
		name := fmt.Sprintf("f%d", i)
		uri := base + "/users/" + name
		acct := &domain.Account{Username: name, Domain: strings.TrimPrefix(base, "http://"), URI: uri, InboxURL: uri + "/inbox"}
		if err := a.Store.UpsertRemoteAccount(ctx, &store.RemoteAccount{Account: acct}); err != nil {
			return nil, err
		}
		if _, err := a.Store.Follow(ctx, acct.ID, author.ID, store.FollowOptions{}); err != nil {
			return nil, err
		}
	}
	return author, nil
}

// Mean is the mean time from posting to the last inbox.
func (r *DeliveryReport) Mean() time.Duration {
	var sum time.Duration
	for _, d := range r.PerPost {
		sum += d
	}
	return sum / time.Duration(max(len(r.PerPost), 1))
}

// Markdown renders the report as a table row with its header.
func (r *DeliveryReport) Markdown() string {
	sorted := slices.Clone(r.PerPost)
	slices.Sort(sorted)
	var b strings.Builder
	b.WriteString("| engine | inboxes | hosts | posts | mean per post | slowest post | deliveries/s |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %s | %d | %d | %d | %.2f s | %.2f s | %.0f |\n", r.Opts.Engine, r.Opts.Inboxes, r.Opts.Hosts, r.Opts.Posts,
		r.Mean().Seconds(), sorted[len(sorted)-1].Seconds(), float64(r.Deliveries)/r.Took.Seconds())
	return b.String()
}

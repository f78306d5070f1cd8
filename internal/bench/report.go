package bench

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
)

// Report is the outcome of one run.
type Report struct {
	Opts      Options
	Engine    string
	Started   time.Time
	Sizes     Sizes
	World     *World
	SeedTook  time.Duration
	InProcess bool
	IdleRSS   int64 // bytes, 0 when unknown
	LoadRSS   int64
	PeakRSS   int64
	Results   []*Result
	Queue     string
}

// Failed lists the scenarios with errors or without a single request.
func (r *Report) Failed() []string {
	var out []string
	for _, x := range r.Results {
		if x.Errors > 0 || x.Requests == 0 {
			out = append(out, fmt.Sprintf("%s: %d requests, %d errors (%s)", x.Name, x.Requests, x.Errors, x.SampleError))
		}
	}
	return out
}

// Result returns the result of the named scenario, or nil.
func (r *Report) Result(name string) *Result {
	for _, x := range r.Results {
		if x.Name == name {
			return x
		}
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// Markdown renders the report.
func (r *Report) Markdown() string {
	var b strings.Builder
	o := r.Opts
	fmt.Fprintf(&b, "## agora-bench, %s, %s\n\n", r.Engine, r.Started.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "Machine: %d cores (GOMAXPROCS %d), %s, %s/%s. ", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	where := "in-process server on 127.0.0.1"
	if !r.InProcess {
		where = "external server " + o.URL
	}
	fmt.Fprintf(&b, "Server: %s, rate limits off. Clients: %d keep-alive HTTP clients (post-5k: %d), %s per scenario.\n\n",
		where, o.Clients, o.FanoutClients, o.Duration)
	w := r.World
	follows := 0
	for _, f := range w.Following {
		follows += len(f)
	}
	maxFollowers := 0
	for _, f := range w.Followers {
		maxFollowers = max(maxFollowers, f)
	}
	fmt.Fprintf(&b, "Data: %d accounts, %d follows (%d authors with %d followers; %d readers following %d; others %d-%d; most-followed account: %d followers), %d statuses over %d days, %d home_feed rows (newest %d per reader).\n\n",
		len(w.AccountIDs), follows, len(w.Celebs), r.Sizes.CelebFollowers, len(w.Heavy), r.Sizes.HeavyFollowing,
		r.Sizes.MinFollowing, r.Sizes.MaxFollowing, maxFollowers, r.Sizes.Statuses, r.Sizes.Days, w.Rows["home_feed"], r.Sizes.FeedSize)

	fmt.Fprintf(&b, "Seeding took %s:\n\n| step | rows | time | rows/s |\n| --- | ---: | ---: | ---: |\n", r.SeedTook.Round(100*time.Millisecond))
	for _, t := range w.Timings {
		rate := "-"
		if t.Rows > 0 {
			rate = fmt.Sprintf("%.0f", float64(t.Rows)/t.Took.Seconds())
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", t.Step, t.Rows, t.Took.Round(10*time.Millisecond), rate)
	}
	b.WriteString("\n| scenario | clients | requests | errors | req/s | p50 | p90 | p99 | max |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, x := range r.Results {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.0f | %s | %s | %s | %s |\n", x.Name, x.Clients, x.Requests, x.Errors, x.Rate(),
			ms(x.Pct(50)), ms(x.Pct(90)), ms(x.Pct(99)), ms(x.Pct(100)))
	}
	b.WriteString("\n")
	for _, x := range r.Results {
		if x.Note != "" {
			fmt.Fprintf(&b, "- %s: %s.\n", x.Name, x.Note)
		}
		if x.SampleError != "" {
			fmt.Fprintf(&b, "- %s: sample error: `%s`\n", x.Name, strings.ReplaceAll(x.SampleError, "`", "'"))
		}
	}
	switch {
	case r.IdleRSS == 0:
		b.WriteString("- Memory: unknown (external server without -pid).\n")
	case r.InProcess:
		fmt.Fprintf(&b, "- Memory (VmRSS of this process, which holds the server and the load generator): %s at idle after seeding, %s after the load, peak %s.\n",
			mib(r.IdleRSS), mib(r.LoadRSS), mib(r.PeakRSS))
	default:
		fmt.Fprintf(&b, "- Memory (VmRSS of pid %d): %s at idle, %s after the load, peak %s.\n", o.PID, mib(r.IdleRSS), mib(r.LoadRSS), mib(r.PeakRSS))
	}
	if r.Queue != "" {
		fmt.Fprintf(&b, "- Job queue: %s\n", r.Queue)
	}
	return b.String()
}

// queueNote describes River's job table after the posting scenarios: the
// jobs the posts left and how many are still waiting.
func queueNote(ctx context.Context, d *db.DB) string {
	rows, err := d.R.QueryContext(ctx, `SELECT kind, state, count(*) FROM river_job GROUP BY kind, state ORDER BY kind, state`)
	if err != nil {
		return "no river_job table (no job queue in this build): not measured."
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var kind, state string
		var n int
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return "reading river_job: " + err.Error()
		}
		parts = append(parts, fmt.Sprintf("%s/%s: %d", kind, state, n))
	}
	if len(parts) == 0 {
		return "river_job exists but the posts enqueued no jobs."
	}
	return "jobs by kind/state after the run: " + strings.Join(parts, ", ") + "."
}

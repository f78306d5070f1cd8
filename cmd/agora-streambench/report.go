package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Percentile returns the p-th (0 to 1) of the sorted latencies.
func (r *Report) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[int(p*float64(len(r.Latencies)-1))]
}

// Markdown renders the report as the table in docs/performance.md.
func (r *Report) Markdown() string {
	lat := slices.Clone(r.Latencies)
	slices.Sort(lat)
	sorted := &Report{Latencies: lat}
	var b strings.Builder
	fmt.Fprintf(&b, "accounts created in %s; %d clients connected and subscribed in %s from %d source addresses\n\n",
		r.Seed.Round(time.Second), r.Clients, r.Connect.Round(time.Millisecond), r.Sources)
	b.WriteString("| stream | clients | posts | updates received | p50 | p99 | max | server heap / conn | server RSS / conn | client RSS / conn |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| `%s` | %d | %d | %d of %d | %s | %s | %s | %.1f KiB | %.1f KiB | %.1f KiB |\n",
		r.Stream, r.Clients, r.Posts, len(lat), r.Clients*r.Posts,
		ms(sorted.Percentile(0.5)), ms(sorted.Percentile(0.99)), ms(sorted.Percentile(1)),
		r.HeapPerConn/1024, r.RSSPerConn/1024, r.ClientRSSPerCon/1024)
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }

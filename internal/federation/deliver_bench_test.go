package federation_test

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/bench"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/storetest"
)

// BenchmarkDeliverPost measures, end to end through the job queue, the
// delivery of b.N posts to 1,000 remote inboxes (shared inboxes off) on 10
// loopback hosts: store transaction, publish job, 1,000 delivery jobs,
// signing and POSTs, timed from posting to the last inbox receiving it.
// The same measurement is agora-bench -delivery 1000. ns/op includes the
// seeding of the followers; s/post is the figure to read.
func BenchmarkDeliverPost(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			o := bench.DeliveryOptions{Engine: string(d), Data: b.TempDir(), Inboxes: 1000, Hosts: 10, Posts: b.N}
			if d == db.Postgres {
				u, err := storetest.NewSchemaURL(b)
				if err != nil {
					b.Fatal(err)
				}
				o.DatabaseURL, o.ExistingSchema = u, true
			}
			rep, err := bench.Delivery(context.Background(), o)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(rep.Mean().Seconds(), "s/post")
			b.ReportMetric(float64(rep.Deliveries)/rep.Took.Seconds(), "deliveries/s")
		})
	}
}

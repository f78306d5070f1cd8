package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/storetest"
)

// TestIngestTiny runs the ingest measurement at a tiny size on both
// engines: every signed activity is accepted and reaches the home
// timelines of its actor's local followers.
func TestIngestTiny(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			o := IngestOptions{Engine: engine, Data: t.TempDir(), Activities: 60, Actors: 3, Followers: 2, Clients: 4, Log: t.Logf}
			if engine == "postgres" {
				u, err := storetest.NewSchemaURL(t)
				if err != nil {
					t.Fatal(err)
				}
				o.DatabaseURL, o.ExistingSchema = u, true
			}
			rep, err := Ingest(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			md := rep.Markdown()
			t.Log("\n" + md)
			if rep.Refused != 0 || rep.Inbox <= 0 || rep.EndToEnd < rep.Inbox || !strings.Contains(md, "| "+engine+" | 60 | 3 | 2 | 4 |") {
				t.Errorf("report: %+v\n%s", rep, md)
			}
		})
	}
}

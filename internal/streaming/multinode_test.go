package streaming_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
)

// secondNode starts another agora on the same PostgreSQL schema as s, as a
// second `agora serve` behind a load balancer would be.
func secondNode(t *testing.T, s *apitest.Server) *apitest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	vars := map[string]string{
		"AGORA_URL": s.App.Cfg.URL, "AGORA_DATA": t.TempDir(), "DATABASE_URL": s.App.Cfg.DatabaseURL,
		"AGORA_ALLOW_PRIVATE_ADDRESSES": "true", "AGORA_LOG_LEVEL": "error",
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = a.Handler()
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		cancel()
		a.Stop(context.Background())
		a.Close()
	})
	return &apitest.Server{Server: ts, App: a}
}

func TestTwoNodes(t *testing.T) {
	s := apitest.Start(t, db.Postgres)
	node2 := secondNode(t, s)
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)

	c := dial(t, node2, "?stream=user", bob.Token)
	c.send(map[string]string{"type": "subscribe", "stream": "public:local"})
	c.sync()
	id := post(t, s, alice, "from node 1 @bob", "public")
	evs := c.collect(3)
	slices.SortFunc(evs, func(a, b event) int { return compare(a.Event+a.Stream[0], b.Event+b.Stream[0]) })
	if evs[0].Event != "notification" || evs[1].Event != "update" || evs[2].Event != "update" {
		t.Fatalf("got %s %s %s, want a notification and two updates", evs[0].raw, evs[1].raw, evs[2].raw)
	}
	for _, e := range evs[1:] {
		if e.status(t)["id"] != id {
			t.Fatalf("got %s, want status %s", e.raw, id)
		}
	}
	if evs[1].Stream[0] != "public:local" || evs[2].Stream[0] != "user" {
		t.Fatalf("streams: got %v and %v", evs[1].Stream, evs[2].Stream)
	}
	// And the other way, a delete from node 2 reaches a client on node 1.
	c1 := dial(t, s, "?stream=public:local", bob.Token)
	c1.sync()
	node2.Must(t, 200, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil)
	if e := c1.next(); e.Event != "delete" || e.Payload == nil || *e.Payload != id {
		t.Fatalf("got %s, want the delete of %s", e.raw, id)
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/bench"
	"github.com/agora-social/agora/internal/storetest"
)

// testScenarios are the scenarios whose endpoints exist; the others would
// answer 404, which the tool counts as errors.
var testScenarios = bench.AllScenarios

// TestBenchTiny runs the whole tool at a tiny size on both engines, so that
// `make test` keeps it working: every scenario must answer without errors.
func TestBenchTiny(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			o := bench.Options{
				Accounts: 200, Statuses: 2000, Clients: 4, FanoutClients: 1, Duration: time.Second,
				Engine: engine, Data: t.TempDir(), Scenarios: testScenarios, QueueJobs: 200, CompareSQL: true, Seed: 3, Start: startServer, Log: t.Logf,
			}
			if engine == "postgres" {
				u, err := storetest.NewSchemaURL(t)
				if err != nil {
					t.Fatal(err)
				}
				o.DatabaseURL, o.ExistingSchema = u, true
			}
			rep, err := bench.Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			md := rep.Markdown()
			t.Log("\n" + md)
			if f := rep.Failed(); len(f) > 0 {
				t.Errorf("scenarios failed:\n%s", strings.Join(f, "\n"))
			}
			for _, s := range append(testScenarios, bench.ScQueue) {
				if r := rep.Result(s); r == nil || !strings.Contains(md, "| "+s+" |") {
					t.Errorf("scenario %s missing from the report", s)
				}
			}
			if rep.IdleRSS <= 0 {
				t.Errorf("idle memory not measured")
			}
		})
	}
}

// TestFlags checks the size flags and the refusal of bad input.
func TestFlags(t *testing.T) {
	var out, errs strings.Builder
	err := mainErr(context.Background(), []string{"-tiny", "-scenarios", "nope"}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), `unknown scenario "nope"`) {
		t.Errorf("unknown scenario: got %v", err)
	}
	err = mainErr(context.Background(), []string{"-tiny", "-db", "oracle"}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "oracle") {
		t.Errorf("bad engine: got %v", err)
	}
}

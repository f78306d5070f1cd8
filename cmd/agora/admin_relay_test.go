package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
)

// TestAdminRelay runs the relay commands on a fresh SQLite data folder:
// add (subscribing: the Follow is queued), list, disable, enable, remove,
// refusals, and the audit entries.
func TestAdminRelay(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"AGORA_DATA": t.TempDir(), "AGORA_URL": "https://agora.example"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	run := func(args ...string) (string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := adminRelay(ctx, cfg, log, args, &out, &errOut)
		return out.String(), err
	}
	mustRun := func(want string, args ...string) {
		t.Helper()
		out, err := run(args...)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("relay %v = %q, %v; want %q", args, out, err, want)
		}
	}
	mustRun("no relays", "list")
	mustRun("added https://relay.example/inbox (pending)", "add", "https://Relay.example/inbox")
	mustRun("https://relay.example/inbox  pending", "list")
	mustRun("disabled https://relay.example/inbox (idle)", "disable", "https://relay.example/inbox")
	mustRun("enabled https://relay.example/inbox (pending)", "enable", "https://relay.example/inbox")
	mustRun("removed https://relay.example/inbox", "remove", "https://relay.example/inbox")
	mustRun("no relays", "list")
	for _, bad := range [][]string{{}, {"frobnicate"}, {"add"}, {"add", "not a url"}, {"remove", "https://unknown.example/inbox"}, {"list", "x"}} {
		if _, err := run(bad...); err == nil {
			t.Errorf("relay %v: no error", bad)
		}
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	count := func(q string) int {
		var n int
		if err := a.DB.R.QueryRowContext(ctx, q).Scan(&n); err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM moderation_audit_log WHERE action LIKE 'relay.%' AND account_id IS NULL`); n != 5 {
		t.Errorf("audit entries by the operator = %d, want 5", n)
	}
	// Follow, Undo, Follow, Undo: four deliveries from the instance actor.
	if n := count(`SELECT COUNT(*) FROM river_job WHERE kind = 'federation.deliver'`); n != 4 {
		t.Errorf("queued deliveries = %d, want 4", n)
	}
}

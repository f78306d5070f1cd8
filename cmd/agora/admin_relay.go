package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/federation"
	"github.com/agora-social/agora/internal/relays"
	"github.com/agora-social/agora/internal/store"
)

const relayUsage = `usage: agora admin relay SUBCOMMAND
  add INBOX_URL       add a relay and subscribe to it (the Follow goes out from the running server)
  list                the relays and the state of each subscription
  disable INBOX_URL   unsubscribe (an Undo of the Follow), keeping the relay in the list
  enable INBOX_URL    subscribe again
  remove INBOX_URL    unsubscribe and remove the relay
`

// adminRelay manages the relays the server subscribes to
// (docs/administration.md, "Relays"), as the operator: audited like the
// admin page's actions, with no account.
func adminRelay(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, relayUsage)
		return errors.New("relay: give a subcommand: add, list, enable, disable or remove")
	}
	cmd, args := args[0], args[1:]
	want := 1
	if cmd == "list" {
		want = 0
	}
	switch cmd {
	case "add", "list", "enable", "disable", "remove":
	default:
		fmt.Fprint(stderr, relayUsage)
		return fmt.Errorf("relay: unknown subcommand %q", cmd)
	}
	if len(args) != want {
		fmt.Fprint(stderr, relayUsage)
		if want == 0 {
			return fmt.Errorf("relay %s takes no argument", cmd)
		}
		return fmt.Errorf("relay %s: give the relay's inbox URL", cmd)
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	// The command does not run the job queue: an insert-only client
	// queues the Follow or Undo, which the running server delivers.
	var driver riverdriver.Driver[*sql.Tx] = riverdatabasesql.New(a.DB.W.DB)
	if a.DB.Dialect == db.SQLite {
		driver = riversqlite.New(a.DB.W.DB)
	}
	client, err := river.NewClient(driver, &river.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	a.Store.Federator = relayInserter{client: client, baseURL: cfg.URL}
	svc, op := &relays.Service{Store: a.Store, BaseURL: cfg.URL}, relays.Operator()
	if cmd == "list" {
		list, err := svc.List(ctx, op)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(stdout, "no relays")
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "INBOX\tSTATE\tRELAY ACTOR\tSINCE")
		for _, r := range list {
			actor := r.ActorURI
			if actor == "" {
				actor = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.InboxURL, r.State, actor, r.CreatedAt.Format("2006-01-02"))
		}
		return tw.Flush()
	}
	if cmd == "add" {
		r, err := svc.Add(ctx, op, args[0], true)
		if err != nil {
			return fmt.Errorf("relay add: %w", err)
		}
		fmt.Fprintf(stdout, "added %s (%s): the server subscribes when it runs\n", r.InboxURL, r.State)
		return nil
	}
	r, err := svc.ByInbox(ctx, op, args[0])
	if err != nil {
		return fmt.Errorf("relay %s: %s: %w", cmd, args[0], err)
	}
	switch cmd {
	case "remove":
		if _, err := svc.Remove(ctx, op, r.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed %s\n", r.InboxURL)
	default:
		r, err = svc.SetEnabled(ctx, op, r.ID, cmd == "enable")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s (%s)\n", cmd, r.InboxURL, r.State)
	}
	return nil
}

// relayInserter is the Federator of the relay command: it queues relay
// Follows and Undos, and refuses anything else (the command changes
// nothing else).
type relayInserter struct {
	client  *river.Client[*sql.Tx]
	baseURL string
}

func (f relayInserter) Federate(context.Context, *sql.Tx, store.Outgoing) error {
	return errors.New("relay command: only relay subscriptions are sent from here")
}

func (f relayInserter) FederateRelay(ctx context.Context, tx *sql.Tx, r *store.Relay, follow bool) error {
	args, err := federation.RelayDelivery(f.baseURL, r, follow)
	if err != nil {
		return err
	}
	_, err = f.client.InsertTx(ctx, tx, args, &river.InsertOpts{MaxAttempts: federation.DeliveryMaxAttempts})
	return err
}

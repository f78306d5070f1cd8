package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// relayFederator records what the store asks to send.
type relayFederator struct {
	sent []string
	fail bool
}

func (f *relayFederator) Federate(context.Context, *sql.Tx, store.Outgoing) error { return nil }

func (f *relayFederator) FederateRelay(_ context.Context, _ *sql.Tx, r *store.Relay, follow bool) error {
	if f.fail {
		return errors.New("queue down")
	}
	what := "Undo " + r.FollowActivityID
	if follow {
		what = "Follow " + r.FollowActivityID
	}
	f.sent = append(f.sent, what)
	return nil
}

func TestRelaysLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		fed := &relayFederator{}
		st.Federator = fed
		audits := 0
		audit := func(*sql.Tx, *store.Relay) error { audits++; return nil }

		r, err := st.AddRelay(ctx, "https://relay.example/inbox", audit)
		if err != nil || r.State != store.RelayIdle {
			t.Fatalf("AddRelay = %+v, %v", r, err)
		}
		if _, err := st.AddRelay(ctx, "https://relay.example/inbox", audit); domain.KindOf(err) != domain.KindConflict {
			t.Errorf("adding again: err = %v, want a conflict", err)
		}
		// Enable: a pending Follow, sent once.
		r, err = st.SetRelayEnabled(ctx, r.ID, true, "https://agora.example/actor#relays/1", audit)
		if err != nil || r.State != store.RelayPending {
			t.Fatalf("enable = %+v, %v", r, err)
		}
		if _, err := st.SetRelayEnabled(ctx, r.ID, true, "https://agora.example/actor#relays/2", audit); err != nil {
			t.Fatal(err)
		}
		if got, want := len(fed.sent), 1; got != want {
			t.Errorf("sent %v, want one Follow", fed.sent)
		}
		// An answer to another Follow changes nothing; the right one does.
		if _, err := st.AnswerRelay(ctx, "https://agora.example/other", "https://relay.example/actor", true); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("answer to another Follow: err = %v", err)
		}
		r, err = st.AnswerRelay(ctx, "https://agora.example/actor#relays/1", "https://relay.example/actor", true)
		if err != nil || r.State != store.RelayAccepted || r.ActorURI != "https://relay.example/actor" {
			t.Fatalf("accept = %+v, %v", r, err)
		}
		acc, err := st.AcceptedRelays(ctx)
		if err != nil || len(acc) != 1 || acc[0].InboxURL != "https://relay.example/inbox" {
			t.Errorf("AcceptedRelays = %v, %v", acc, err)
		}
		// Disable: an Undo of that Follow; the relay is idle and no
		// longer gets posts.
		if r, err = st.SetRelayEnabled(ctx, r.ID, false, "", audit); err != nil || r.State != store.RelayIdle {
			t.Fatalf("disable = %+v, %v", r, err)
		}
		if acc, _ := st.AcceptedRelays(ctx); len(acc) != 0 {
			t.Errorf("AcceptedRelays after disable = %v", acc)
		}
		// A late Accept of the undone Follow changes nothing.
		if _, err := st.AnswerRelay(ctx, "https://agora.example/actor#relays/1", "https://relay.example/actor", true); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("late accept: err = %v", err)
		}
		// Enabled again then deleted: the delete sends the Undo.
		if _, err := st.SetRelayEnabled(ctx, r.ID, true, "https://agora.example/actor#relays/3", audit); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DeleteRelay(ctx, r.ID, audit); err != nil {
			t.Fatal(err)
		}
		want := []string{"Follow https://agora.example/actor#relays/1", "Undo https://agora.example/actor#relays/1",
			"Follow https://agora.example/actor#relays/3", "Undo https://agora.example/actor#relays/3"}
		if len(fed.sent) != len(want) {
			t.Fatalf("sent %v, want %v", fed.sent, want)
		}
		for i := range want {
			if fed.sent[i] != want[i] {
				t.Errorf("sent[%d] = %q, want %q", i, fed.sent[i], want[i])
			}
		}
		if _, err := st.Relay(ctx, r.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("deleted relay: err = %v", err)
		}
		// add, enable, disable, enable, delete: the repeated enable and the
		// refused add are not audited.
		if audits != 5 {
			t.Errorf("audits = %d, want 5", audits)
		}
	})
}

func TestRelayEnableRollsBackWhenTheQueueFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		fed := &relayFederator{fail: true}
		st.Federator = fed
		r, err := st.AddRelay(ctx, "https://relay.example/inbox", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetRelayEnabled(ctx, r.ID, true, "https://agora.example/actor#relays/1", nil); err == nil {
			t.Fatal("enable succeeded without its Follow")
		}
		if got, _ := st.Relay(ctx, r.ID); got.State != store.RelayIdle {
			t.Errorf("state = %q, want idle", got.State)
		}
		st.Federator = nil
		if _, err := st.SetRelayEnabled(ctx, r.ID, true, "https://agora.example/actor#relays/1", nil); domain.KindOf(err) != domain.KindUnavailable {
			t.Errorf("without federation: err = %v, want unavailable", err)
		}
	})
}

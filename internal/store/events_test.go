package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

type recordingSink struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recordingSink) Publish(ev Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, ev)
}

func (r *recordingSink) got() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.evs...)
}

// TestEventsAfterCommitOnly: an event emitted in a transaction reaches
// subscribers once it commits, and never when it rolls back.
func TestEventsAfterCommitOnly(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range storetest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			var (
				d      *db.DB
				listen *pgx.Conn
				sink   = &recordingSink{}
			)
			if dialect == db.Postgres {
				u, err := storetest.NewSchemaURL(t)
				if err != nil {
					t.Fatal(err)
				}
				if d, err = db.Open(ctx, "", u); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				s := New(d, nil)
				ch, err := s.EventChannel(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if listen, err = pgx.Connect(ctx, u); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { listen.Close(ctx) })
				if _, err := listen.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
					t.Fatal(err)
				}
			} else {
				d = storetest.Open(t, dialect)
			}
			s := New(d, nil)
			s.Events = sink
			boom := errors.New("boom")
			err := s.Tx(ctx, func(tx *sql.Tx) error {
				if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: 1}); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("got %v, want the rollback", err)
			}
			err = s.Tx(ctx, func(tx *sql.Tx) error {
				if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: 2, Account: 7}); err != nil {
					return err
				}
				if len(sink.got()) != 0 {
					t.Error("event published before commit")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []Event
			if listen != nil {
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				n, err := listen.WaitForNotification(wctx)
				if err != nil {
					t.Fatal(err)
				}
				var ev Event
				if err := json.Unmarshal([]byte(n.Payload), &ev); err != nil {
					t.Fatal(err)
				}
				got = append(got, ev)
			} else {
				got = sink.got()
			}
			if len(got) != 1 || got[0].ID != domain.ID(2) || got[0].Account != 7 {
				t.Fatalf("got %+v, want only the committed event", got)
			}
		})
	}
}

package streaming

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/agora-social/agora/internal/store"
)

// ListenRetry is the pause before reconnecting a lost LISTEN connection.
const ListenRetry = 2 * time.Second

// Listen receives the events of every node through PostgreSQL
// LISTEN/NOTIFY on its own connection (a pooled connection cannot wait for
// notifications) and hands them to the hub. It returns once the first
// LISTEN is in place, so that nothing committed after it is missed, and
// keeps reconnecting in the background until ctx ends. Events sent while
// the connection was down are lost: clients see them on their next page.
func (h *Hub) Listen(ctx context.Context, databaseURL string) error {
	channel, err := h.Store.EventChannel(ctx)
	if err != nil {
		return err
	}
	conn, err := listenConn(ctx, databaseURL, channel)
	if err != nil {
		return err
	}
	go func() {
		for {
			if conn != nil {
				h.receive(ctx, conn)
				_ = conn.Close(context.Background())
				conn = nil
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(ListenRetry):
			}
			c, err := listenConn(ctx, databaseURL, channel)
			if err != nil {
				h.Log.Warn("streaming: reconnect LISTEN", "err", err)
				continue
			}
			conn = c
		}
	}()
	return nil
}

func listenConn(ctx context.Context, databaseURL, channel string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("connect for LISTEN: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		_ = conn.Close(context.Background())
		return nil, fmt.Errorf("LISTEN %s: %w", channel, err)
	}
	return conn, nil
}

func (h *Hub) receive(ctx context.Context, conn *pgx.Conn) {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() == nil {
				h.Log.Warn("streaming: LISTEN connection lost", "err", err)
			}
			return
		}
		var ev store.Event
		if err := json.Unmarshal([]byte(n.Payload), &ev); err != nil {
			h.Log.Warn("streaming: bad event payload", "err", err)
			continue
		}
		h.Publish(ev)
	}
}

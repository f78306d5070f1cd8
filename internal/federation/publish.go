package federation

import (
	"context"
	"database/sql"

	"github.com/agora-social/agora/internal/store"
)

// Federate implements store.Federator: it enqueues, in tx, the delivery of
// a local change to the remote servers that must hear of it.
func (h *Handler) Federate(ctx context.Context, tx *sql.Tx, o store.Outgoing) error {
	return nil
}

// registerOutbound adds the delivery workers to the queue.
func (h *Handler) registerOutbound() {}

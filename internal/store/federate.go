package store

import (
	"context"
	"database/sql"

	"github.com/agora-social/agora/internal/domain"
)

// Federator hears, inside the transaction of a local change, about what
// remote servers must be told (a post, a follow, a boost, ...), so that the
// change and its delivery jobs commit together or not at all.
type Federator interface {
	Federate(ctx context.Context, tx *sql.Tx, o Outgoing) error
}

// Outgoing is one local change to federate.
type Outgoing struct {
	Type    string    // the ActivityPub activity type: Create, Update, Delete, Follow, Accept, Undo, ...
	ActorID domain.ID // the local account acting
}

// federate tells the Federator about o; without one (tools, tests of the
// store alone) nothing is federated.
func (s *Store) federate(ctx context.Context, tx *sql.Tx, o Outgoing) error {
	if s.Federator == nil {
		return nil
	}
	return s.Federator.Federate(ctx, tx, o)
}

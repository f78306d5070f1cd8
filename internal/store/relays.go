package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// States of a relay subscription.
const (
	RelayIdle     = "idle"     // added, or disabled: nothing sent
	RelayPending  = "pending"  // the Follow is sent, no answer yet
	RelayAccepted = "accepted" // the relay accepted: public posts go to it
	RelayRejected = "rejected" // the relay refused
)

// Relay is an ActivityPub relay the server subscribes to.
type Relay struct {
	ID       domain.ID
	InboxURL string
	State    string
	// FollowActivityID is the id of the last Follow sent to the relay
	// (the relay's Accept or Reject names it).
	FollowActivityID string
	// ActorURI is the relay's actor, known once it answered.
	ActorURI  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Enabled reports whether the server subscribes (or asked to).
func (r *Relay) Enabled() bool { return r.State == RelayPending || r.State == RelayAccepted }

// RelayFederator is what the Federator must also implement for relays to
// be enabled and disabled: it enqueues, in tx, the delivery of the
// instance actor's Follow of the public collection to the relay (follow
// true), or of the Undo of that Follow.
type RelayFederator interface {
	FederateRelay(ctx context.Context, tx *sql.Tx, r *Relay, follow bool) error
}

const relayColumns = `id, inbox_url, state, follow_activity_id, actor_uri, created_at, updated_at`

func scanRelay(row scanner) (*Relay, error) {
	var r Relay
	var created, updated int64
	if err := row.Scan(&r.ID, &r.InboxURL, &r.State, &r.FollowActivityID, &r.ActorURI, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromMs(created), fromMs(updated)
	return &r, nil
}

func (s *Store) queryRelays(ctx context.Context, where string, args ...any) ([]*Relay, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+relayColumns+` FROM relays`+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load relays: %w", err)
	}
	defer rows.Close()
	var out []*Relay
	for rows.Next() {
		r, err := scanRelay(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Relays lists the relays, oldest first.
func (s *Store) Relays(ctx context.Context) ([]*Relay, error) { return s.queryRelays(ctx, "") }

// AcceptedRelays lists the relays that accepted the server's subscription.
func (s *Store) AcceptedRelays(ctx context.Context) ([]*Relay, error) {
	return s.queryRelays(ctx, ` WHERE state = $1`, RelayAccepted)
}

// Relay loads one relay.
func (s *Store) Relay(ctx context.Context, id domain.ID) (*Relay, error) {
	r, err := scanRelay(s.DB.R.QueryRowContext(ctx, `SELECT `+relayColumns+` FROM relays WHERE id = $1`, int64(id)))
	return r, notFound(err, "load relay")
}

// RelayByInbox loads the relay of an inbox URL.
func (s *Store) RelayByInbox(ctx context.Context, inbox string) (*Relay, error) {
	r, err := scanRelay(s.DB.R.QueryRowContext(ctx, `SELECT `+relayColumns+` FROM relays WHERE inbox_url = $1`, inbox))
	return r, notFound(err, "load relay")
}

// RelayByFollow loads the relay to which the Follow followID was sent.
func (s *Store) RelayByFollow(ctx context.Context, followID string) (*Relay, error) {
	r, err := scanRelay(s.DB.R.QueryRowContext(ctx, `SELECT `+relayColumns+` FROM relays WHERE follow_activity_id = $1`, followID))
	return r, notFound(err, "load relay")
}

// AddRelay adds a relay (idle) by its inbox URL, already validated, in one
// transaction with the caller's audit entry (audit may be nil). An inbox
// already added is a conflict.
func (s *Store) AddRelay(ctx context.Context, inbox string, audit func(tx *sql.Tx, r *Relay) error) (*Relay, error) {
	now := s.Now()
	r := &Relay{ID: s.IDs.Next(), InboxURL: inbox, State: RelayIdle, CreatedAt: now, UpdatedAt: now}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO relays (id, inbox_url, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (inbox_url) DO NOTHING`, int64(r.ID), inbox, RelayIdle, ms(now))
		if err != nil {
			return fmt.Errorf("insert relay: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.E(domain.KindConflict, "This relay is already added")
		}
		if audit != nil {
			return audit(tx, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SetRelayEnabled subscribes to a relay (enable: a new Follow with id
// followID, pending until the relay answers) or ends the subscription
// (an Undo of the last Follow when one was sent; the relay goes idle), in
// one transaction with the deliveries (through the Federator) and the
// caller's audit entry. Enabling an enabled relay, or disabling an idle
// one, changes nothing and sends nothing.
func (s *Store) SetRelayEnabled(ctx context.Context, id domain.ID, enable bool, followID string, audit func(tx *sql.Tx, r *Relay) error) (*Relay, error) {
	var r *Relay
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRelay(tx.QueryRowContext(ctx, `SELECT `+relayColumns+` FROM relays WHERE id = $1`, int64(id)))
		if err != nil {
			return notFound(err, "load relay")
		}
		if enable == r.Enabled() {
			return nil
		}
		if !enable && r.State == RelayRejected {
			r.State = RelayIdle // nothing to undo
		} else {
			if err := s.federateRelay(ctx, tx, r, enable, followID); err != nil {
				return err
			}
		}
		r.UpdatedAt = s.Now()
		_, err = tx.ExecContext(ctx, `UPDATE relays SET state = $1, follow_activity_id = $2, updated_at = $3 WHERE id = $4`,
			r.State, r.FollowActivityID, ms(r.UpdatedAt), int64(r.ID))
		if err != nil {
			return fmt.Errorf("update relay: %w", err)
		}
		if audit != nil {
			return audit(tx, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// federateRelay sets r's new state and enqueues its Follow or Undo.
func (s *Store) federateRelay(ctx context.Context, tx *sql.Tx, r *Relay, follow bool, followID string) error {
	f, ok := s.Federator.(RelayFederator)
	if !ok {
		return domain.E(domain.KindUnavailable, "Federation is not running on this server")
	}
	if follow {
		if followID == "" {
			return domain.Invalid("a relay Follow needs an id")
		}
		r.State, r.FollowActivityID = RelayPending, followID
	} else {
		r.State = RelayIdle
	}
	if err := f.FederateRelay(ctx, tx, r, follow); err != nil {
		return fmt.Errorf("enqueue relay %s: %w", map[bool]string{true: "Follow", false: "Undo"}[follow], err)
	}
	return nil
}

// DeleteRelay removes a relay, sending the Undo of its Follow first when
// it is enabled, in one transaction with the caller's audit entry.
func (s *Store) DeleteRelay(ctx context.Context, id domain.ID, audit func(tx *sql.Tx, r *Relay) error) (*Relay, error) {
	var r *Relay
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRelay(tx.QueryRowContext(ctx, `SELECT `+relayColumns+` FROM relays WHERE id = $1`, int64(id)))
		if err != nil {
			return notFound(err, "load relay")
		}
		if r.Enabled() {
			if err := s.federateRelay(ctx, tx, r, false, ""); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM relays WHERE id = $1`, int64(r.ID)); err != nil {
			return fmt.Errorf("delete relay: %w", err)
		}
		if audit != nil {
			return audit(tx, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// AnswerRelay records a relay's Accept (accept) or Reject of the pending
// Follow followID, sent by actorURI. It returns the relay, or a not found
// error when no relay waits for that Follow (an answer to an older Follow,
// or to one undone since, changes nothing).
func (s *Store) AnswerRelay(ctx context.Context, followID, actorURI string, accept bool) (*Relay, error) {
	state := RelayRejected
	if accept {
		state = RelayAccepted
	}
	var r *Relay
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRelay(tx.QueryRowContext(ctx, `SELECT `+relayColumns+` FROM relays WHERE follow_activity_id = $1 AND state IN ($2, $3)`,
			followID, RelayPending, RelayAccepted))
		if err != nil {
			return notFound(err, "load relay")
		}
		r.State, r.ActorURI, r.UpdatedAt = state, actorURI, s.Now()
		_, err = tx.ExecContext(ctx, `UPDATE relays SET state = $1, actor_uri = $2, updated_at = $3 WHERE id = $4`,
			r.State, r.ActorURI, ms(r.UpdatedAt), int64(r.ID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// relayable reports whether an outgoing change may go to relays (when it
// turns out to be public): the Create, Update, Delete or Announce of a
// status. The publish job checks the rest.
func relayable(o Outgoing) bool {
	switch o.Type {
	case "Create", "Update", "Delete", "Announce":
		return o.Object != "Person" && o.Object != "Vote" && !o.Known && (o.StatusID != 0 || o.ObjectURI != "")
	}
	return false
}

// relayAudience is the condition reachesRemote adds for relayable
// changes: an accepted relay is a remote audience.
const relayAudience = ` OR EXISTS (SELECT 1 FROM relays WHERE state = 'accepted')`

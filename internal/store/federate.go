package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Federator hears, inside the transaction of a local change, about what
// remote servers must be told (a post, a follow, a boost, ...), so that the
// change and its delivery jobs commit together or not at all.
type Federator interface {
	Federate(ctx context.Context, tx *sql.Tx, o Outgoing) error
}

// Outgoing is one local change to federate. It carries what the delivery
// worker cannot read again after the transaction (the URI of a deleted
// status, the id of an undone favourite, the accounts a deleted status
// mentioned); the rest (the status, the accounts) is loaded when the
// activity is rendered.
type Outgoing struct {
	// Type is the ActivityPub activity type: Create, Update, Delete,
	// Announce, Like, Follow, Accept, Reject, Undo, Block, Add, Remove,
	// Flag (a report forwarded in the server's name; ActorID is 0).
	Type string `json:"type"`
	// Object says what the activity is about where Type alone does not:
	// the undone activity's type for Undo (Follow, Like, Announce, Block),
	// "Person" for a profile Update, "Vote" for a poll vote (Create).
	Object  string    `json:"object,omitempty"`
	ActorID domain.ID `json:"actor_id,string"` // the local account acting
	// StatusID is the status created, updated, deleted, boosted (the boost
	// for Announce), favourited, pinned or voted on.
	StatusID domain.ID `json:"status_id,string,omitempty"`
	// TargetID is the account followed, accepted, rejected or blocked.
	TargetID domain.ID `json:"target_id,string,omitempty"`
	// RowID is the id of the row behind the activity's id (favourite,
	// block, poll vote), kept for Undo after the row is gone.
	RowID domain.ID `json:"row_id,string,omitempty"`
	// ActivityURI is the id of the Follow (Follow, Accept, Reject, Undo
	// Follow) or of the undone Announce.
	ActivityURI string `json:"activity_uri,omitempty"`
	// ObjectURI is the object when it is gone after the transaction: the
	// deleted status, the boosted status of an undone boost.
	ObjectURI string `json:"object_uri,omitempty"`
	// Visibility is a deleted status's.
	Visibility domain.Visibility `json:"visibility,omitempty"`
	// Choices are the poll options voted for (Vote).
	Choices []int `json:"choices,omitempty"`
	// Objects are the URIs of the reported posts (Flag).
	Objects []string `json:"objects,omitempty"`
	// Content is the reporter's comment (Flag).
	Content string `json:"content,omitempty"`
	// Followers puts the actor's remote followers in the audience.
	Followers bool `json:"followers,omitempty"`
	// To are the accounts addressed (mentions, targets, the author of a
	// liked or boosted status); local ones are skipped at delivery.
	To AccountIDs `json:"to,omitempty"`
}

// AccountIDs are account ids that travel in job arguments as strings:
// PostgreSQL's JSON would round int64 through a float64.
type AccountIDs []domain.ID

// MarshalJSON writes the ids as strings.
func (ids AccountIDs) MarshalJSON() ([]byte, error) {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads ids written as strings (or numbers).
func (ids *AccountIDs) UnmarshalJSON(b []byte) error {
	var raw []json.Number
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(AccountIDs, 0, len(raw))
	for _, n := range raw {
		v, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return fmt.Errorf("account id %q: %w", n, err)
		}
		out = append(out, domain.ID(v))
	}
	*ids = out
	return nil
}

// federate tells the Federator about o when it has a remote audience: the
// actor is local and a remote account is addressed or (with o.Followers)
// follows the actor. Without a Federator (tools, tests of the store
// alone) nothing is federated.
func (s *Store) federate(ctx context.Context, tx *sql.Tx, o Outgoing) error {
	if s.Federator == nil {
		return nil
	}
	if o.Type != "Flag" { // a forwarded report is about a remote account by construction
		ok, err := reachesRemote(ctx, tx, o)
		if err != nil || !ok {
			return err
		}
	}
	return s.Federator.Federate(ctx, tx, o)
}

// reachesRemote is the cheap check that keeps purely local activity from
// creating jobs: indexed EXISTS queries, no job, nothing loaded.
func reachesRemote(ctx context.Context, q db.Querier, o Outgoing) (bool, error) {
	args := []any{int64(o.ActorID), o.Followers}
	cond := `($2 AND EXISTS (SELECT 1 FROM follows f JOIN accounts fa ON fa.id = f.account_id
		WHERE f.target_account_id = $1 AND fa.domain <> ''))`
	if len(o.To) > 0 {
		cond += ` OR EXISTS (SELECT 1 FROM accounts t WHERE t.id IN (` + placeholders(3, len(o.To)) + `) AND t.domain <> '')`
		args = append(args, idArgs(o.To)...)
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts a WHERE a.id = $1 AND a.domain = '' AND (`+cond+`)`, args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check remote audience: %w", err)
	}
	return n > 0, nil
}

// localActorURI returns the ActivityPub id of a local account, or "" for a
// remote one (whose acts are not ours to federate).
func localActorURI(ctx context.Context, q db.Querier, id domain.ID) (string, error) {
	var uri, dom string
	if err := q.QueryRowContext(ctx, `SELECT uri, domain FROM accounts WHERE id = $1`, int64(id)).Scan(&uri, &dom); err != nil {
		return "", notFound(err, "load actor")
	}
	if dom != "" {
		return "", nil
	}
	return uri, nil
}

// FollowURI is the id of the Follow a local actor sends, as stored in
// follow_requests.uri and follows.uri.
func FollowURI(actorURI string, id domain.ID) string {
	return actorURI + "#follows/" + id.String()
}

// isRemote reports whether account is a remote one.
func isRemote(ctx context.Context, q db.Querier, account domain.ID) (bool, error) {
	var dom string
	if err := q.QueryRowContext(ctx, `SELECT domain FROM accounts WHERE id = $1`, int64(account)).Scan(&dom); err != nil {
		return false, notFound(err, "load account")
	}
	return strings.TrimSpace(dom) != "", nil
}

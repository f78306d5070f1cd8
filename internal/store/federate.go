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
	// "Person" for a profile Update, "Vote" for a poll vote (Create),
	// "Hashtag" for a featured tag's Add or Remove (ObjectURI is its name).
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
	// Known widens the audience to every remote account the actor is
	// linked to: followers, followed, and follow requests either way (the
	// Delete and Update of a suspended or reinstated actor).
	Known bool `json:"known,omitempty"`
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
	args := []any{int64(o.ActorID), o.Followers || o.Known}
	cond := `($2 AND EXISTS (SELECT 1 FROM follows f JOIN accounts fa ON fa.id = f.account_id
		WHERE f.target_account_id = $1 AND fa.domain <> ''))`
	if o.Known {
		cond += ` OR EXISTS (SELECT 1 FROM follows f JOIN accounts fa ON fa.id = f.target_account_id
			WHERE f.account_id = $1 AND fa.domain <> '')
		OR EXISTS (SELECT 1 FROM follow_requests r JOIN accounts ra ON ra.id IN (r.account_id, r.target_account_id)
			WHERE (r.account_id = $1 OR r.target_account_id = $1) AND ra.domain <> '')`
	}
	if relayable(o) { // relays.go: public posts also go to the relays
		cond += relayAudience
	}
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

// KnownInboxes returns the inboxes (shared ones when they have one) of
// every remote account linked to a local actor: its followers, the
// accounts it follows and follow requests either way, deduplicated. It is
// the audience of an Outgoing with Known.
func (s *Store) KnownInboxes(ctx context.Context, actor domain.ID) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT DISTINCT CASE WHEN a.shared_inbox_url <> '' THEN a.shared_inbox_url ELSE a.inbox_url END
		FROM accounts a WHERE a.domain <> '' AND a.id IN (
			SELECT account_id FROM follows WHERE target_account_id = $1
			UNION SELECT target_account_id FROM follows WHERE account_id = $1
			UNION SELECT account_id FROM follow_requests WHERE target_account_id = $1
			UNION SELECT target_account_id FROM follow_requests WHERE account_id = $1)`, int64(actor))
	if err != nil {
		return nil, fmt.Errorf("find known inboxes: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var inbox string
		if err := rows.Scan(&inbox); err != nil {
			return nil, err
		}
		if inbox != "" {
			out = append(out, inbox)
		}
	}
	return out, rows.Err()
}

// pollTally is the Outgoing that sends a local poll's new tallies (an
// Update of its Question) to the servers that received it: the author's
// followers unless it is direct, and the remote accounts it mentions or
// that voted. The Federator delays and merges these (one per poll per
// delay at most).
func pollTally(ctx context.Context, q db.Querier, status domain.ID) (Outgoing, error) {
	var author int64
	var vis string
	if err := q.QueryRowContext(ctx, `SELECT account_id, visibility FROM statuses WHERE id = $1`, int64(status)).Scan(&author, &vis); err != nil {
		return Outgoing{}, notFound(err, "load poll status")
	}
	to, err := scanIDs(q.QueryContext(ctx, `SELECT a.id FROM accounts a WHERE a.domain <> '' AND a.id IN (
		SELECT account_id FROM poll_votes WHERE status_id = $1 UNION SELECT account_id FROM mentions WHERE status_id = $1)`, int64(status)))
	if err != nil {
		return Outgoing{}, fmt.Errorf("find poll audience: %w", err)
	}
	return Outgoing{Type: "Update", Object: "Poll", ActorID: domain.ID(author), StatusID: status,
		Followers: domain.Visibility(vis) != domain.Direct, To: to}, nil
}

// StartPollTally is called by the worker that sends a poll's tallies,
// before it reads them: it clears the poll's tally_due mark, so that a vote
// from now on schedules another sending (none is lost), and returns the
// Outgoing to publish (see pollTally).
func (s *Store) StartPollTally(ctx context.Context, status domain.ID) (Outgoing, error) {
	var o Outgoing
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE polls SET tally_due = FALSE WHERE status_id = $1`, int64(status)); err != nil {
			return fmt.Errorf("start poll tally: %w", err)
		}
		var err error
		o, err = pollTally(ctx, tx, status)
		return err
	})
	return o, err
}

// federatePollTally federates a local poll's new tallies in tx, unless a
// sending is already due (it will read these votes too): the Federator
// delays it, so that a busy poll costs one Update per delay.
func (s *Store) federatePollTally(ctx context.Context, tx *sql.Tx, status domain.ID) error {
	if s.Federator == nil {
		return nil
	}
	o, err := pollTally(ctx, tx, status)
	if err != nil {
		return err
	}
	if ok, err := reachesRemote(ctx, tx, o); err != nil || !ok {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE polls SET tally_due = TRUE WHERE status_id = $1 AND tally_due = FALSE`, int64(status))
	if err != nil {
		return fmt.Errorf("mark poll tally due: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return s.Federator.Federate(ctx, tx, o)
}

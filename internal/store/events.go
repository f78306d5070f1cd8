package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// EventChannel is the PostgreSQL NOTIFY channel that carries streaming
// events between nodes.
const EventChannel = "agora_events"

// Kinds of events, named after the streaming events they become.
const (
	EventUpdate         = "update"          // a status was created (post or boost)
	EventStatusUpdate   = "status.update"   // a status was edited
	EventDelete         = "delete"          // a status was deleted
	EventNotification   = "notification"    // a notification was created
	EventFiltersChanged = "filters_changed" // an account's filters changed
)

// Event is what the store announces once a change is committed: a kind and
// ids, small enough for a NOTIFY payload (under 8000 bytes). Each node loads
// and renders what its connected viewers need; nothing per viewer is done
// here.
type Event struct {
	Kind       string            `json:"k"`
	ID         domain.ID         `json:"i,omitempty"` // status or notification
	Account    domain.ID         `json:"a,omitempty"` // author, recipient, or filters' owner
	Visibility domain.Visibility `json:"v,omitempty"` // deletes only: the status is gone
	Mentions   []domain.ID       `json:"m,omitempty"` // deletes of private and direct statuses
}

// EventSink receives events after their transaction committed. On
// PostgreSQL events travel through NOTIFY instead and the sink is only a
// switch: the LISTEN side of every node delivers them.
type EventSink interface {
	Publish(Event)
}

// pendingEvents holds the events of open SQLite transactions until commit,
// and the NOTIFY channel name on PostgreSQL.
type pendingEvents struct {
	mu sync.Mutex
	m  map[*sql.Tx]*[]Event

	channelMu sync.Mutex
	channel   string
}

// EventChannel returns the NOTIFY channel of this database: NOTIFY is per
// database, not per schema, so a schema other than public (tests, or
// several agoras in one database) gets its own channel.
func (s *Store) EventChannel(ctx context.Context) (string, error) {
	p := &s.pending
	p.channelMu.Lock()
	defer p.channelMu.Unlock()
	if p.channel != "" {
		return p.channel, nil
	}
	var schema string
	if err := s.DB.R.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("find schema: %w", err)
	}
	p.channel = EventChannel
	if schema != "public" {
		p.channel += "_" + schema
	}
	return p.channel, nil
}

func (p *pendingEvents) open(tx *sql.Tx, list *[]Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[*sql.Tx]*[]Event{}
	}
	p.m[tx] = list
}

func (p *pendingEvents) close(tx *sql.Tx) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, tx)
}

func (p *pendingEvents) add(tx *sql.Tx, ev Event) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	list, ok := p.m[tx]
	if ok {
		*list = append(*list, ev)
	}
	return ok
}

// txWithEvents runs fn in a write transaction and publishes the events it
// emitted once the commit succeeded; a rolled-back transaction publishes
// nothing.
func (s *Store) txWithEvents(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var list []Event
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		s.pending.open(tx, &list)
		defer s.pending.close(tx)
		return fn(tx)
	})
	if err != nil {
		return err
	}
	for _, ev := range list {
		s.Events.Publish(ev)
	}
	return nil
}

// emit announces ev as part of the work done through q. On PostgreSQL it is
// a pg_notify in the same transaction, which PostgreSQL delivers at commit
// and drops on rollback (always sent: other nodes and processes may listen).
// On SQLite it waits in the transaction's pending list; a statement outside
// a transaction has already committed, so it is published at once.
func (s *Store) emit(ctx context.Context, q db.Querier, ev Event) error {
	if s.DB.Dialect == db.Postgres {
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("encode event: %w", err)
		}
		ch, err := s.EventChannel(ctx)
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `SELECT pg_notify($1, $2)`, ch, string(b)); err != nil {
			return fmt.Errorf("notify event: %w", err)
		}
		return nil
	}
	if s.Events == nil {
		return nil
	}
	if tx, ok := q.(*sql.Tx); ok {
		// A transaction not opened by Store.Tx cannot say when it commits:
		// its events are dropped rather than sent for a change that may roll back.
		s.pending.add(tx, ev)
		return nil
	}
	s.Events.Publish(ev)
	return nil
}

// emitDeletes announces the deletion of ids (a status and its boosts),
// with what subscribers need to know who could have seen them, read before
// the rows go.
func (s *Store) emitDeletes(ctx context.Context, q db.Querier, ids []domain.ID) error {
	for _, id := range ids {
		var (
			author int64
			vis    string
		)
		err := q.QueryRowContext(ctx, `SELECT account_id, visibility FROM statuses WHERE id = $1`, int64(id)).Scan(&author, &vis)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return fmt.Errorf("load deleted status: %w", err)
		}
		ev := Event{Kind: EventDelete, ID: id, Account: domain.ID(author), Visibility: domain.Visibility(vis)}
		if ev.Visibility == domain.Private || ev.Visibility == domain.Direct {
			if ev.Mentions, err = scanIDs(q.QueryContext(ctx, `SELECT account_id FROM mentions WHERE status_id = $1 LIMIT 200`, int64(id))); err != nil {
				return fmt.Errorf("load deleted mentions: %w", err)
			}
		}
		if err := s.emit(ctx, q, ev); err != nil {
			return err
		}
	}
	return nil
}

// FiltersChanged announces that account's filters changed, so that its
// streaming clients re-read them (the filters_changed event).
func (s *Store) FiltersChanged(ctx context.Context, account domain.ID) error {
	return s.emit(ctx, s.DB.W, Event{Kind: EventFiltersChanged, Account: account})
}

// StreamPage is the one-status page that checks, with a timeline's own
// query, whether status id belongs to that timeline for a viewer: the
// timelines' rules (blocks, mutes, exclusive lists, replies policies) are
// then applied to streamed statuses exactly as to pages.
func StreamPage(id domain.ID) domain.Page {
	return domain.Page{MaxID: id + 1, SinceID: id - 1, Limit: 1}
}

// streamChunk bounds the viewer ids bound in one query.
const streamChunk = 500

// eachChunk runs q (with {in} for the placeholders of a chunk of viewers,
// numbered after args) over viewers and collects the account ids it returns.
func (s *Store) eachChunk(ctx context.Context, q string, args []any, viewers []domain.ID) (map[domain.ID]bool, error) {
	out := map[domain.ID]bool{}
	for start := 0; start < len(viewers); start += streamChunk {
		chunk := viewers[start:min(start+streamChunk, len(viewers))]
		in := placeholders(len(args)+1, len(chunk))
		query := strings.ReplaceAll(q, "{in}", in)
		ids, err := scanIDs(s.DB.R.QueryContext(ctx, query, append(append([]any{}, args...), idArgs(chunk)...)...))
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}

// StreamExcluded returns the viewers for whom author's statuses are left
// out of the public and hashtag timelines: the timelines' viewer rule
// (blocks either way, active mutes), for many viewers in a few queries.
func (s *Store) StreamExcluded(ctx context.Context, author domain.ID, viewers []domain.ID) (map[domain.ID]bool, error) {
	out, err := s.eachChunk(ctx, `SELECT account_id FROM blocks WHERE target_account_id = $1 AND account_id IN ({in})
		UNION SELECT target_account_id FROM blocks WHERE account_id = $1 AND target_account_id IN ({in})
		UNION SELECT account_id FROM mutes WHERE target_account_id = $1 AND account_id IN ({in})
		  AND (expires_at IS NULL OR expires_at > $2)`, []any{int64(author), s.nowMs()}, viewers)
	if err != nil {
		return nil, fmt.Errorf("stream exclusions: %w", err)
	}
	return out, nil
}

// StreamPersonalViewers returns the viewers whose rendering of a new status
// in conversation may differ from anyone else's: they muted the
// conversation or have filters. The others share one rendering.
func (s *Store) StreamPersonalViewers(ctx context.Context, conversation domain.ID, viewers []domain.ID) (map[domain.ID]bool, error) {
	out, err := s.eachChunk(ctx, `SELECT account_id FROM conversation_mutes WHERE conversation_id = $1 AND account_id IN ({in})
		UNION SELECT account_id FROM filters WHERE account_id IN ({in})`, []any{int64(conversation)}, viewers)
	if err != nil {
		return nil, fmt.Errorf("stream personal viewers: %w", err)
	}
	return out, nil
}

// homeFeedHoldersSQL is HomeTimelineSQL turned around: instead of one
// reader's page, the connected readers whose home timeline shows status $2
// ($1 is now). It is derived from HomeTimelineSQL so that the rules
// (blocks, mutes, exclusive lists) stay the same text.
func homeFeedHoldersSQL() string {
	q := strings.NewReplacer("$1", "h.account_id", "$2", "$1", "{where}", "h.status_id = $2 AND h.account_id IN ({in})",
		"ORDER BY {order}", "").Replace(HomeTimelineSQL)
	return strings.Replace(q, "SELECT h.status_id, h.status_id FROM", "SELECT h.account_id FROM", 1)
}

// HomeFeedHolders returns the viewers whose home timeline shows status id,
// by the home timeline's rules, in one query per 500 viewers.
func (s *Store) HomeFeedHolders(ctx context.Context, id domain.ID, viewers []domain.ID) (map[domain.ID]bool, error) {
	out, err := s.eachChunk(ctx, homeFeedHoldersSQL(), []any{s.nowMs(), int64(id)}, viewers)
	if err != nil {
		return nil, fmt.Errorf("home feed holders: %w", err)
	}
	return out, nil
}

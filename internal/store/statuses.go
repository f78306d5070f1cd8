package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

const statusColumns = `s.id, s.account_id, s.uri, s.url, s.local, s.content, s.text, s.spoiler_text,
	s.sensitive, s.visibility, s.language, s.in_reply_to_id, s.in_reply_to_account_id, s.reblog_of_id,
	s.conversation_id, s.application_id, s.imported, s.replies_count, s.reblogs_count,
	s.favourites_count, s.created_at, s.edited_at, s.quote_policy, s.quotes_count`

func scanStatus(r scanner) (*domain.Status, error) {
	var (
		st                                  domain.Status
		vis                                 string
		replyTo, replyToAcct, reblog, appID sql.NullInt64
		created                             int64
		edited                              sql.NullInt64
	)
	err := r.Scan(&st.ID, &st.AccountID, &st.URI, &st.URL, &st.Local, &st.Content, &st.Text, &st.SpoilerText,
		&st.Sensitive, &vis, &st.Language, &replyTo, &replyToAcct, &reblog,
		&st.ConversationID, &appID, &st.Imported, &st.RepliesCount, &st.ReblogsCount,
		&st.FavouritesCount, &created, &edited, &st.QuotePolicy, &st.QuotesCount)
	if err != nil {
		return nil, err
	}
	st.Visibility = domain.Visibility(vis)
	st.InReplyToID = domain.ID(replyTo.Int64)
	st.InReplyToAccountID = domain.ID(replyToAcct.Int64)
	st.ReblogOfID = domain.ID(reblog.Int64)
	st.ApplicationID = domain.ID(appID.Int64)
	st.CreatedAt = fromMs(created)
	st.EditedAt = optTime(edited)
	return &st, nil
}

// Status loads one status by id.
func (s *Store) Status(ctx context.Context, id domain.ID) (*domain.Status, error) {
	st, err := scanStatus(s.DB.R.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM statuses s WHERE s.id = $1`, int64(id)))
	return st, notFound(err, "load status")
}

// Statuses loads statuses by id, in no particular order; missing ids are skipped.
func (s *Store) Statuses(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Status, error) {
	out := make(map[domain.ID]*domain.Status, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+statusColumns+` FROM statuses s WHERE s.id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load statuses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStatus(rows)
		if err != nil {
			return nil, err
		}
		out[st.ID] = st
	}
	return out, rows.Err()
}

// Poll is a status's poll with its tallies.
type Poll struct {
	StatusID    domain.ID
	Options     []string
	Multiple    bool
	HideTotals  bool
	ExpiresAt   time.Time
	CreatedAt   time.Time
	Votes       []int64 // per option, filled by Polls
	VotersCount int64
}

// NewStatus is everything posting a status writes in one transaction.
type NewStatus struct {
	Status          *domain.Status // ID, URI, URL and content set by the service
	Poll            *Poll
	IdempotencyKey  string
	NotifyFollowers bool // "status" notifications to followers who asked for them
	// MediaIDs are the author's uploads to attach, in order; checked again
	// in the transaction (own, unattached, at most four).
	MediaIDs []domain.ID
	// InteractionPolicy is stored with the status when not nil (nil: the
	// default of its visibility).
	InteractionPolicy *InteractionPolicy
	// Hold stores the status held for review (held.go) when not nil.
	Hold *Hold
	// Quote is the status's quote of another (checked by the service)
	// when not nil; an accepted one notifies the quoted author.
	Quote *Quote
}

// CreateStatus writes a new status with its mentions, tags, poll, counters,
// home-feed fan-out and notifications in one transaction. When the
// idempotency key was used within the window, nothing is written and the
// earlier status's id is returned with created false.
func (s *Store) CreateStatus(ctx context.Context, n NewStatus) (id domain.ID, created bool, err error) {
	st := n.Status
	visibility := st.Visibility
	if n.Hold != nil {
		st.Visibility = HeldVisibility // ReleaseHeld publishes it
		defer func() { st.Visibility = visibility }()
	}
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		prev, err := s.claimIdempotencyKey(ctx, tx, n)
		if err != nil || prev != 0 {
			id = prev
			return err
		}
		if err := s.insertNewStatus(ctx, tx, n); err != nil {
			return err
		}
		if n.Hold != nil {
			id, created = st.ID, true
			return s.holdStatus(ctx, tx, n, visibility)
		}
		if st.InReplyToID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count + 1 WHERE id = $1`, int64(st.InReplyToID)); err != nil {
				return fmt.Errorf("count reply: %w", err)
			}
		}
		if err := fanOut(ctx, tx, st, st.AccountID); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: st.ID, Account: st.AccountID}); err != nil {
			return err
		}
		if err := s.notifyMentions(ctx, tx, st, st.MentionedAccountIDs); err != nil {
			return err
		}
		if n.Quote != nil && n.Quote.State == QuoteAccepted {
			if err := s.InsertNotification(ctx, tx, &domain.Notification{AccountID: n.Quote.QuotedAccountID, FromAccountID: st.AccountID,
				Type: domain.NotifyQuote, StatusID: st.ID}); err != nil {
				return err
			}
		}
		if n.NotifyFollowers {
			if err := s.notifyFollowers(ctx, tx, st); err != nil {
				return err
			}
		}
		id, created = st.ID, true
		if st.Imported {
			return nil // an imported post is history, not news (DESIGN.md)
		}
		return s.federate(ctx, tx, statusOutgoing("Create", st))
	})
	return id, created, err
}

// claimIdempotencyKey returns the status an earlier request with n's
// idempotency key created within the window (0 when none), else records
// the key for n's status, in tx.
func (s *Store) claimIdempotencyKey(ctx context.Context, tx *sql.Tx, n NewStatus) (domain.ID, error) {
	if n.IdempotencyKey == "" {
		return 0, nil
	}
	st, now := n.Status, s.nowMs()
	var prev int64
	err := tx.QueryRowContext(ctx, `SELECT k.status_id FROM idempotency_keys k JOIN statuses s ON s.id = k.status_id
		WHERE k.account_id = $1 AND k.key = $2 AND k.created_at > $3`,
		int64(st.AccountID), n.IdempotencyKey, now-IdempotencyWindow.Milliseconds()).Scan(&prev)
	if err == nil {
		return domain.ID(prev), nil
	}
	if err != sql.ErrNoRows {
		return 0, fmt.Errorf("check idempotency key: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2`, int64(st.AccountID), n.IdempotencyKey); err != nil {
		return 0, fmt.Errorf("clear idempotency key: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (account_id, key, status_id, created_at) VALUES ($1, $2, $3, $4)`,
		int64(st.AccountID), n.IdempotencyKey, int64(st.ID), now); err != nil {
		return 0, fmt.Errorf("store idempotency key: %w", err)
	}
	return 0, nil
}

// insertNewStatus inserts a new local status and what it is written
// with: mentions, tags, media, interaction policy, poll and quote.
func (s *Store) insertNewStatus(ctx context.Context, tx *sql.Tx, n NewStatus) error {
	st := n.Status
	if err := s.insertStatus(ctx, tx, st); err != nil {
		return err
	}
	if err := s.setMentionsAndTags(ctx, tx, st); err != nil {
		return err
	}
	if len(n.MediaIDs) > 0 {
		if err := s.attachMedia(ctx, tx, st.ID, st.AccountID, n.MediaIDs); err != nil {
			return err
		}
	}
	if n.InteractionPolicy != nil {
		if err := setStatusInteractionPolicy(ctx, tx, st.ID, n.InteractionPolicy); err != nil {
			return err
		}
	}
	if n.Poll != nil {
		n.Poll.StatusID = st.ID
		if err := s.insertPoll(ctx, tx, n.Poll); err != nil {
			return err
		}
	}
	if n.Quote != nil {
		n.Quote.StatusID = st.ID
		if err := s.insertQuote(ctx, tx, n.Quote); err != nil {
			return err
		}
	}
	return nil
}

// insertStatus inserts the row and counts it on the author.
func (s *Store) insertStatus(ctx context.Context, q db.Querier, st *domain.Status) error {
	_, err := q.ExecContext(ctx, `INSERT INTO statuses (`+insertStatusColumns+`)
		VALUES (`+placeholders(1, insertStatusParams)+`)`, statusRowArgs(st)...)
	if err != nil {
		return fmt.Errorf("insert status: %w", err)
	}
	_, err = q.ExecContext(ctx, `UPDATE accounts SET statuses_count = statuses_count + 1,
		last_status_at = CASE WHEN last_status_at IS NULL OR last_status_at < $2 THEN $2 ELSE last_status_at END
		WHERE id = $1`, int64(st.AccountID), ms(st.CreatedAt))
	if err != nil {
		return fmt.Errorf("count status: %w", err)
	}
	return nil
}

// setMentionsAndTags replaces the status's mentions and tags.
func (s *Store) setMentionsAndTags(ctx context.Context, q db.Querier, st *domain.Status) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM mentions WHERE status_id = $1`, int64(st.ID)); err != nil {
		return fmt.Errorf("clear mentions: %w", err)
	}
	for _, a := range st.MentionedAccountIDs {
		if _, err := q.ExecContext(ctx, `INSERT INTO mentions (status_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, int64(st.ID), int64(a)); err != nil {
			return fmt.Errorf("insert mention: %w", err)
		}
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM status_tags WHERE status_id = $1`, int64(st.ID)); err != nil {
		return fmt.Errorf("clear tags: %w", err)
	}
	now := s.nowMs()
	for _, t := range st.Tags {
		name := strings.ToLower(t)
		if _, err := q.ExecContext(ctx, `INSERT INTO tags (id, name, display_name, created_at, last_status_at) VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (name) DO UPDATE SET last_status_at = excluded.last_status_at`, int64(s.IDs.Next()), name, t, now); err != nil {
			return fmt.Errorf("upsert tag: %w", err)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO status_tags (tag_id, status_id) SELECT id, $1 FROM tags WHERE name = $2
			ON CONFLICT DO NOTHING`, int64(st.ID), name); err != nil {
			return fmt.Errorf("tag status: %w", err)
		}
	}
	return nil
}

// fanOut adds st to the home feeds it belongs in, in ONE statement whatever
// the number of followers (DESIGN.md: no per-follower loop on write). The
// author always gets it; followers (local users only) get public, unlisted
// and private statuses, boosts only when the follow shows boosts; direct
// statuses go to the mentioned local accounts. author is the booster for a
// boost; st.ReblogOfID's author is found in the statement.
func fanOut(ctx context.Context, q db.Querier, st *domain.Status, author domain.ID) error {
	args := []any{int64(st.ID), int64(author)}
	origin := `CAST($2 AS BIGINT)`
	if st.ReblogOfID != 0 {
		origin = `(SELECT account_id FROM statuses WHERE id = $3)`
		args = append(args, int64(st.ReblogOfID))
	}
	var readers string
	switch {
	case st.Visibility == domain.Direct:
		readers = `SELECT m.account_id FROM mentions m JOIN users u ON u.account_id = m.account_id WHERE m.status_id = $1`
	case st.ReblogOfID != 0:
		readers = `SELECT f.account_id FROM follows f JOIN users u ON u.account_id = f.account_id
			WHERE f.target_account_id = $2 AND f.show_reblogs = TRUE`
	default:
		readers = `SELECT f.account_id FROM follows f JOIN users u ON u.account_id = f.account_id
			WHERE f.target_account_id = $2`
	}
	// A boost skips feeds that already hold the boosted status, as Mastodon.
	skip := ``
	if st.ReblogOfID != 0 {
		skip = ` AND NOT EXISTS (SELECT 1 FROM home_feed h WHERE h.account_id = r.account_id AND h.status_id = $3)`
	}
	_, err := q.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
		SELECT r.account_id, $1, $2, `+origin+` FROM (SELECT CAST($2 AS BIGINT) AS account_id UNION `+readers+`) r
		WHERE TRUE`+skip+` ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return fmt.Errorf("fan out status: %w", err)
	}
	return nil
}

// notifyMentions notifies mentioned accounts, except those who muted the
// conversation.
func (s *Store) notifyMentions(ctx context.Context, q db.Querier, st *domain.Status, ids []domain.ID) error {
	for _, a := range ids {
		muted, err := conversationMuted(ctx, q, a, st.ConversationID)
		if err != nil {
			return err
		}
		if muted {
			continue
		}
		if err := s.InsertNotification(ctx, q, &domain.Notification{AccountID: a, FromAccountID: st.AccountID, Type: domain.NotifyMention, StatusID: st.ID}); err != nil {
			return err
		}
	}
	return nil
}

// notifyFollowers sends "status" notifications to local followers who
// turned notifications on, except those already notified of a mention.
func (s *Store) notifyFollowers(ctx context.Context, q db.Querier, st *domain.Status) error {
	ids, err := scanIDs(q.QueryContext(ctx, `SELECT f.account_id FROM follows f JOIN users u ON u.account_id = f.account_id
		WHERE f.target_account_id = $1 AND f.notify = $2
		  AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = $3 AND m.account_id = f.account_id)`,
		int64(st.AccountID), true, int64(st.ID)))
	if err != nil {
		return fmt.Errorf("find notified followers: %w", err)
	}
	for _, a := range ids {
		if err := s.InsertNotification(ctx, q, &domain.Notification{AccountID: a, FromAccountID: st.AccountID, Type: domain.NotifyStatus, StatusID: st.ID}); err != nil {
			return err
		}
	}
	return nil
}

func conversationMuted(ctx context.Context, q db.Querier, account, conversation domain.ID) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversation_mutes WHERE account_id = $1 AND conversation_id = $2`,
		int64(account), int64(conversation)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check conversation mute: %w", err)
	}
	return n > 0, nil
}

// insertPoll stores a poll.
func (s *Store) insertPoll(ctx context.Context, q db.Querier, p *Poll) error {
	opts, _ := json.Marshal(p.Options)
	_, err := q.ExecContext(ctx, `INSERT INTO polls (status_id, options, multiple, hide_totals, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, int64(p.StatusID), string(opts), p.Multiple, p.HideTotals, ms(p.ExpiresAt), s.nowMs())
	if err != nil {
		return fmt.Errorf("insert poll: %w", err)
	}
	return nil
}

// DeleteStatus deletes a status, its boosts and their feed entries, and
// undoes the counters they added, in one transaction.
func (s *Store) DeleteStatus(ctx context.Context, st *domain.Status) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		// What the Delete (or Undo Announce) needs is gone once the rows
		// are: compute it first.
		if s.Federator != nil && st.Visibility != HeldVisibility { // a held post never left the server
			out, err := deleteOutgoing(ctx, tx, st)
			if err != nil {
				return err
			}
			if out.Type != "" {
				if err := s.federate(ctx, tx, out); err != nil {
					return err
				}
			}
		}
		boosts, err := scanIDs(tx.QueryContext(ctx, `SELECT id FROM statuses WHERE reblog_of_id = $1`, int64(st.ID)))
		if err != nil {
			return fmt.Errorf("find boosts: %w", err)
		}
		if err := s.emitDeletes(ctx, tx, append([]domain.ID{st.ID}, boosts...)); err != nil {
			return err
		}
		for _, b := range boosts {
			if err := deleteStatusRow(ctx, tx, b); err != nil {
				return err
			}
		}
		if st.InReplyToID != 0 && st.Visibility != HeldVisibility { // a held reply was not counted
			if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count - 1 WHERE id = $1 AND replies_count > 0`, int64(st.InReplyToID)); err != nil {
				return fmt.Errorf("uncount reply: %w", err)
			}
		}
		if st.ReblogOfID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE statuses SET reblogs_count = reblogs_count - 1 WHERE id = $1 AND reblogs_count > 0`, int64(st.ReblogOfID)); err != nil {
				return fmt.Errorf("uncount boost: %w", err)
			}
		}
		// Local uploads go back to their owner (delete-and-redraft reuses
		// them; the orphan cleanup removes them otherwise); references to
		// remote media go with the status.
		if _, err := tx.ExecContext(ctx, `DELETE FROM media_attachments WHERE status_id = $1 AND file_key = ''`, int64(st.ID)); err != nil {
			return fmt.Errorf("delete remote media references: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE media_attachments SET status_id = NULL, position = 0, updated_at = $2 WHERE status_id = $1`,
			int64(st.ID), s.nowMs()); err != nil {
			return fmt.Errorf("detach media: %w", err)
		}
		return deleteStatusRow(ctx, tx, st.ID)
	})
}

// deleteStatusRow removes one status from the feeds and the table and
// uncounts it on its author.
func deleteStatusRow(ctx context.Context, q db.Querier, id domain.ID) error {
	if err := deleteQuoteOf(ctx, q, id); err != nil {
		return err
	}
	for _, stmt := range []string{
		`DELETE FROM home_feed WHERE status_id = $1`,
		`UPDATE accounts SET statuses_count = statuses_count - 1 WHERE statuses_count > 0 AND id = (SELECT account_id FROM statuses WHERE id = $1)`,
		`DELETE FROM idempotency_keys WHERE status_id = $1`,
		`DELETE FROM status_interaction_policies WHERE status_id = $1`,
		`DELETE FROM hidden_replies WHERE status_id = $1`,
		`DELETE FROM statuses WHERE id = $1`,
	} {
		if _, err := q.ExecContext(ctx, stmt, int64(id)); err != nil {
			return fmt.Errorf("delete status %d: %w", id, err)
		}
	}
	return nil
}

// statusOutgoing is the delivery of a status's Create or Update: to the
// author's followers unless direct, to the mentioned accounts and to the
// author of the status replied to.
func statusOutgoing(typ string, st *domain.Status) Outgoing {
	o := Outgoing{Type: typ, ActorID: st.AccountID, StatusID: st.ID, Followers: st.Visibility != domain.Direct}
	o.To = append(o.To, st.MentionedAccountIDs...)
	if st.InReplyToAccountID != 0 && st.Visibility != domain.Direct {
		o.To = append(o.To, st.InReplyToAccountID)
	}
	return o
}

// deleteOutgoing is the delivery of a status's deletion, computed before
// the rows go: a boost's is an Undo of its Announce (to the booster's
// followers and the boosted status's author); a status's is a Delete with
// a Tombstone to the followers unless direct, to the accounts it mentioned,
// to the author of the status replied to and to the accounts that boosted
// it. A remote author's deletion is not ours to send (zero Outgoing).
func deleteOutgoing(ctx context.Context, q db.Querier, st *domain.Status) (Outgoing, error) {
	actor, err := localActorURI(ctx, q, st.AccountID)
	if err != nil || actor == "" {
		return Outgoing{}, err
	}
	uri := st.URI
	if uri == "" {
		uri = actor + "/statuses/" + st.ID.String()
	}
	if st.ReblogOfID != 0 {
		var origURI string
		var origAuthor int64
		err := q.QueryRowContext(ctx, `SELECT uri, account_id FROM statuses WHERE id = $1`, int64(st.ReblogOfID)).Scan(&origURI, &origAuthor)
		if err != nil {
			return Outgoing{}, notFound(err, "load boosted status")
		}
		if !strings.HasSuffix(uri, "/activity") {
			uri += "/activity"
		}
		return Outgoing{Type: "Undo", Object: "Announce", ActorID: st.AccountID, StatusID: st.ID, ActivityURI: uri,
			ObjectURI: origURI, Followers: true, To: []domain.ID{domain.ID(origAuthor)}}, nil
	}
	to, err := scanIDs(q.QueryContext(ctx, `SELECT account_id FROM mentions WHERE status_id = $1
		UNION SELECT account_id FROM statuses WHERE reblog_of_id = $1`, int64(st.ID)))
	if err != nil {
		return Outgoing{}, fmt.Errorf("find the audience of a deletion: %w", err)
	}
	if st.InReplyToAccountID != 0 && st.Visibility != domain.Direct {
		to = append(to, st.InReplyToAccountID)
	}
	return Outgoing{Type: "Delete", ActorID: st.AccountID, StatusID: st.ID, ObjectURI: uri, Visibility: st.Visibility,
		Followers: st.Visibility != domain.Direct, To: to}, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func parseJSONStrings(s string) []string {
	var out []string
	_ = json.Unmarshal([]byte(s), &out)
	if out == nil {
		out = []string{}
	}
	return out
}

// Vote records account's choices in the poll of status. The caller checked
// the choices against the poll; voting twice is refused.
func (s *Store) Vote(ctx context.Context, account, status domain.ID, choices []int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM poll_votes WHERE status_id = $1 AND account_id = $2`, int64(status), int64(account)).Scan(&n); err != nil {
			return fmt.Errorf("check votes: %w", err)
		}
		if n > 0 {
			return domain.Invalid("Validation failed: You have already voted on this poll")
		}
		var first domain.ID
		for _, c := range choices {
			id := s.IDs.Next()
			if first == 0 {
				first = id
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO poll_votes (id, status_id, account_id, choice, created_at) VALUES ($1, $2, $3, $4, $5)`,
				int64(id), int64(status), int64(account), c, s.nowMs()); err != nil {
				return fmt.Errorf("vote: %w", err)
			}
		}
		// A vote on a remote poll is sent to the poll's author only (and
		// counted in the tallies its server sent); a local poll's new
		// tallies go to the servers that have the poll.
		var author int64
		if err := tx.QueryRowContext(ctx, `SELECT account_id FROM statuses WHERE id = $1`, int64(status)).Scan(&author); err != nil {
			return notFound(err, "load poll status")
		}
		remote, err := isRemote(ctx, tx, domain.ID(author))
		if err != nil {
			return err
		}
		if remote {
			if err := countRemoteVote(ctx, tx, status, choices); err != nil {
				return err
			}
		}
		if s.Federator == nil {
			return nil
		}
		if !remote {
			return s.federatePollTally(ctx, tx, status)
		}
		return s.federate(ctx, tx, Outgoing{Type: "Create", Object: "Vote", ActorID: account, StatusID: status, RowID: first,
			Choices: choices, To: []domain.ID{domain.ID(author)}})
	})
}

// NotifyExpiredPolls sends the "poll" notification for every poll that has
// ended since the last run: to its local voters and its author. It is meant
// to run from a periodic job; it returns how many polls it closed.
func (s *Store) NotifyExpiredPolls(ctx context.Context) (int, error) {
	closed := 0
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		type ended struct{ status, author domain.ID }
		rows, err := tx.QueryContext(ctx, `SELECT p.status_id, s.account_id FROM polls p JOIN statuses s ON s.id = p.status_id
			WHERE p.expiry_notified = FALSE AND p.expires_at <= $1 LIMIT 500`, s.nowMs())
		if err != nil {
			return fmt.Errorf("find ended polls: %w", err)
		}
		var polls []ended
		for rows.Next() {
			var e ended
			if err := rows.Scan(&e.status, &e.author); err != nil {
				rows.Close()
				return err
			}
			polls = append(polls, e)
		}
		rows.Close()
		for _, p := range polls {
			voters, err := scanIDs(tx.QueryContext(ctx, `SELECT DISTINCT account_id FROM poll_votes WHERE status_id = $1`, int64(p.status)))
			if err != nil {
				return fmt.Errorf("find voters: %w", err)
			}
			for _, v := range voters {
				if err := s.InsertNotification(ctx, tx, &domain.Notification{AccountID: v, FromAccountID: p.author, Type: domain.NotifyPoll, StatusID: p.status}); err != nil {
					return err
				}
			}
			// The author hears about their own poll too: InsertNotification
			// skips self-notifications, so insert it directly.
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at)
				SELECT $1, $2, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM users WHERE account_id = $2)`,
				int64(s.IDs.Next()), int64(p.author), domain.NotifyPoll, int64(p.status), s.nowMs()); err != nil {
				return fmt.Errorf("notify poll author: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE polls SET expiry_notified = TRUE WHERE status_id = $1`, int64(p.status)); err != nil {
				return err
			}
			// The final tallies of a local poll reach the servers that
			// have it (a remote poll's author is not ours to federate).
			if err := s.federatePollTally(ctx, tx, p.status); err != nil {
				return err
			}
			closed++
		}
		return nil
	})
	return closed, err
}

// SetRemotePollTallies stores a remote poll's tallies as its server sent
// them (an Update of its Question, which Mastodon sends as votes come and
// when the poll closes): a count per option (refused unless there are as
// many as options), the voters count (nil when the server gave none) and
// the end (kept when zero). It is not an edit: no version is recorded.
func (s *Store) SetRemotePollTallies(ctx context.Context, status domain.ID, votes []int64, voters *int64, expiresAt time.Time) error {
	return s.setRemoteTallies(ctx, status, votes, voters, expiresAt, false)
}

// SetFirstRemotePollTallies is SetRemotePollTallies for the tallies a
// remote poll arrives with (its Create): kept only while no tallies were
// received, so that a Create delivered again after an Update does not
// bring back older counts. The end is kept.
func (s *Store) SetFirstRemotePollTallies(ctx context.Context, status domain.ID, votes []int64, voters *int64) error {
	return s.setRemoteTallies(ctx, status, votes, voters, time.Time{}, true)
}

func (s *Store) setRemoteTallies(ctx context.Context, status domain.ID, votes []int64, voters *int64, expiresAt time.Time, first bool) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var opts string
		err := tx.QueryRowContext(ctx, `SELECT p.options FROM polls p JOIN statuses s ON s.id = p.status_id
			WHERE p.status_id = $1 AND s.local = FALSE`, int64(status)).Scan(&opts)
		if err != nil {
			return notFound(err, "load remote poll")
		}
		if n := len(parseJSONStrings(opts)); n != len(votes) {
			return domain.Invalid("the poll has %d options, the tallies %d", n, len(votes))
		}
		var v any
		if voters != nil {
			v = *voters
		}
		exp := any(nil)
		if !expiresAt.IsZero() {
			exp = ms(expiresAt)
		}
		q := `UPDATE polls SET remote_votes = $2, remote_voters = $3, expires_at = COALESCE($4, expires_at) WHERE status_id = $1`
		if first {
			q += ` AND remote_votes = ''`
		}
		_, err = tx.ExecContext(ctx, q, int64(status), jsonText(votes), v, exp)
		if err != nil {
			return fmt.Errorf("set remote poll tallies: %w", err)
		}
		return nil
	})
}

// countRemoteVote adds a local vote to a remote poll's stored tallies, so
// that the voter sees it counted before the poll's server sends its next
// Update (which counts it too, and replaces these).
func countRemoteVote(ctx context.Context, tx *sql.Tx, status domain.ID, choices []int) error {
	var raw string
	var voters sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT remote_votes, remote_voters FROM polls WHERE status_id = $1`, int64(status)).Scan(&raw, &voters)
	if err != nil {
		return notFound(err, "load remote poll tallies")
	}
	if raw == "" {
		return nil // no tallies received: the local votes are counted
	}
	var votes []int64
	if err := json.Unmarshal([]byte(raw), &votes); err != nil {
		return nil // unreadable: replaced by the next Update
	}
	for _, c := range choices {
		if c >= 0 && c < len(votes) {
			votes[c]++
		}
	}
	var v any
	if voters.Valid {
		v = voters.Int64 + 1
	}
	_, err = tx.ExecContext(ctx, `UPDATE polls SET remote_votes = $2, remote_voters = $3 WHERE status_id = $1`, int64(status), jsonText(votes), v)
	if err != nil {
		return fmt.Errorf("count vote in remote tallies: %w", err)
	}
	return nil
}

// applyRemoteTallies replaces, in polls loaded by Polls, the counts of
// remote polls whose server sent tallies: theirs include every server's
// votes, local ones among them. Without a voters count, a single-choice
// poll's voters are its votes (a multiple-choice one keeps the local
// count). Polls calls it after counting the local votes.
func (s *Store) applyRemoteTallies(ctx context.Context, polls map[domain.ID]*Poll) error {
	if len(polls) == 0 {
		return nil
	}
	ids := make([]domain.ID, 0, len(polls))
	for id := range polls {
		ids = append(ids, id)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT status_id, remote_votes, remote_voters FROM polls
		WHERE status_id IN (`+placeholders(1, len(ids))+`) AND remote_votes <> ''`, idArgs(ids)...)
	if err != nil {
		return fmt.Errorf("load remote tallies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var raw string
		var voters sql.NullInt64
		if err := rows.Scan(&sid, &raw, &voters); err != nil {
			return err
		}
		p := polls[domain.ID(sid)]
		var votes []int64
		if p == nil || json.Unmarshal([]byte(raw), &votes) != nil || len(votes) != len(p.Options) {
			continue
		}
		p.Votes = votes
		switch {
		case voters.Valid:
			p.VotersCount = voters.Int64
		case !p.Multiple:
			p.VotersCount = 0
			for _, n := range votes {
				p.VotersCount += n
			}
		}
	}
	return rows.Err()
}

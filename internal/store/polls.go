package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

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
		if s.Federator == nil {
			return nil
		}
		// A vote on a remote poll is sent to the poll's author only; a
		// local poll's new tallies go to the servers that have the poll.
		var author int64
		if err := tx.QueryRowContext(ctx, `SELECT account_id FROM statuses WHERE id = $1`, int64(status)).Scan(&author); err != nil {
			return notFound(err, "load poll status")
		}
		if remote, err := isRemote(ctx, tx, domain.ID(author)); err != nil || !remote {
			if err != nil {
				return err
			}
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

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// notifyUnlessMuted notifies the author of st unless they muted its
// conversation.
func (s *Store) notifyUnlessMuted(ctx context.Context, q db.Querier, st *domain.Status, from domain.ID, kind string, statusID domain.ID) error {
	muted, err := conversationMuted(ctx, q, st.AccountID, st.ConversationID)
	if err != nil || muted {
		return err
	}
	return s.InsertNotification(ctx, q, &domain.Notification{AccountID: st.AccountID, FromAccountID: from, Type: kind, StatusID: statusID})
}

// Favourite records account's favourite of st, counts it and notifies the
// author; favouriting twice changes nothing.
func (s *Store) Favourite(ctx context.Context, account domain.ID, st *domain.Status) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		id := s.IDs.Next()
		res, err := tx.ExecContext(ctx, `INSERT INTO favourites (id, account_id, status_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, int64(id), int64(account), int64(st.ID), s.nowMs())
		if err != nil {
			return fmt.Errorf("favourite: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = $1`, int64(st.ID)); err != nil {
			return fmt.Errorf("count favourite: %w", err)
		}
		if err := s.notifyUnlessMuted(ctx, tx, st, account, domain.NotifyFavourite, st.ID); err != nil {
			return err
		}
		return s.federate(ctx, tx, Outgoing{Type: "Like", ActorID: account, StatusID: st.ID, RowID: id, To: []domain.ID{st.AccountID}})
	})
}

// Unfavourite removes a favourite and its notification.
func (s *Store) Unfavourite(ctx context.Context, account domain.ID, st *domain.Status) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `DELETE FROM favourites WHERE account_id = $1 AND status_id = $2 RETURNING id`, int64(account), int64(st.ID)).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("unfavourite: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET favourites_count = favourites_count - 1 WHERE id = $1 AND favourites_count > 0`, int64(st.ID)); err != nil {
			return fmt.Errorf("uncount favourite: %w", err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM notifications WHERE from_account_id = $1 AND status_id = $2 AND type = $3`, int64(account), int64(st.ID), domain.NotifyFavourite)
		if err != nil {
			return err
		}
		return s.federate(ctx, tx, Outgoing{Type: "Undo", Object: "Like", ActorID: account, StatusID: st.ID, RowID: domain.ID(id), To: []domain.ID{st.AccountID}})
	})
}

// ReblogOf returns the id of account's boost of status, or 0.
func (s *Store) ReblogOf(ctx context.Context, account, status domain.ID) (domain.ID, error) {
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, `SELECT id FROM statuses WHERE reblog_of_id = $1 AND account_id = $2`, int64(status), int64(account)))
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// CreateReblog writes a boost (boost.ReblogOfID = orig.ID), fans it out to
// the booster's followers who show boosts, counts it and notifies the
// original's author, in one transaction.
func (s *Store) CreateReblog(ctx context.Context, boost, orig *domain.Status) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insertStatus(ctx, tx, boost); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = $1`, int64(orig.ID)); err != nil {
			return fmt.Errorf("count boost: %w", err)
		}
		if err := fanOut(ctx, tx, boost, boost.AccountID); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: boost.ID, Account: boost.AccountID}); err != nil {
			return err
		}
		if err := s.notifyUnlessMuted(ctx, tx, orig, boost.AccountID, domain.NotifyReblog, boost.ID); err != nil {
			return err
		}
		return s.federate(ctx, tx, Outgoing{Type: "Announce", ActorID: boost.AccountID, StatusID: boost.ID, Followers: true, To: []domain.ID{orig.AccountID}})
	})
}

// SetBookmark adds or removes a bookmark.
func (s *Store) SetBookmark(ctx context.Context, account, status domain.ID, on bool) error {
	var err error
	if on {
		_, err = s.DB.W.ExecContext(ctx, `INSERT INTO bookmarks (id, account_id, status_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, int64(s.IDs.Next()), int64(account), int64(status), s.nowMs())
	} else {
		_, err = s.DB.W.ExecContext(ctx, `DELETE FROM bookmarks WHERE account_id = $1 AND status_id = $2`, int64(account), int64(status))
	}
	if err != nil {
		return fmt.Errorf("set bookmark: %w", err)
	}
	return nil
}

// Pin pins a status on its author's profile unless max are already pinned.
func (s *Store) Pin(ctx context.Context, account, status domain.ID, max int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var n, already int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status_id = $2 THEN 1 ELSE 0 END), 0)
			FROM pins WHERE account_id = $1`, int64(account), int64(status)).Scan(&n, &already); err != nil {
			return fmt.Errorf("count pins: %w", err)
		}
		if already > 0 {
			return nil
		}
		if n >= max {
			return domain.Invalid("Validation failed: You have already pinned the maximum number of posts (%d)", max)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pins (account_id, status_id, created_at) VALUES ($1, $2, $3)`, int64(account), int64(status), s.nowMs()); err != nil {
			return fmt.Errorf("pin: %w", err)
		}
		return s.federate(ctx, tx, Outgoing{Type: "Add", ActorID: account, StatusID: status, Followers: true})
	})
}

// Unpin removes a pin.
func (s *Store) Unpin(ctx context.Context, account, status domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM pins WHERE account_id = $1 AND status_id = $2`, int64(account), int64(status))
		if err != nil {
			return fmt.Errorf("unpin: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.federate(ctx, tx, Outgoing{Type: "Remove", ActorID: account, StatusID: status, Followers: true})
	})
}

// SetConversationMute mutes or unmutes a conversation for an account.
func (s *Store) SetConversationMute(ctx context.Context, account, conversation domain.ID, on bool) error {
	var err error
	if on {
		_, err = s.DB.W.ExecContext(ctx, `INSERT INTO conversation_mutes (account_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, int64(account), int64(conversation))
	} else {
		_, err = s.DB.W.ExecContext(ctx, `DELETE FROM conversation_mutes WHERE account_id = $1 AND conversation_id = $2`, int64(account), int64(conversation))
	}
	if err != nil {
		return fmt.Errorf("set conversation mute: %w", err)
	}
	return nil
}

// StatusEdit is one version of an edited status.
type StatusEdit struct {
	ID          domain.ID
	Content     string
	Text        string
	SpoilerText string
	Sensitive   bool
	PollOptions []string // nil without a poll
	CreatedAt   int64
}

// UpdateStatus saves an edit: the previous version goes to the history (the
// first edit also records the original), content, mentions and tags are
// replaced, a changed poll loses its votes, new mentions and boosters are
// notified, all in one transaction.
//
// media, when not nil, is the complete list of the status's attachments
// after the edit (nil keeps them as they are); so is policy for its
// interaction policy.
func (s *Store) UpdateStatus(ctx context.Context, prev, next *domain.Status, prevPoll, nextPoll *Poll, pollChanged bool, newMentions []domain.ID, media *[]domain.ID, policy *InteractionPolicy) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM status_edits WHERE status_id = $1`, int64(prev.ID)).Scan(&n); err != nil {
			return fmt.Errorf("count edits: %w", err)
		}
		if n == 0 {
			if err := s.insertEdit(ctx, tx, prev, prevPoll, prev.CreatedAt.UnixMilli()); err != nil {
				return err
			}
		}
		if err := s.insertEdit(ctx, tx, next, nextPoll, ms(*next.EditedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE statuses SET content = $2, text = $3, spoiler_text = $4, sensitive = $5, language = $6, edited_at = $7
			WHERE id = $1`, int64(next.ID), next.Content, next.Text, next.SpoilerText, next.Sensitive, next.Language, ms(*next.EditedAt))
		if err != nil {
			return fmt.Errorf("update status: %w", err)
		}
		if err := s.setMentionsAndTags(ctx, tx, next); err != nil {
			return err
		}
		if media != nil {
			if err := s.attachMedia(ctx, tx, next.ID, next.AccountID, *media); err != nil {
				return err
			}
		}
		if policy != nil {
			if err := setStatusInteractionPolicy(ctx, tx, next.ID, policy); err != nil {
				return err
			}
		}
		if pollChanged {
			if _, err := tx.ExecContext(ctx, `DELETE FROM polls WHERE status_id = $1`, int64(next.ID)); err != nil {
				return fmt.Errorf("replace poll: %w", err)
			}
			if nextPoll != nil {
				nextPoll.StatusID = next.ID
				if err := s.insertPoll(ctx, tx, nextPoll); err != nil {
					return err
				}
			}
		}
		if err := s.notifyMentions(ctx, tx, next, newMentions); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, Event{Kind: EventStatusUpdate, ID: next.ID, Account: next.AccountID}); err != nil {
			return err
		}
		boosters, err := scanIDs(tx.QueryContext(ctx, `SELECT DISTINCT account_id FROM statuses WHERE reblog_of_id = $1`, int64(next.ID)))
		if err != nil {
			return fmt.Errorf("find boosters: %w", err)
		}
		for _, b := range boosters {
			if err := s.InsertNotification(ctx, tx, &domain.Notification{AccountID: b, FromAccountID: next.AccountID, Type: domain.NotifyUpdate, StatusID: next.ID}); err != nil {
				return err
			}
		}
		if err := s.notifyQuotedUpdate(ctx, tx, next); err != nil {
			return err
		}
		o := statusOutgoing("Update", next)
		o.To = append(o.To, boosters...)
		return s.federate(ctx, tx, o)
	})
}

func (s *Store) insertEdit(ctx context.Context, q db.Querier, st *domain.Status, p *Poll, at int64) error {
	var opts any
	if p != nil {
		opts = jsonText(p.Options)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO status_edits (id, status_id, content, text, spoiler_text, sensitive, poll_options, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, int64(s.IDs.Next()), int64(st.ID), st.Content, st.Text, st.SpoilerText, st.Sensitive, opts, at)
	if err != nil {
		return fmt.Errorf("insert edit: %w", err)
	}
	return nil
}

// StatusEdits returns a status's versions, oldest first.
func (s *Store) StatusEdits(ctx context.Context, status domain.ID) ([]StatusEdit, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, content, text, spoiler_text, sensitive, poll_options, created_at
		FROM status_edits WHERE status_id = $1 ORDER BY id`, int64(status))
	if err != nil {
		return nil, fmt.Errorf("load edits: %w", err)
	}
	defer rows.Close()
	var out []StatusEdit
	for rows.Next() {
		var e StatusEdit
		var opts sql.NullString
		if err := rows.Scan(&e.ID, &e.Content, &e.Text, &e.SpoilerText, &e.Sensitive, &opts, &e.CreatedAt); err != nil {
			return nil, err
		}
		if opts.Valid {
			e.PollOptions = parseJSONStrings(opts.String)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

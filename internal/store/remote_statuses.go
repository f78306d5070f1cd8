package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// StatusByURI loads a status (or boost) by its ActivityPub id.
func (s *Store) StatusByURI(ctx context.Context, uri string) (*domain.Status, error) {
	st, err := scanStatus(s.DB.R.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM statuses s
		WHERE s.uri = $1 AND s.uri <> '' ORDER BY s.id LIMIT 1`, uri))
	return st, notFound(err, "load status by uri")
}

// StatusByURL loads a remote status by its web URL (search by URL).
func (s *Store) StatusByURL(ctx context.Context, url string) (*domain.Status, error) {
	st, err := scanStatus(s.DB.R.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM statuses s
		WHERE (s.uri = $1 OR s.url = $1) AND s.uri <> '' AND s.reblog_of_id IS NULL ORDER BY s.id LIMIT 1`, url))
	return st, notFound(err, "load status by url")
}

// CreateRemoteStatus stores a status received over federation with its
// mentions, tags and poll: the reply is counted on its parent, the status
// enters the home feeds of the author's local followers (the mentioned
// local accounts for a direct status) exactly as a local post does, and
// mentioned local accounts are notified. media are references to the
// remote files (remote_url, no stored file), attached in order. A status whose uri is already
// stored is not stored twice (created is false).
func (s *Store) CreateRemoteStatus(ctx context.Context, st *domain.Status, poll *Poll, media []*Media, notifyFollowers bool) (created bool, err error) {
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		created, err = s.createRemoteStatusTx(ctx, tx, tx, &RemoteStatusWrite{Status: st, Poll: poll, Media: media, NotifyFollowers: notifyFollowers})
		return err
	})
	return created && err == nil, err
}

// createRemoteStatusTx is CreateRemoteStatus's work inside tx. q runs the
// statements on tx (a statement cache of tx in a batch, see
// CreateRemoteStatuses); events and notifications go through tx itself,
// since on SQLite they wait for its commit only when given the *sql.Tx.
func (s *Store) createRemoteStatusTx(ctx context.Context, tx *sql.Tx, q db.Querier, w *RemoteStatusWrite) (bool, error) {
	st := w.Status
	var one int
	// uri <> '' lets the lookup use the partial unique index
	// statuses_uri; without it SQLite scanned the whole table (a third
	// of the cost of storing a remote status with 100,000 posts).
	err := q.QueryRowContext(ctx, `SELECT 1 FROM statuses WHERE uri = $1 AND uri <> ''`, st.URI).Scan(&one)
	if err == nil {
		return false, nil
	}
	if err != sql.ErrNoRows {
		return false, fmt.Errorf("check status uri: %w", err)
	}
	if err := s.freeRemoteID(ctx, q, st); err != nil {
		return false, err
	}
	if err := s.insertStatus(ctx, q, st); err != nil {
		return false, err
	}
	if err := s.setMentionsAndTags(ctx, q, st); err != nil {
		return false, err
	}
	if w.Poll != nil {
		w.Poll.StatusID = st.ID
		if err := s.insertPoll(ctx, q, w.Poll); err != nil {
			return false, err
		}
	}
	for i, m := range w.Media {
		now := s.nowMs()
		_, err := q.ExecContext(ctx, `INSERT INTO media_attachments (id, account_id, status_id, position, type, content_type,
			file_key, remote_url, description, blurhash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $10)`,
			int64(s.IDs.Next()), int64(st.AccountID), int64(st.ID), i, m.Type, m.ContentType, m.RemoteURL, m.Description, m.Blurhash, now)
		if err != nil {
			return false, fmt.Errorf("insert remote media: %w", err)
		}
	}
	if st.InReplyToID != 0 {
		if _, err := q.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count + 1 WHERE id = $1`, int64(st.InReplyToID)); err != nil {
			return false, fmt.Errorf("count reply: %w", err)
		}
	}
	if err := fanOutRemote(ctx, q, st); err != nil {
		return false, err
	}
	if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: st.ID, Account: st.AccountID}); err != nil {
		return false, err
	}
	if err := s.notifyMentions(ctx, tx, st, st.MentionedAccountIDs); err != nil {
		return false, err
	}
	if w.NotifyFollowers {
		// Most authors have no follower asking for notifications: the
		// probe runs through q's cached statement, notifyFollowers only
		// when someone does.
		err := q.QueryRowContext(ctx, `SELECT 1 FROM follows f JOIN users u ON u.account_id = f.account_id
			WHERE f.target_account_id = $1 AND f.notify = $2 LIMIT 1`, int64(st.AccountID), true).Scan(&one)
		if err != nil && err != sql.ErrNoRows {
			return false, fmt.Errorf("find notified followers: %w", err)
		}
		if err == nil {
			if err := s.notifyFollowers(ctx, tx, st); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// freeRemoteID draws st's id again while it is taken. A remote status's id
// is made from its published time and 16 random bits (IDGen.At), and notes
// published in the same millisecond (a burst from one server, times given
// to the second) draw the same id often enough to fail an activity in a few
// hundred: it keeps its millisecond and takes other random bits.
func (s *Store) freeRemoteID(ctx context.Context, q db.Querier, st *domain.Status) error {
	for range 8 {
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM statuses WHERE id = $1`, int64(st.ID)).Scan(&one)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("check status id: %w", err)
		}
		old := st.ID
		st.ID = s.IDs.At(fromMs(int64(old) >> 16))
		if st.ConversationID == old {
			st.ConversationID = st.ID
		}
	}
	return fmt.Errorf("insert remote status: no free id in the millisecond of %d", int64(st.ID)>>16)
}

// fanOutRemote is fanOut for a remote author, who has no home feed here:
// only local readers get the status, in one statement. (WHERE TRUE lets
// SQLite parse ON CONFLICT after a SELECT.)
func fanOutRemote(ctx context.Context, q db.Querier, st *domain.Status) error {
	readers := `SELECT f.account_id FROM follows f JOIN users u ON u.account_id = f.account_id WHERE f.target_account_id = $2`
	if st.Visibility == domain.Direct {
		readers = `SELECT m.account_id FROM mentions m JOIN users u ON u.account_id = m.account_id WHERE m.status_id = $1`
	}
	// Readers who block the author's domain get nothing: the home feed is
	// filtered when written (see BlockDomain).
	_, err := q.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
		SELECT r.account_id, $1, $2, $2 FROM (`+readers+`) r
		WHERE NOT EXISTS (SELECT 1 FROM user_domain_blocks ub WHERE ub.account_id = r.account_id
			AND ub.domain = (SELECT da.domain FROM accounts da WHERE da.id = $2))
		ON CONFLICT DO NOTHING`, int64(st.ID), int64(st.AccountID))
	if err != nil {
		return fmt.Errorf("fan out remote status: %w", err)
	}
	return nil
}

// FavouriteRemote records a remote account's Like of st with the Like's id
// (so that its Undo can name it), counts it and notifies the author;
// liking twice changes nothing.
func (s *Store) FavouriteRemote(ctx context.Context, account domain.ID, st *domain.Status, uri string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO favourites (id, account_id, status_id, uri, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, int64(s.IDs.Next()), int64(account), int64(st.ID), uri, s.nowMs())
		if err != nil {
			return fmt.Errorf("favourite: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = $1`, int64(st.ID)); err != nil {
			return fmt.Errorf("count favourite: %w", err)
		}
		return s.notifyUnlessMuted(ctx, tx, st, account, domain.NotifyFavourite, st.ID)
	})
}

// FavouriteByURI returns the account and status of the favourite with
// this ActivityPub id.
func (s *Store) FavouriteByURI(ctx context.Context, uri string) (account, status domain.ID, err error) {
	var a, st int64
	err = s.DB.R.QueryRowContext(ctx, `SELECT account_id, status_id FROM favourites WHERE uri = $1 AND uri <> ''`, uri).Scan(&a, &st)
	return domain.ID(a), domain.ID(st), notFound(err, "load favourite by uri")
}

// FollowByURI finds the follow or pending follow request whose Follow
// activity had this id.
func (s *Store) FollowByURI(ctx context.Context, uri string) (from, to domain.ID, pending bool, err error) {
	var a, t int64
	err = s.DB.R.QueryRowContext(ctx, `SELECT account_id, target_account_id FROM follow_requests WHERE uri = $1 AND uri <> ''`, uri).Scan(&a, &t)
	if err == nil {
		return domain.ID(a), domain.ID(t), true, nil
	}
	if err != sql.ErrNoRows {
		return 0, 0, false, fmt.Errorf("load follow request by uri: %w", err)
	}
	err = s.DB.R.QueryRowContext(ctx, `SELECT account_id, target_account_id FROM follows WHERE uri = $1 AND uri <> ''`, uri).Scan(&a, &t)
	return domain.ID(a), domain.ID(t), false, notFound(err, "load follow by uri")
}

// HasFollowRequest reports whether from asked to follow to.
func (s *Store) HasFollowRequest(ctx context.Context, from, to domain.ID) (bool, error) {
	return exists(ctx, s.DB.R, `SELECT 1 FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`, from, to)
}

// HasLocalFollowers reports whether any local account follows account (a
// remote status nobody here follows, mentions or replies to need not be
// stored).
func (s *Store) HasLocalFollowers(ctx context.Context, account domain.ID) (bool, error) {
	var one int
	err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM follows f JOIN users u ON u.account_id = f.account_id
		WHERE f.target_account_id = $1 LIMIT 1`, int64(account)).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// VoteRemote records one choice of a remote account in a local poll (a
// remote server sends one vote per choice). A single-choice poll takes one
// vote per account; the same choice twice is recorded once.
func (s *Store) VoteRemote(ctx context.Context, account, status domain.ID, choice int, multiple bool) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if !multiple {
			voted, err := exists(ctx, tx, `SELECT 1 FROM poll_votes WHERE status_id = $1 AND account_id = $2`, status, account)
			if err != nil || voted {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO poll_votes (id, status_id, account_id, choice, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, int64(s.IDs.Next()), int64(status), int64(account), choice, s.nowMs())
		if err != nil {
			return fmt.Errorf("vote: %w", err)
		}
		return s.federatePollTally(ctx, tx, status)
	})
}

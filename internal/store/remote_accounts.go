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

// RemoteAccount is a remote actor as federation stores it: the account and
// what only federation reads.
type RemoteAccount struct {
	Account     *domain.Account
	AlsoKnownAs []string
	MovedToURI  string    // resolved to MovedToAccountID by the caller
	FeaturedURL string    // its featured (pinned posts) collection
	FetchedAt   time.Time // zero when never fetched
}

// AccountByURI loads an account by its ActivityPub id.
func (s *Store) AccountByURI(ctx context.Context, uri string) (*domain.Account, error) {
	a, err := scanAccount(s.DB.R.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE a.uri = $1 AND a.uri <> ''`, uri))
	return a, notFound(err, "load account by uri")
}

// AccountByURL loads a remote account by its profile URL (search by URL).
func (s *Store) AccountByURL(ctx context.Context, url string) (*domain.Account, error) {
	a, err := scanAccount(s.DB.R.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a
		WHERE (a.url = $1 OR a.uri = $1) AND a.domain <> '' ORDER BY a.id LIMIT 1`, url))
	return a, notFound(err, "load account by url")
}

// RemoteAccountByURI loads a remote account with its federation data.
func (s *Store) RemoteAccountByURI(ctx context.Context, uri string) (*RemoteAccount, error) {
	var x accountScan
	var aka, featured string
	var fetched sql.NullInt64
	err := s.DB.R.QueryRowContext(ctx, `SELECT `+accountColumns+`, a.also_known_as, a.fetched_at, a.featured_url
		FROM accounts a WHERE a.uri = $1 AND a.domain <> ''`, uri).Scan(append(x.dest(), &aka, &fetched, &featured)...)
	if err != nil {
		return nil, notFound(err, "load remote account")
	}
	r := &RemoteAccount{Account: x.finish(), FeaturedURL: featured}
	_ = json.Unmarshal([]byte(aka), &r.AlsoKnownAs)
	if fetched.Valid {
		r.FetchedAt = fromMs(fetched.Int64)
	}
	return r, nil
}

// UpsertRemoteAccount stores a fetched remote actor: a new account, or the
// update of the one with the same uri (or, when the actor's id changed,
// the same handle). The account's id is set on r.Account. SilencedAt is
// stored for a new account only (a silenced domain's mark; an existing
// account's restrictions are moderation's).
func (s *Store) UpsertRemoteAccount(ctx context.Context, r *RemoteAccount) error {
	a := r.Account
	a.Domain = strings.ToLower(a.Domain)
	if a.Domain == "" || a.URI == "" {
		return domain.Invalid("a remote account needs a domain and a uri")
	}
	aka, _ := json.Marshal(r.AlsoKnownAs)
	if r.AlsoKnownAs == nil {
		aka = []byte("[]")
	}
	fields, _ := json.Marshal(a.Fields)
	if a.Fields == nil {
		fields = []byte("[]")
	}
	err := s.upsertRemoteAccount(ctx, r, string(aka), string(fields))
	if domain.KindOf(err) == domain.KindConflict {
		// Another worker stored the same actor meanwhile: update its row.
		err = s.upsertRemoteAccount(ctx, r, string(aka), string(fields))
	}
	return err
}

func (s *Store) upsertRemoteAccount(ctx context.Context, r *RemoteAccount, aka, fields string) error {
	a := r.Account
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE uri = $1 AND domain <> ''`, a.URI).Scan(&id)
		if err == sql.ErrNoRows {
			err = tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE lower(username) = $1 AND domain = $2`,
				strings.ToLower(a.Username), a.Domain).Scan(&id)
		}
		now := s.nowMs()
		switch {
		case err == sql.ErrNoRows:
			a.ID = s.IDs.Next()
			a.CreatedAt, a.UpdatedAt = s.Now(), s.Now()
			if err := insertAccount(ctx, tx, a); err != nil {
				return err
			}
			if a.SilencedAt != nil { // a new account of a silenced domain
				if _, err := tx.ExecContext(ctx, `UPDATE accounts SET silenced_at = $2 WHERE id = $1`, int64(a.ID), ms(*a.SilencedAt)); err != nil {
					return fmt.Errorf("silence remote account: %w", err)
				}
			}
		case err != nil:
			return fmt.Errorf("find remote account: %w", err)
		default:
			a.ID = domain.ID(id)
			_, err := tx.ExecContext(ctx, `UPDATE accounts SET username = $2, display_name = $3, note = $4, fields = $5,
				locked = $6, bot = $7, discoverable = $8, indexable = $9, avatar_url = $10, header_url = $11,
				uri = $12, url = $13, inbox_url = $14, shared_inbox_url = $15, followers_url = $16, public_key = $17,
				updated_at = $18 WHERE id = $1`,
				id, a.Username, a.DisplayName, a.Note, fields, a.Locked, a.Bot, a.Discoverable, a.Indexable,
				a.AvatarURL, a.HeaderURL, a.URI, a.URL, a.InboxURL, a.SharedInboxURL, a.FollowersURL, a.PublicKey, now)
			if db.IsUniqueViolation(err) {
				return domain.E(domain.KindConflict, "another account has the handle %s@%s", a.Username, a.Domain)
			}
			if err != nil {
				return fmt.Errorf("update remote account: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET also_known_as = $2, fetched_at = $3, moved_to_account_id = $4, featured_url = $5
			WHERE id = $1`, int64(a.ID), aka, now, nullID(a.MovedToAccountID), r.FeaturedURL)
		if err != nil {
			return fmt.Errorf("update remote account: %w", err)
		}
		return nil
	})
}

// DeleteRemoteAccountContent removes what a remote account left here when
// its actor was deleted: its statuses (with their boosts and feed entries),
// favourites, follows both ways, pending requests and notifications; the
// account row stays, suspended, so that its handle cannot be reused by a
// forged actor. Its remote_suspended_at records that the suspension came
// from the account's server.
func (s *Store) DeleteRemoteAccountContent(ctx context.Context, account domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		ids, err := scanIDs(tx.QueryContext(ctx, `SELECT id FROM statuses WHERE account_id = $1`, int64(account)))
		if err != nil {
			return fmt.Errorf("find statuses: %w", err)
		}
		if err := s.emitDeletes(ctx, tx, ids); err != nil {
			return err
		}
		for _, id := range ids {
			var parent, reblog sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT in_reply_to_id, reblog_of_id FROM statuses WHERE id = $1`, int64(id)).Scan(&parent, &reblog)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return fmt.Errorf("load status: %w", err)
			}
			if parent.Valid {
				if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count - 1 WHERE id = $1 AND replies_count > 0`, parent.Int64); err != nil {
					return err
				}
			}
			if reblog.Valid {
				if _, err := tx.ExecContext(ctx, `UPDATE statuses SET reblogs_count = reblogs_count - 1 WHERE id = $1 AND reblogs_count > 0`, reblog.Int64); err != nil {
					return err
				}
			}
			boosts, err := scanIDs(tx.QueryContext(ctx, `SELECT id FROM statuses WHERE reblog_of_id = $1`, int64(id)))
			if err != nil {
				return err
			}
			for _, b := range append(boosts, id) {
				if err := deleteStatusRow(ctx, tx, b); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET favourites_count = favourites_count - 1
			WHERE favourites_count > 0 AND id IN (SELECT status_id FROM favourites WHERE account_id = $1)`, int64(account)); err != nil {
			return fmt.Errorf("uncount favourites: %w", err)
		}
		targets, err := scanIDs(tx.QueryContext(ctx, `SELECT target_account_id FROM follows WHERE account_id = $1`, int64(account)))
		if err != nil {
			return err
		}
		for _, t := range targets {
			if err := unfollow(ctx, tx, account, t); err != nil {
				return err
			}
		}
		followers, err := scanIDs(tx.QueryContext(ctx, `SELECT account_id FROM follows WHERE target_account_id = $1`, int64(account)))
		if err != nil {
			return err
		}
		for _, f := range followers {
			if err := unfollow(ctx, tx, f, account); err != nil {
				return err
			}
		}
		for _, stmt := range []string{
			`DELETE FROM favourites WHERE account_id = $1`,
			`DELETE FROM follow_requests WHERE account_id = $1 OR target_account_id = $1`,
			`DELETE FROM notifications WHERE from_account_id = $1`,
			// A suspension decided here stays as it was, without the
			// remote mark: the remote server never lifts it (see
			// ReinstateRemoteAccount). SET reads the row as it was.
			`UPDATE accounts SET suspended_at = COALESCE(suspended_at, $2),
				remote_suspended_at = CASE WHEN suspended_at IS NULL THEN $2 ELSE remote_suspended_at END,
				statuses_count = 0 WHERE id = $1`,
		} {
			args := []any{int64(account)}
			if strings.Contains(stmt, "$2") {
				args = append(args, s.nowMs())
			}
			if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
				return fmt.Errorf("delete remote account content: %w", err)
			}
		}
		return nil
	})
}

// ReinstateRemoteAccount lifts the suspension of a remote account that its
// own server had deleted (DeleteRemoteAccountContent), when the caller
// fetched its actor again from that server: as Mastodon, a suspension
// decided here is never lifted this way. It reports whether the account
// was reinstated. What the deletion removed (statuses, follows) stays
// removed.
func (s *Store) ReinstateRemoteAccount(ctx context.Context, account domain.ID) (bool, error) {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE accounts SET suspended_at = NULL, remote_suspended_at = NULL, updated_at = $2
		WHERE id = $1 AND domain <> '' AND remote_suspended_at IS NOT NULL AND suspended_at = remote_suspended_at`,
		int64(account), s.nowMs())
	if err != nil {
		return false, fmt.Errorf("reinstate remote account: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemotelySuspended reports whether a remote account is suspended only
// because its own server deleted its actor (see ReinstateRemoteAccount).
func (s *Store) RemotelySuspended(ctx context.Context, account domain.ID) (bool, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = $1 AND domain <> ''
		AND remote_suspended_at IS NOT NULL AND suspended_at = remote_suspended_at`, int64(account)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check remote suspension: %w", err)
	}
	return n > 0, nil
}

// MovedFollow is a local follow of an account that moved: the follower
// and the options to follow the new account with.
type MovedFollow struct {
	Follower domain.ID
	Options  FollowOptions
}

// MoveFollowers records that account moved to target and ends the follows
// of account by local followers who do not block target (telling the
// account's server when it is remote), returning them
// with their options so that the caller follows target in their name
// (through the social graph's rules, which send the Follow).
func (s *Store) MoveFollowers(ctx context.Context, account, target domain.ID) ([]MovedFollow, error) {
	var moved []MovedFollow
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET moved_to_account_id = $2 WHERE id = $1`, int64(account), int64(target)); err != nil {
			return fmt.Errorf("mark moved: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT f.account_id, f.show_reblogs, f.notify, f.languages
			FROM follows f JOIN users u ON u.account_id = f.account_id
			WHERE f.target_account_id = $1
			  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = f.account_id AND b.target_account_id = $2)`,
			int64(account), int64(target))
		if err != nil {
			return fmt.Errorf("find local followers: %w", err)
		}
		for rows.Next() {
			var f int64
			var reblogs, notify bool
			var langs string
			if err := rows.Scan(&f, &reblogs, &notify, &langs); err != nil {
				rows.Close()
				return err
			}
			o := FollowOptions{ShowReblogs: &reblogs, Notify: &notify}
			if langs != "" {
				l := splitLanguages(langs)
				o.Languages = &l
			}
			moved = append(moved, MovedFollow{Follower: domain.ID(f), Options: o})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range moved {
			// The old account's server hears of the unfollow (an Undo of
			// the Follow), as Mastodon's move does.
			f, err := endFollow(ctx, tx, m.Follower, account)
			if err != nil {
				return err
			}
			if f != nil {
				if err := s.federate(ctx, tx, Outgoing{Type: "Undo", Object: "Follow", ActorID: m.Follower, TargetID: account,
					RowID: f.id, ActivityURI: f.uri, To: []domain.ID{account}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return moved, err
}

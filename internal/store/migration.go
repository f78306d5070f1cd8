package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// MaxAliases bounds an account's alsoKnownAs (documented in docs/api.md).
const MaxAliases = 10

// AccountAliases returns the ActivityPub ids an account says it is also
// known as (its alsoKnownAs): set by its owner for a local account, read
// from its actor for a remote one.
func (s *Store) AccountAliases(ctx context.Context, account domain.ID) ([]string, error) {
	var aka string
	err := s.DB.R.QueryRowContext(ctx, `SELECT also_known_as FROM accounts WHERE id = $1`, int64(account)).Scan(&aka)
	if err != nil {
		return nil, notFound(err, "load aliases")
	}
	return parseJSONStrings(aka), nil
}

// SetAliases replaces a local account's aliases and, in the same
// transaction, federates the Update of its actor (alsoKnownAs) to its
// followers.
func (s *Store) SetAliases(ctx context.Context, account domain.ID, aliases []string) error {
	if len(aliases) > MaxAliases {
		return domain.Invalid("also_known_as: at most %d aliases", MaxAliases).Tr("err_aliases_many", MaxAliases)
	}
	if aliases == nil {
		aliases = []string{}
	}
	b, _ := json.Marshal(aliases)
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET also_known_as = $2, updated_at = $3 WHERE id = $1 AND domain = ''`,
			int64(account), string(b), s.nowMs())
		if err != nil {
			return fmt.Errorf("set aliases: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound()
		}
		return s.federate(ctx, tx, Outgoing{Type: "Update", Object: "Person", ActorID: account, Followers: true})
	})
}

// LastMove returns when account last moved (zero when never).
func (s *Store) LastMove(ctx context.Context, account domain.ID) (time.Time, error) {
	var at sql.NullInt64
	err := s.DB.R.QueryRowContext(ctx, `SELECT MAX(created_at) FROM account_moves WHERE account_id = $1`, int64(account)).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("load last move: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return fromMs(at.Int64), nil
}

// RecordMove records that account moved to target, unless it already
// moved within cooldown (a KindRateLimited error, with nothing changed):
// the move row and moved_to_account_id, and, for a local account, the
// Move and the Update of its actor (movedTo) to its followers, in the same
// transaction. Followers are switched by MoveFollowers.
func (s *Store) RecordMove(ctx context.Context, account, target domain.ID, cooldown time.Duration) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM account_moves WHERE account_id = $1 AND created_at > $2`,
			int64(account), ms(s.Now().Add(-cooldown))).Scan(&recent); err != nil {
			return fmt.Errorf("check move cooldown: %w", err)
		}
		if recent > 0 {
			return domain.E(domain.KindRateLimited, "This account moved less than %d days ago; it cannot move again yet", int(cooldown.Hours()/24)).Tr("err_move_cooldown", int(cooldown.Hours()/24))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO account_moves (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4)`,
			int64(s.IDs.Next()), int64(account), int64(target), s.nowMs()); err != nil {
			return fmt.Errorf("record move: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET moved_to_account_id = $2, updated_at = $3 WHERE id = $1`,
			int64(account), int64(target), s.nowMs()); err != nil {
			return fmt.Errorf("mark moved: %w", err)
		}
		if err := s.federate(ctx, tx, Outgoing{Type: "Update", Object: "Person", ActorID: account, Followers: true}); err != nil {
			return err
		}
		return s.federate(ctx, tx, Outgoing{Type: "Move", ActorID: account, TargetID: target, Followers: true})
	})
}

// CancelMove ends a local account's moved state (Mastodon's "cancel
// redirect"): it may post again, and every server that knows it receives
// the Update of its actor, now without movedTo, in the same transaction.
// Followers who already followed the new account stay with it, and the
// move row stays: the cooldown before another move still counts from it.
func (s *Store) CancelMove(ctx context.Context, account domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET moved_to_account_id = NULL, updated_at = $2
			WHERE id = $1 AND domain = '' AND moved_to_account_id IS NOT NULL`, int64(account), s.nowMs())
		if err != nil {
			return fmt.Errorf("cancel move: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Invalid("This account has not moved").Tr("err_not_moved")
		}
		// Known, not only followers: most followers followed the new
		// account, and their servers keep the movedTo until told.
		return s.federate(ctx, tx, Outgoing{Type: "Update", Object: "Person", ActorID: account, Followers: true, Known: true})
	})
}

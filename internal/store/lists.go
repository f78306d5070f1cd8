package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agora-social/agora/internal/domain"
)

// List is a user's list of followed accounts.
type List struct {
	ID            domain.ID
	AccountID     domain.ID
	Title         string
	RepliesPolicy string // followed | list | none
	Exclusive     bool
}

const listColumns = `id, account_id, title, replies_policy, exclusive`

func scanList(r scanner) (*List, error) {
	var l List
	if err := r.Scan(&l.ID, &l.AccountID, &l.Title, &l.RepliesPolicy, &l.Exclusive); err != nil {
		return nil, err
	}
	return &l, nil
}

func scanLists(rows *sql.Rows, err error) ([]*List, error) {
	if err != nil {
		return nil, fmt.Errorf("load lists: %w", err)
	}
	defer rows.Close()
	out := []*List{}
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Lists returns the lists owned by owner, oldest first.
func (s *Store) Lists(ctx context.Context, owner domain.ID) ([]*List, error) {
	return scanLists(s.DB.R.QueryContext(ctx, `SELECT `+listColumns+` FROM lists WHERE account_id = $1 ORDER BY id`, int64(owner)))
}

// List loads one of owner's lists; another account's list is "not found".
func (s *Store) List(ctx context.Context, owner, id domain.ID) (*List, error) {
	l, err := scanList(s.DB.R.QueryRowContext(ctx, `SELECT `+listColumns+` FROM lists WHERE id = $1 AND account_id = $2`, int64(id), int64(owner)))
	return l, notFound(err, "load list")
}

// ListsContaining returns owner's lists that have member in them.
func (s *Store) ListsContaining(ctx context.Context, owner, member domain.ID) ([]*List, error) {
	return scanLists(s.DB.R.QueryContext(ctx, `SELECT `+listColumns+` FROM lists
		WHERE account_id = $1 AND id IN (SELECT list_id FROM list_accounts WHERE account_id = $2) ORDER BY id`,
		int64(owner), int64(member)))
}

// CreateList inserts l unless owner already has maxLists lists; the count
// and the insert share one transaction so concurrent requests cannot pass
// the limit together.
func (s *Store) CreateList(ctx context.Context, l *List, maxLists int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM lists WHERE account_id = $1`, int64(l.AccountID)).Scan(&n); err != nil {
			return fmt.Errorf("count lists: %w", err)
		}
		if n >= maxLists {
			return domain.Invalid("You cannot have more than %d lists", maxLists)
		}
		l.ID = s.IDs.Next()
		_, err := tx.ExecContext(ctx, `INSERT INTO lists (id, account_id, title, replies_policy, exclusive, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, int64(l.ID), int64(l.AccountID), l.Title, l.RepliesPolicy, l.Exclusive, s.nowMs())
		if err != nil {
			return fmt.Errorf("insert list: %w", err)
		}
		return nil
	})
}

// UpdateList saves title, replies policy and exclusivity of owner's list.
func (s *Store) UpdateList(ctx context.Context, l *List) error {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE lists SET title = $3, replies_policy = $4, exclusive = $5
		WHERE id = $1 AND account_id = $2`, int64(l.ID), int64(l.AccountID), l.Title, l.RepliesPolicy, l.Exclusive)
	return affectedOne(res, err, "update list")
}

// DeleteList deletes owner's list and its members.
func (s *Store) DeleteList(ctx context.Context, owner, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM lists WHERE id = $1 AND account_id = $2`, int64(id), int64(owner))
	return affectedOne(res, err, "delete list")
}

// affectedOne turns "no row changed" into not found.
func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return domain.NotFound()
	}
	return nil
}

// ListMembers returns a page of a list's members: account ids with the
// list_accounts ids that pagination uses. Limit 0 means all.
func (s *Store) ListMembers(ctx context.Context, listID domain.ID, p domain.Page) (accountIDs, pageIDs []domain.ID, err error) {
	where, order, args := PageClause("id", p, 2)
	q := `SELECT id, account_id FROM list_accounts WHERE list_id = $1 AND ` + where + ` ORDER BY ` + order
	if p.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", p.Limit)
	}
	rows, err := s.DB.R.QueryContext(ctx, q, append([]any{int64(listID)}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, acct int64
		if err := rows.Scan(&id, &acct); err != nil {
			return nil, nil, err
		}
		pageIDs = append(pageIDs, domain.ID(id))
		accountIDs = append(accountIDs, domain.ID(acct))
	}
	if p.MinID != 0 {
		Reverse(pageIDs)
		Reverse(accountIDs)
	}
	return accountIDs, pageIDs, rows.Err()
}

// AddListMembers adds accounts to owner's list. Every account must exist
// (else not found) and be followed by owner (else invalid), as Mastodon
// requires; accounts already in the list are left as they are.
func (s *Store) AddListMembers(ctx context.Context, owner, listID domain.ID, accountIDs []domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM lists WHERE id = $1 AND account_id = $2`, int64(listID), int64(owner)).Scan(&one)
		if err != nil {
			return notFound(err, "load list")
		}
		for _, id := range accountIDs {
			var followID sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT (SELECT f.id FROM follows f WHERE f.account_id = $1 AND f.target_account_id = a.id)
				FROM accounts a WHERE a.id = $2`, int64(owner), int64(id)).Scan(&followID)
			if err != nil {
				return notFound(err, "load account")
			}
			if !followID.Valid {
				return domain.Invalid("You must follow account %s before adding it to a list", id)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO list_accounts (id, list_id, account_id, follow_id, created_at)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (list_id, account_id) DO NOTHING`,
				int64(s.IDs.Next()), int64(listID), int64(id), followID.Int64, s.nowMs())
			if err != nil {
				return fmt.Errorf("add list member: %w", err)
			}
		}
		return nil
	})
}

// RemoveListMembers removes accounts from owner's list.
func (s *Store) RemoveListMembers(ctx context.Context, owner, listID domain.ID, accountIDs []domain.ID) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM lists WHERE id = $1 AND account_id = $2`, int64(listID), int64(owner)).Scan(&one)
		if err != nil {
			return notFound(err, "load list")
		}
		if len(accountIDs) == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM list_accounts WHERE list_id = $1 AND account_id IN (`+placeholders(2, len(accountIDs))+`)`,
			append([]any{int64(listID)}, idArgs(accountIDs)...)...)
		if err != nil {
			return fmt.Errorf("remove list members: %w", err)
		}
		return nil
	})
}

// ListTimeline returns a page of status ids for owner's list: the owner's
// home feed restricted to the list's members, with the list's replies
// policy applied and blocked or muted authors left out.
func (s *Store) ListTimeline(ctx context.Context, owner domain.ID, l *List, p domain.Page) ([]domain.ID, error) {
	q, args := ListTimelineQuery(owner, l, p, s.nowMs())
	ids, err := scanIDs(s.DB.R.QueryContext(ctx, q, args...))
	if err != nil {
		return nil, fmt.Errorf("list timeline: %w", err)
	}
	if p.MinID != 0 {
		Reverse(ids)
	}
	return ids, nil
}

// ListTimelineQuery builds ListTimeline's SQL and arguments (exported so
// tests can check its query plan).
func ListTimelineQuery(owner domain.ID, l *List, p domain.Page, nowMs int64) (string, []any) {
	where, order, args := PageClause("h.status_id", p, 4)
	var replies string
	switch l.RepliesPolicy {
	case "none":
		replies = `AND (st.in_reply_to_account_id IS NULL OR st.in_reply_to_account_id = st.account_id)`
	case "followed":
		replies = `AND (st.in_reply_to_account_id IS NULL OR st.in_reply_to_account_id IN (st.account_id, $1)
			OR EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = st.in_reply_to_account_id))`
	default: // list
		replies = `AND (st.in_reply_to_account_id IS NULL OR st.in_reply_to_account_id = st.account_id
			OR EXISTS (SELECT 1 FROM list_accounts r WHERE r.list_id = $2 AND r.account_id = st.in_reply_to_account_id))`
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	q := `SELECT h.status_id FROM home_feed h JOIN statuses st ON st.id = h.status_id
		WHERE h.account_id = $1
		  AND h.author_id IN (SELECT account_id FROM list_accounts WHERE list_id = $2)
		  ` + replies + `
		  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1 AND b.target_account_id IN (h.author_id, h.origin_author_id))
		  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.target_account_id = $1 AND b.account_id IN (h.author_id, h.origin_author_id))
		  AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_account_id IN (h.author_id, h.origin_author_id)
		                  AND (m.expires_at IS NULL OR m.expires_at > $3))
		  AND ` + where + ` ORDER BY ` + order + fmt.Sprintf(" LIMIT %d", limit)
	return q, append([]any{int64(owner), int64(l.ID), nowMs}, args...)
}

// ExclusiveListAuthorFilter returns a SQL condition that leaves out of a
// home timeline the authors who are members of the owner's exclusive lists:
// authorCol is the author column (such as "h.author_id") and ownerArg the
// placeholder number bound to the owner's account id. The home timeline
// query appends "AND " + this condition.
func ExclusiveListAuthorFilter(authorCol string, ownerArg int) string {
	// NOT EXISTS rather than NOT IN: PostgreSQL plans it as an anti-join and
	// keeps walking the feed's primary key in order.
	return fmt.Sprintf(`NOT EXISTS (SELECT 1 FROM list_accounts la JOIN lists l ON l.id = la.list_id
		WHERE l.account_id = $%d AND l.exclusive = TRUE AND la.account_id = %s)`, ownerArg, authorCol)
}

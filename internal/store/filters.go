package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// Filter is a user's content filter (Mastodon's v2 filter) with its
// keywords and statuses.
type Filter struct {
	ID        domain.ID
	AccountID domain.ID
	Title     string
	Context   []string // home, notifications, public, thread, account
	Action    string   // warn | hide | blur
	ExpiresAt *time.Time
	Keywords  []FilterKeyword
	Statuses  []FilterStatus
}

// FilterKeyword is one keyword of a filter.
type FilterKeyword struct {
	ID        domain.ID
	FilterID  domain.ID
	Keyword   string
	WholeWord bool
}

// FilterStatus is one status a filter matches.
type FilterStatus struct {
	ID       domain.ID
	FilterID domain.ID
	StatusID domain.ID
}

// KeywordChange adds (ID 0), edits or, with Destroy, removes a keyword.
type KeywordChange struct {
	ID        domain.ID
	Keyword   string
	WholeWord bool
	Destroy   bool
	KeepText  bool // edit whole_word only; the service fills Keyword in
}

// Filters returns owner's filters, oldest first, with keywords and statuses.
func (s *Store) Filters(ctx context.Context, owner domain.ID) ([]*Filter, error) {
	return s.loadFilters(ctx, `f.account_id = $1`, int64(owner))
}

// ActiveFilters returns owner's filters that have not expired.
func (s *Store) ActiveFilters(ctx context.Context, owner domain.ID) ([]*Filter, error) {
	return s.loadFilters(ctx, `f.account_id = $1 AND (f.expires_at IS NULL OR f.expires_at > $2)`, int64(owner), s.nowMs())
}

// Filter loads one of owner's filters; another account's is "not found".
func (s *Store) Filter(ctx context.Context, owner, id domain.ID) (*Filter, error) {
	fs, err := s.loadFilters(ctx, `f.account_id = $1 AND f.id = $2`, int64(owner), int64(id))
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, domain.NotFound()
	}
	return fs[0], nil
}

// loadFilters loads filters matching cond, then their keywords and
// statuses in two more queries.
func (s *Store) loadFilters(ctx context.Context, cond string, args ...any) ([]*Filter, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT f.id, f.account_id, f.title, f.context, f.action, f.expires_at
		FROM filters f WHERE `+cond+` ORDER BY f.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load filters: %w", err)
	}
	defer rows.Close()
	out := []*Filter{}
	byID := map[domain.ID]*Filter{}
	for rows.Next() {
		var f Filter
		var fctx string
		var exp sql.NullInt64
		if err := rows.Scan(&f.ID, &f.AccountID, &f.Title, &fctx, &f.Action, &exp); err != nil {
			return nil, err
		}
		f.Context = splitContext(fctx)
		f.ExpiresAt = optTime(exp)
		f.Keywords, f.Statuses = []FilterKeyword{}, []FilterStatus{}
		out = append(out, &f)
		byID[f.ID] = &f
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]domain.ID, 0, len(out))
	for _, f := range out {
		ids = append(ids, f.ID)
	}
	in := placeholders(1, len(ids))
	krows, err := s.DB.R.QueryContext(ctx, `SELECT id, filter_id, keyword, whole_word FROM filter_keywords
		WHERE filter_id IN (`+in+`) ORDER BY id`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load filter keywords: %w", err)
	}
	defer krows.Close()
	for krows.Next() {
		var k FilterKeyword
		if err := krows.Scan(&k.ID, &k.FilterID, &k.Keyword, &k.WholeWord); err != nil {
			return nil, err
		}
		byID[k.FilterID].Keywords = append(byID[k.FilterID].Keywords, k)
	}
	if err := krows.Err(); err != nil {
		return nil, err
	}
	srows, err := s.DB.R.QueryContext(ctx, `SELECT id, filter_id, status_id FROM filter_statuses
		WHERE filter_id IN (`+in+`) ORDER BY id`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load filter statuses: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var fs FilterStatus
		if err := srows.Scan(&fs.ID, &fs.FilterID, &fs.StatusID); err != nil {
			return nil, err
		}
		byID[fs.FilterID].Statuses = append(byID[fs.FilterID].Statuses, fs)
	}
	return out, srows.Err()
}

func splitContext(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// CreateFilter inserts f and its keywords unless owner already has
// maxFilters filters.
func (s *Store) CreateFilter(ctx context.Context, f *Filter, maxFilters int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM filters WHERE account_id = $1`, int64(f.AccountID)).Scan(&n); err != nil {
			return fmt.Errorf("count filters: %w", err)
		}
		if n >= maxFilters {
			return domain.Invalid("You cannot have more than %d filters", maxFilters)
		}
		f.ID = s.IDs.Next()
		now := s.nowMs()
		_, err := tx.ExecContext(ctx, `INSERT INTO filters (id, account_id, title, context, action, expires_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, int64(f.ID), int64(f.AccountID), f.Title, strings.Join(f.Context, ","),
			f.Action, optMs(f.ExpiresAt), now)
		if err != nil {
			return fmt.Errorf("insert filter: %w", err)
		}
		for i := range f.Keywords {
			k := &f.Keywords[i]
			k.FilterID = f.ID
			if err := s.insertKeyword(ctx, tx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) insertKeyword(ctx context.Context, q db.Querier, k *FilterKeyword) error {
	k.ID = s.IDs.Next()
	_, err := q.ExecContext(ctx, `INSERT INTO filter_keywords (id, filter_id, keyword, whole_word, created_at)
		VALUES ($1, $2, $3, $4, $5)`, int64(k.ID), int64(k.FilterID), k.Keyword, k.WholeWord, s.nowMs())
	if err != nil {
		return fmt.Errorf("insert filter keyword: %w", err)
	}
	return nil
}

// UpdateFilter saves f's own attributes and applies keyword changes; a
// change naming a keyword of another filter is "not found". The keyword
// count after the changes must stay within maxKeywords.
func (s *Store) UpdateFilter(ctx context.Context, f *Filter, changes []KeywordChange, maxKeywords int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE filters SET title = $3, context = $4, action = $5, expires_at = $6, updated_at = $7
			WHERE id = $1 AND account_id = $2`, int64(f.ID), int64(f.AccountID), f.Title, strings.Join(f.Context, ","),
			f.Action, optMs(f.ExpiresAt), s.nowMs())
		if err := affectedOne(res, err, "update filter"); err != nil {
			return err
		}
		for _, c := range changes {
			var res sql.Result
			var err error
			switch {
			case c.ID == 0 && c.Destroy:
				continue
			case c.ID == 0:
				err = s.insertKeyword(ctx, tx, &FilterKeyword{FilterID: f.ID, Keyword: c.Keyword, WholeWord: c.WholeWord})
			case c.Destroy:
				res, err = tx.ExecContext(ctx, `DELETE FROM filter_keywords WHERE id = $1 AND filter_id = $2`, int64(c.ID), int64(f.ID))
				err = affectedOne(res, err, "delete filter keyword")
			default:
				res, err = tx.ExecContext(ctx, `UPDATE filter_keywords SET keyword = $3, whole_word = $4 WHERE id = $1 AND filter_id = $2`,
					int64(c.ID), int64(f.ID), c.Keyword, c.WholeWord)
				err = affectedOne(res, err, "update filter keyword")
			}
			if err != nil {
				return err
			}
		}
		return checkKeywordCount(ctx, tx, f.ID, maxKeywords)
	})
}

func checkKeywordCount(ctx context.Context, q db.Querier, filterID domain.ID, maxKeywords int) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM filter_keywords WHERE filter_id = $1`, int64(filterID)).Scan(&n); err != nil {
		return fmt.Errorf("count filter keywords: %w", err)
	}
	if n > maxKeywords {
		return domain.Invalid("A filter cannot have more than %d keywords", maxKeywords)
	}
	return nil
}

// DeleteFilter deletes owner's filter with its keywords and statuses.
func (s *Store) DeleteFilter(ctx context.Context, owner, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM filters WHERE id = $1 AND account_id = $2`, int64(id), int64(owner))
	return affectedOne(res, err, "delete filter")
}

// FilterKeyword loads a keyword of one of owner's filters.
func (s *Store) FilterKeyword(ctx context.Context, owner, id domain.ID) (*FilterKeyword, error) {
	var k FilterKeyword
	err := s.DB.R.QueryRowContext(ctx, `SELECT k.id, k.filter_id, k.keyword, k.whole_word FROM filter_keywords k
		JOIN filters f ON f.id = k.filter_id WHERE k.id = $1 AND f.account_id = $2`, int64(id), int64(owner)).
		Scan(&k.ID, &k.FilterID, &k.Keyword, &k.WholeWord)
	if err != nil {
		return nil, notFound(err, "load filter keyword")
	}
	return &k, nil
}

// AddFilterKeyword adds a keyword to owner's filter.
func (s *Store) AddFilterKeyword(ctx context.Context, owner domain.ID, k *FilterKeyword, maxKeywords int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := ownsFilter(ctx, tx, owner, k.FilterID); err != nil {
			return err
		}
		if err := s.insertKeyword(ctx, tx, k); err != nil {
			return err
		}
		return checkKeywordCount(ctx, tx, k.FilterID, maxKeywords)
	})
}

func ownsFilter(ctx context.Context, q db.Querier, owner, filterID domain.ID) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM filters WHERE id = $1 AND account_id = $2`, int64(filterID), int64(owner)).Scan(&one)
	return notFound(err, "load filter")
}

// UpdateFilterKeyword saves a keyword of one of owner's filters.
func (s *Store) UpdateFilterKeyword(ctx context.Context, owner domain.ID, k *FilterKeyword) error {
	res, err := s.DB.W.ExecContext(ctx, `UPDATE filter_keywords SET keyword = $3, whole_word = $4
		WHERE id = $1 AND filter_id IN (SELECT id FROM filters WHERE account_id = $2)`,
		int64(k.ID), int64(owner), k.Keyword, k.WholeWord)
	return affectedOne(res, err, "update filter keyword")
}

// DeleteFilterKeyword removes a keyword of one of owner's filters.
func (s *Store) DeleteFilterKeyword(ctx context.Context, owner, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM filter_keywords
		WHERE id = $1 AND filter_id IN (SELECT id FROM filters WHERE account_id = $2)`, int64(id), int64(owner))
	return affectedOne(res, err, "delete filter keyword")
}

// FilterStatusByID loads a status entry of one of owner's filters.
func (s *Store) FilterStatusByID(ctx context.Context, owner, id domain.ID) (*FilterStatus, error) {
	var fs FilterStatus
	err := s.DB.R.QueryRowContext(ctx, `SELECT x.id, x.filter_id, x.status_id FROM filter_statuses x
		JOIN filters f ON f.id = x.filter_id WHERE x.id = $1 AND f.account_id = $2`, int64(id), int64(owner)).
		Scan(&fs.ID, &fs.FilterID, &fs.StatusID)
	if err != nil {
		return nil, notFound(err, "load filter status")
	}
	return &fs, nil
}

// AddFilterStatus adds a status to owner's filter; an unknown status is
// "not found", one already there is invalid.
func (s *Store) AddFilterStatus(ctx context.Context, owner domain.ID, fs *FilterStatus, maxStatuses int) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := ownsFilter(ctx, tx, owner, fs.FilterID); err != nil {
			return err
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM statuses WHERE id = $1`, int64(fs.StatusID)).Scan(&one); err != nil {
			return notFound(err, "load status")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM filter_statuses WHERE filter_id = $1`, int64(fs.FilterID)).Scan(&n); err != nil {
			return fmt.Errorf("count filter statuses: %w", err)
		}
		if n >= maxStatuses {
			return domain.Invalid("A filter cannot have more than %d statuses", maxStatuses)
		}
		fs.ID = s.IDs.Next()
		_, err := tx.ExecContext(ctx, `INSERT INTO filter_statuses (id, filter_id, status_id, created_at) VALUES ($1, $2, $3, $4)`,
			int64(fs.ID), int64(fs.FilterID), int64(fs.StatusID), s.nowMs())
		if db.IsUniqueViolation(err) {
			return domain.Invalid("Validation failed: Status has already been taken")
		}
		if err != nil {
			return fmt.Errorf("insert filter status: %w", err)
		}
		return nil
	})
}

// DeleteFilterStatus removes a status entry of one of owner's filters.
func (s *Store) DeleteFilterStatus(ctx context.Context, owner, id domain.ID) error {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM filter_statuses
		WHERE id = $1 AND filter_id IN (SELECT id FROM filters WHERE account_id = $2)`, int64(id), int64(owner))
	return affectedOne(res, err, "delete filter status")
}

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

// Report is a report or DSA notice about an account and some of its statuses.
type Report struct {
	ID                     domain.ID
	AccountID              domain.ID // reporter; 0 for the public notice form
	TargetAccountID        domain.ID
	StatusIDs              []domain.ID
	RuleIDs                []domain.ID
	Comment                string
	Category               string
	Forwarded              bool
	Source                 string
	Priority               bool
	LegalCategory          string
	LegalExplanation       string
	ContentURLs            []string
	NotifierName           string
	NotifierEmail          string
	GoodFaith              bool
	State                  string
	AssignedAccountID      domain.ID
	ActionTakenAt          *time.Time
	ActionTakenByAccountID domain.ID
	DecisionID             domain.ID
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

const reportColumns = `id, account_id, target_account_id, status_ids, rule_ids, comment, category, forwarded,
	source, priority, legal_category, legal_explanation, content_urls, notifier_name, notifier_email,
	good_faith, state, assigned_account_id, action_taken_at, action_taken_by_account_id, decision_id,
	created_at, updated_at`

func idsJSON(ids []domain.ID) string {
	s := make([]string, 0, len(ids))
	for _, id := range ids {
		s = append(s, id.String())
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func parseIDsJSON(s string) []domain.ID {
	var raw []string
	_ = json.Unmarshal([]byte(s), &raw)
	out := []domain.ID{}
	for _, r := range raw {
		if id, ok := domain.ParseID(r); ok {
			out = append(out, id)
		}
	}
	return out
}

func stringsJSON(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func scanReport(r scanner) (*Report, error) {
	var x Report
	var reporter, assigned, takenAt, takenBy, decision sql.NullInt64
	var statuses, rules, urls string
	var created, updated int64
	err := r.Scan(&x.ID, &reporter, &x.TargetAccountID, &statuses, &rules, &x.Comment, &x.Category, &x.Forwarded,
		&x.Source, &x.Priority, &x.LegalCategory, &x.LegalExplanation, &urls, &x.NotifierName, &x.NotifierEmail,
		&x.GoodFaith, &x.State, &assigned, &takenAt, &takenBy, &decision, &created, &updated)
	if err != nil {
		return nil, err
	}
	x.AccountID, x.AssignedAccountID = domain.ID(reporter.Int64), domain.ID(assigned.Int64)
	x.ActionTakenByAccountID, x.DecisionID = domain.ID(takenBy.Int64), domain.ID(decision.Int64)
	x.ActionTakenAt = optTime(takenAt)
	x.StatusIDs, x.RuleIDs = parseIDsJSON(statuses), parseIDsJSON(rules)
	if err := json.Unmarshal([]byte(urls), &x.ContentURLs); err != nil || x.ContentURLs == nil {
		x.ContentURLs = []string{}
	}
	x.CreatedAt, x.UpdatedAt = fromMs(created), fromMs(updated)
	return &x, nil
}

// InsertReport stores a new report, setting its id and times.
func (s *Store) InsertReport(ctx context.Context, r *Report) error {
	r.ID = s.IDs.Next()
	r.CreatedAt, r.UpdatedAt = s.Now(), s.Now()
	if r.State == "" {
		r.State = "open"
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insertReport(ctx, tx, r); err != nil || !r.Forwarded {
			return err
		}
		// Forwarded: a Flag to the account's server, with the URIs of its
		// reported posts, in the same transaction.
		var uris []string
		if len(r.StatusIDs) > 0 {
			args := []any{int64(r.TargetAccountID)}
			for _, id := range r.StatusIDs {
				args = append(args, int64(id))
			}
			rows, err := tx.QueryContext(ctx, `SELECT uri FROM statuses WHERE account_id = $1 AND uri <> '' AND id IN (`+
				placeholders(2, len(r.StatusIDs))+`)`, args...)
			if err != nil {
				return fmt.Errorf("load reported posts: %w", err)
			}
			for rows.Next() {
				var u string
				if err := rows.Scan(&u); err != nil {
					rows.Close()
					return err
				}
				uris = append(uris, u)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return s.federate(ctx, tx, Outgoing{Type: "Flag", TargetID: r.TargetAccountID, RowID: r.ID, Objects: uris, Content: r.Comment})
	})
}

func (s *Store) insertReport(ctx context.Context, tx *sql.Tx, r *Report) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reports (`+reportColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		int64(r.ID), nullID(r.AccountID), int64(r.TargetAccountID), idsJSON(r.StatusIDs), idsJSON(r.RuleIDs), r.Comment,
		r.Category, r.Forwarded, r.Source, r.Priority, r.LegalCategory, r.LegalExplanation, stringsJSON(r.ContentURLs),
		r.NotifierName, r.NotifierEmail, r.GoodFaith, r.State, nullID(r.AssignedAccountID), optMs(r.ActionTakenAt),
		nullID(r.ActionTakenByAccountID), nullID(r.DecisionID), ms(r.CreatedAt), ms(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert report: %w", err)
	}
	return nil
}

// Report loads one report.
func (s *Store) Report(ctx context.Context, id domain.ID) (*Report, error) {
	r, err := scanReport(s.DB.R.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = $1`, int64(id)))
	return r, notFound(err, "report")
}

// UpdateReport saves a report's moderation fields (state, assignment,
// outcome, category and rules).
func (s *Store) UpdateReport(ctx context.Context, q db.Querier, r *Report) error {
	r.UpdatedAt = s.Now()
	_, err := q.ExecContext(ctx, `UPDATE reports SET state = $2, assigned_account_id = $3, action_taken_at = $4,
		action_taken_by_account_id = $5, decision_id = $6, category = $7, rule_ids = $8, updated_at = $9 WHERE id = $1`,
		int64(r.ID), r.State, nullID(r.AssignedAccountID), optMs(r.ActionTakenAt), nullID(r.ActionTakenByAccountID),
		nullID(r.DecisionID), r.Category, idsJSON(r.RuleIDs), ms(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update report: %w", err)
	}
	return nil
}

// ReportFilter selects reports for the moderation queue.
type ReportFilter struct {
	States          []string // empty: all
	AccountID       domain.ID
	TargetAccountID domain.ID
	AssignedTo      domain.ID
	// QueueAfter pages the queue order: the reports that come after this
	// one (the order is on priority and id, so an id range cannot page it).
	QueueAfter *Report
}

// Reports lists reports matching f, newest first (Mastodon paging), or in
// queue order (trusted flaggers first, then oldest first) when queue is set.
func (s *Store) Reports(ctx context.Context, f ReportFilter, p domain.Page, queue bool) ([]*Report, error) {
	where, order, args := PageClause("id", p, 1)
	conds := []string{where}
	if len(f.States) > 0 {
		conds = append(conds, "state IN ("+placeholders(len(args)+1, len(f.States))+")")
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	for col, id := range map[string]domain.ID{"account_id": f.AccountID, "target_account_id": f.TargetAccountID, "assigned_account_id": f.AssignedTo} {
		if id != 0 {
			conds = append(conds, fmt.Sprintf("%s = $%d", col, len(args)+1))
			args = append(args, int64(id))
		}
	}
	if queue {
		order = "priority DESC, id ASC"
		if last := f.QueueAfter; last != nil {
			args = append(args, int64(last.ID))
			if last.Priority {
				conds = append(conds, fmt.Sprintf("((priority = TRUE AND id > $%d) OR priority = FALSE)", len(args)))
			} else {
				conds = append(conds, fmt.Sprintf("(priority = FALSE AND id > $%d)", len(args)))
			}
		}
	}
	args = append(args, p.Limit)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY `+order+fmt.Sprintf(" LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	out := []*Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if p.MinID != 0 && !queue {
		Reverse(out)
	}
	return out, rows.Err()
}

// CountReportsSince counts the reports an account filed since t (the
// report flood limit).
func (s *Store) CountReportsSince(ctx context.Context, accountID domain.ID, t time.Time) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE account_id = $1 AND created_at >= $2`,
		int64(accountID), ms(t)).Scan(&n)
	return n, err
}

// ResolveOpenReports marks the open reports on a target as resolved by a
// decision (inside the decision's transaction).
func (s *Store) ResolveOpenReports(ctx context.Context, q db.Querier, target, by, decision domain.ID) error {
	now := s.nowMs()
	_, err := q.ExecContext(ctx, `UPDATE reports SET state = 'resolved', action_taken_at = $2,
		action_taken_by_account_id = $3, decision_id = COALESCE(decision_id, $4), updated_at = $2
		WHERE target_account_id = $1 AND state <> 'resolved'`, int64(target), now, int64(by), int64(decision))
	return err
}

// ReportNote is a moderator's internal comment on a report.
type ReportNote struct {
	ID        domain.ID
	ReportID  domain.ID
	AccountID domain.ID
	Content   string
	CreatedAt time.Time
}

// AddReportNote stores an internal comment.
func (s *Store) AddReportNote(ctx context.Context, n *ReportNote) error {
	n.ID, n.CreatedAt = s.IDs.Next(), s.Now()
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO report_notes (id, report_id, account_id, content, created_at)
		VALUES ($1, $2, $3, $4, $5)`, int64(n.ID), int64(n.ReportID), int64(n.AccountID), n.Content, ms(n.CreatedAt))
	return err
}

// ReportNotes lists a report's internal comments, oldest first.
func (s *Store) ReportNotes(ctx context.Context, reportID domain.ID) ([]*ReportNote, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, report_id, account_id, content, created_at FROM report_notes
		WHERE report_id = $1 ORDER BY id`, int64(reportID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*ReportNote{}
	for rows.Next() {
		var n ReportNote
		var created int64
		if err := rows.Scan(&n.ID, &n.ReportID, &n.AccountID, &n.Content, &created); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMs(created)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// TrustedFlagger reports whether an account is a trusted flagger.
func (s *Store) TrustedFlagger(ctx context.Context, accountID domain.ID) (bool, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM trusted_flaggers WHERE account_id = $1`, int64(accountID)).Scan(&n)
	return n > 0, err
}

// AddTrustedFlagger registers (or renames) a trusted flagger.
func (s *Store) AddTrustedFlagger(ctx context.Context, accountID domain.ID, name string) error {
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO trusted_flaggers (account_id, name, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (account_id) DO UPDATE SET name = excluded.name`, int64(accountID), name, s.nowMs())
	return err
}

// AuditEntry is one line of the moderation audit log.
type AuditEntry struct {
	ID         domain.ID
	AccountID  domain.ID
	Action     string
	TargetType string
	TargetID   domain.ID
	Detail     string
	CreatedAt  time.Time
}

// InsertAudit records a moderator action in q's transaction.
func (s *Store) InsertAudit(ctx context.Context, q db.Querier, e *AuditEntry) error {
	e.ID, e.CreatedAt = s.IDs.Next(), s.Now()
	_, err := q.ExecContext(ctx, `INSERT INTO moderation_audit_log (id, account_id, action, target_type, target_id, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, int64(e.ID), nullID(e.AccountID), e.Action, e.TargetType, int64(e.TargetID), e.Detail, ms(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert audit: %w", err)
	}
	return nil
}

// AuditFilter narrows the audit log: by the moderator who acted and by
// action, either exact ("report.resolve") or a family ("report").
type AuditFilter struct {
	AccountID domain.ID
	Action    string
}

// AuditLog lists audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter, p domain.Page) ([]*AuditEntry, error) {
	where, order, args := PageClause("id", p, 1)
	if f.AccountID != 0 {
		args = append(args, int64(f.AccountID))
		where += fmt.Sprintf(" AND account_id = $%d", len(args))
	}
	switch {
	case strings.Contains(f.Action, "."):
		args = append(args, f.Action)
		where += fmt.Sprintf(" AND action = $%d", len(args))
	case f.Action != "":
		// "_" is a LIKE wildcard: escaped, "ip_block" matches only itself.
		args = append(args, strings.ReplaceAll(f.Action, "_", `\_`)+".%")
		where += fmt.Sprintf(` AND action LIKE $%d ESCAPE '\'`, len(args))
	}
	args = append(args, p.Limit)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, account_id, action, target_type, target_id, detail, created_at
		FROM moderation_audit_log WHERE `+where+` ORDER BY `+order+fmt.Sprintf(" LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var acct sql.NullInt64
		var created int64
		if err := rows.Scan(&e.ID, &acct, &e.Action, &e.TargetType, &e.TargetID, &e.Detail, &created); err != nil {
			return nil, err
		}
		e.AccountID, e.CreatedAt = domain.ID(acct.Int64), fromMs(created)
		out = append(out, &e)
	}
	if p.MinID != 0 {
		Reverse(out)
	}
	return out, rows.Err()
}

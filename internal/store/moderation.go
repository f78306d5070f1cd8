package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// RemovedVisibility is the visibility a removed (or suspended author's)
// status gets: the row stays for the appeal period and the visibility rule
// hides it from everyone; moderation_changes keeps the original.
const RemovedVisibility = "removed"

// Decision is a moderation decision: the record DSA Art. 17 asks for.
type Decision struct {
	ID                 domain.ID
	ReportID           domain.ID
	TargetAccountID    domain.ID
	StatusIDs          []domain.ID
	Action             string
	Ground             string
	RuleIDs            []domain.ID
	LegalGround        string
	Explanation        string
	Facts              string
	Category           string
	SourceType         string
	AutomatedDetection bool
	AutomatedDecision  string
	ContentDate        time.Time
	DecidedBy          domain.ID
	DecidedAt          time.Time
	EndsAt             *time.Time
	AppealDeadline     time.Time
	OverruledAt        *time.Time
	// SupersededBy is the decision that replaced this one (a moderator's
	// decision on a post the spam heuristics held).
	SupersededBy domain.ID
}

const decisionColumns = `id, report_id, target_account_id, status_ids, action, ground, rule_ids, legal_ground,
	explanation, facts, category, source_type, automated_detection, automated_decision, content_date,
	decided_by_account_id, decided_at, ends_at, appeal_deadline, overruled_at, superseded_by`

func scanDecision(r scanner) (*Decision, error) {
	var d Decision
	var report, by, ends, overruled, superseded sql.NullInt64
	var statuses, rules string
	var content, decided, deadline int64
	err := r.Scan(&d.ID, &report, &d.TargetAccountID, &statuses, &d.Action, &d.Ground, &rules, &d.LegalGround,
		&d.Explanation, &d.Facts, &d.Category, &d.SourceType, &d.AutomatedDetection, &d.AutomatedDecision, &content,
		&by, &decided, &ends, &deadline, &overruled, &superseded)
	if err != nil {
		return nil, err
	}
	d.ReportID, d.DecidedBy, d.SupersededBy = domain.ID(report.Int64), domain.ID(by.Int64), domain.ID(superseded.Int64)
	d.StatusIDs, d.RuleIDs = parseIDsJSON(statuses), parseIDsJSON(rules)
	d.ContentDate, d.DecidedAt, d.AppealDeadline = fromMs(content), fromMs(decided), fromMs(deadline)
	d.EndsAt, d.OverruledAt = optTime(ends), optTime(overruled)
	return &d, nil
}

// InsertDecision stores a decision in q's transaction; the caller sets ID.
func (s *Store) InsertDecision(ctx context.Context, q db.Querier, d *Decision) error {
	_, err := q.ExecContext(ctx, `INSERT INTO moderation_decisions (`+decisionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		int64(d.ID), nullID(d.ReportID), int64(d.TargetAccountID), idsJSON(d.StatusIDs), d.Action, d.Ground,
		idsJSON(d.RuleIDs), d.LegalGround, d.Explanation, d.Facts, d.Category, d.SourceType, d.AutomatedDetection,
		d.AutomatedDecision, ms(d.ContentDate), nullID(d.DecidedBy), ms(d.DecidedAt), optMs(d.EndsAt),
		ms(d.AppealDeadline), optMs(d.OverruledAt), nullID(d.SupersededBy))
	if err != nil {
		return fmt.Errorf("insert decision: %w", err)
	}
	return nil
}

// Decision loads one decision.
func (s *Store) Decision(ctx context.Context, id domain.ID) (*Decision, error) {
	d, err := scanDecision(s.DB.R.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM moderation_decisions WHERE id = $1`, int64(id)))
	return d, notFound(err, "decision")
}

// Decisions lists decisions about an account (0: all), newest first,
// decided in [since, until) when those are non-zero.
func (s *Store) Decisions(ctx context.Context, target domain.ID, since, until time.Time) ([]*Decision, error) {
	q := `SELECT ` + decisionColumns + ` FROM moderation_decisions WHERE decided_at >= $1 AND decided_at < $2`
	args := []any{ms(since), int64(1) << 62}
	if !until.IsZero() {
		args[1] = ms(until)
	}
	if target != 0 {
		q += ` AND target_account_id = $3`
		args = append(args, int64(target))
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	defer rows.Close()
	out := []*Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDecisionOverruled marks a decision reversed.
func (s *Store) SetDecisionOverruled(ctx context.Context, q db.Querier, id domain.ID) error {
	_, err := q.ExecContext(ctx, `UPDATE moderation_decisions SET overruled_at = $2 WHERE id = $1`, int64(id), s.nowMs())
	return err
}

// HideStatuses applies a decision to statuses (kind "remove": hidden with
// RemovedVisibility; "sensitive": marked sensitive), recording what they
// were so that RevertChanges can restore them. Statuses already removed
// are left to the decision that removed them. accountID limits the change
// to that author's statuses; with ids nil it applies to all of them.
func (s *Store) HideStatuses(ctx context.Context, q db.Querier, decision, accountID domain.ID, ids []domain.ID, kind string) error {
	sel := `FROM statuses WHERE account_id = $2 AND visibility <> '` + RemovedVisibility + `'`
	args := []any{int64(decision), int64(accountID), kind}
	if ids != nil {
		if len(ids) == 0 {
			return nil
		}
		sel += ` AND id IN (` + placeholders(4, len(ids)) + `)`
		args = append(args, idArgs(ids)...)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO moderation_changes (decision_id, status_id, kind, old_visibility, old_sensitive)
		SELECT $1, id, $3, visibility, sensitive `+sel, args...); err != nil {
		return fmt.Errorf("record moderation changes: %w", err)
	}
	set := `visibility = '` + RemovedVisibility + `'`
	if kind == "sensitive" {
		set = `sensitive = TRUE`
	}
	_, err := q.ExecContext(ctx, `UPDATE statuses SET `+set+` WHERE id IN
		(SELECT status_id FROM moderation_changes WHERE decision_id = $1 AND reverted_at IS NULL)`, int64(decision))
	if err != nil {
		return fmt.Errorf("apply moderation changes: %w", err)
	}
	return nil
}

// RevertChanges restores the statuses a decision changed.
func (s *Store) RevertChanges(ctx context.Context, q db.Querier, decision domain.ID) error {
	_, err := q.ExecContext(ctx, `UPDATE statuses SET
		visibility = (SELECT c.old_visibility FROM moderation_changes c WHERE c.decision_id = $1 AND c.status_id = statuses.id),
		sensitive = (SELECT c.old_sensitive FROM moderation_changes c WHERE c.decision_id = $1 AND c.status_id = statuses.id)
		WHERE id IN (SELECT status_id FROM moderation_changes WHERE decision_id = $1 AND reverted_at IS NULL)`, int64(decision))
	if err != nil {
		return fmt.Errorf("revert moderation changes: %w", err)
	}
	_, err = q.ExecContext(ctx, `UPDATE moderation_changes SET reverted_at = $2 WHERE decision_id = $1 AND reverted_at IS NULL`,
		int64(decision), s.nowMs())
	return err
}

// SetAccountRestriction sets or clears an account's suspended_at or
// silenced_at (column "suspended" or "silenced").
func (s *Store) SetAccountRestriction(ctx context.Context, q db.Querier, accountID domain.ID, column string, on bool) error {
	if column != "suspended" && column != "silenced" {
		return fmt.Errorf("unknown restriction %q", column)
	}
	var v any
	if on {
		v = s.nowMs()
	}
	_, err := q.ExecContext(ctx, `UPDATE accounts SET `+column+`_at = $2 WHERE id = $1`, int64(accountID), v)
	if err != nil || column != "suspended" {
		return err
	}
	// Every server that knows a local account hears of its suspension
	// (a Delete of the actor) or reinstatement (an Update), in this
	// transaction.
	if tx, ok := q.(*sql.Tx); ok {
		o := Outgoing{Type: "Update", Object: "Person", ActorID: accountID, Known: true}
		if on {
			o.Type = "Delete"
		}
		return s.federate(ctx, tx, o)
	}
	return nil
}

// SetUserFlags sets a local user's disabled and approved flags.
func (s *Store) SetUserFlags(ctx context.Context, q db.Querier, accountID domain.ID, disabled, approved bool) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET disabled = $2, approved = $3 WHERE account_id = $1`, int64(accountID), disabled, approved)
	return err
}

// InsertModerationNotification notifies an account of a moderation event
// (moderation_warning, agora.report_received, agora.report_decided). It
// bypasses InsertNotification's block and mute rules on purpose: a
// statement of reasons must always reach its addressee. from is the
// account the notification shows (the addressee itself, as Mastodon does).
func (s *Store) InsertModerationNotification(ctx context.Context, q db.Querier, to domain.ID, typ string, decision domain.ID) error {
	id := s.IDs.Next()
	res, err := q.ExecContext(ctx, `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at)
		SELECT $1, $2, $2, $3, NULL, $4 WHERE EXISTS (SELECT 1 FROM users WHERE account_id = $2)`,
		int64(id), int64(to), typ, s.nowMs())
	if err != nil {
		return fmt.Errorf("insert moderation notification: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 || decision == 0 {
		return nil
	}
	_, err = q.ExecContext(ctx, `INSERT INTO moderation_notifications (notification_id, decision_id) VALUES ($1, $2)`, int64(id), int64(decision))
	return err
}

// NotificationDecisions maps notification ids to the decisions they announce.
func (s *Store) NotificationDecisions(ctx context.Context, ids []domain.ID) (map[domain.ID]domain.ID, error) {
	out := map[domain.ID]domain.ID{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT notification_id, decision_id FROM moderation_notifications
		WHERE notification_id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n, d int64
		if err := rows.Scan(&n, &d); err != nil {
			return nil, err
		}
		out[domain.ID(n)] = domain.ID(d)
	}
	return out, rows.Err()
}

// Appeal is a complaint against a decision (DSA Art. 20).
type Appeal struct {
	ID         domain.ID
	DecisionID domain.ID
	AccountID  domain.ID
	Text       string
	State      string // pending | approved | rejected
	Response   string
	DecidedBy  domain.ID
	DecidedAt  *time.Time
	CreatedAt  time.Time
	// ContactEmail is where a remote person who appealed from a public
	// statement page is answered (they have no account here).
	ContactEmail string
}

const appealColumns = `id, decision_id, account_id, text, state, response, decided_by_account_id, decided_at, created_at, contact_email`

func scanAppeal(r scanner) (*Appeal, error) {
	var a Appeal
	var by, decided sql.NullInt64
	var created int64
	if err := r.Scan(&a.ID, &a.DecisionID, &a.AccountID, &a.Text, &a.State, &a.Response, &by, &decided, &created, &a.ContactEmail); err != nil {
		return nil, err
	}
	a.DecidedBy, a.DecidedAt, a.CreatedAt = domain.ID(by.Int64), optTime(decided), fromMs(created)
	return &a, nil
}

// InsertAppeal stores a pending appeal.
func (s *Store) InsertAppeal(ctx context.Context, a *Appeal) error {
	a.ID, a.CreatedAt, a.State = s.IDs.Next(), s.Now(), "pending"
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO appeals (id, decision_id, account_id, text, state, created_at, contact_email)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, int64(a.ID), int64(a.DecisionID), int64(a.AccountID), a.Text, a.State, ms(a.CreatedAt),
		a.ContactEmail)
	return err
}

// InsertStatementLink stores, in q's transaction, the hash of the token
// that opens a decision's public statement page (for remote accounts).
func (s *Store) InsertStatementLink(ctx context.Context, q db.Querier, decision domain.ID, tokenHash string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO statement_links (decision_id, token_hash, created_at) VALUES ($1, $2, $3)`,
		int64(decision), tokenHash, s.nowMs())
	if err != nil {
		return fmt.Errorf("insert statement link: %w", err)
	}
	return nil
}

// DecisionByStatementToken loads the decision whose public statement page
// the token (by its hash) opens; not found otherwise.
func (s *Store) DecisionByStatementToken(ctx context.Context, tokenHash string) (*Decision, error) {
	d, err := scanDecision(s.DB.R.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM moderation_decisions
		WHERE id = (SELECT decision_id FROM statement_links WHERE token_hash = $1)`, tokenHash))
	return d, notFound(err, "statement")
}

// Appeal loads one appeal.
func (s *Store) Appeal(ctx context.Context, id domain.ID) (*Appeal, error) {
	a, err := scanAppeal(s.DB.R.QueryRowContext(ctx, `SELECT `+appealColumns+` FROM appeals WHERE id = $1`, int64(id)))
	return a, notFound(err, "appeal")
}

// Appeals lists appeals, newest first: of one decision when decision is
// non-zero, else those in state (all when "").
func (s *Store) Appeals(ctx context.Context, decision domain.ID, state string) ([]*Appeal, error) {
	q, args := `SELECT `+appealColumns+` FROM appeals WHERE TRUE`, []any{}
	if decision != 0 {
		args = append(args, int64(decision))
		q += fmt.Sprintf(" AND decision_id = $%d", len(args))
	}
	if state != "" {
		args = append(args, state)
		q += fmt.Sprintf(" AND state = $%d", len(args))
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Appeal{}
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DecideAppeal records an appeal's outcome in q's transaction; it fails
// with a conflict when the appeal was already decided.
func (s *Store) DecideAppeal(ctx context.Context, q db.Querier, a *Appeal) error {
	now := s.Now()
	res, err := q.ExecContext(ctx, `UPDATE appeals SET state = $2, response = $3, decided_by_account_id = $4, decided_at = $5
		WHERE id = $1 AND state = 'pending'`, int64(a.ID), a.State, a.Response, int64(a.DecidedBy), ms(now))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.E(domain.KindConflict, "This appeal was already decided")
	}
	a.DecidedAt = &now
	return nil
}

// UnsubmittedDecisions lists restrictive decisions not yet accepted by the
// Transparency Database, oldest first.
func (s *Store) UnsubmittedDecisions(ctx context.Context, limit int) ([]*Decision, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+decisionColumns+` FROM moderation_decisions
		WHERE tdb_submitted_at IS NULL AND action <> 'none' ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// MarkSubmitted records that the Transparency Database holds these decisions.
func (s *Store) MarkSubmitted(ctx context.Context, ids []domain.ID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.DB.W.ExecContext(ctx, `UPDATE moderation_decisions SET tdb_submitted_at = $1 WHERE id IN (`+placeholders(2, len(ids))+`)`,
		append([]any{s.nowMs()}, idArgs(ids)...)...)
	return err
}

// ExpiredDecisions lists decisions whose temporary restriction is over
// but not yet lifted.
func (s *Store) ExpiredDecisions(ctx context.Context) ([]*Decision, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+decisionColumns+` FROM moderation_decisions
		WHERE ends_at IS NOT NULL AND ends_at <= $1 AND expired_at IS NULL AND overruled_at IS NULL ORDER BY id`, s.nowMs())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDecisionExpired marks a temporary restriction lifted.
func (s *Store) SetDecisionExpired(ctx context.Context, q db.Querier, id domain.ID) error {
	_, err := q.ExecContext(ctx, `UPDATE moderation_decisions SET expired_at = $2 WHERE id = $1`, int64(id), s.nowMs())
	return err
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// HeldVisibility is the visibility of a post the spam heuristics hold for
// review. Like RemovedVisibility it is in no visibility list, so every
// timeline, search, collection and delivery leaves it out; the visibility
// rule shows it to its author only. held_statuses keeps the visibility it
// gets when a moderator releases it.
const HeldVisibility = "held"

// Hold asks CreateStatus to store a status held for review: no fan-out
// beyond the author's own feed, no notification, no delivery, and an
// automated report in the moderation queue.
type Hold struct {
	Score   int
	Signals string // JSON list of the signals
	Comment string // the report's comment: the signals explained
	// Decision is the automated decision the hold is (DSA Art. 17: a
	// restriction of visibility needs a statement of reasons), filled in
	// by the moderation rules; holdStatus sets its ids and dates. Nil
	// records none.
	Decision *Decision
}

// HeldStatus is a held post's review record.
type HeldStatus struct {
	StatusID        domain.ID
	AccountID       domain.ID
	Visibility      domain.Visibility // on release
	NotifyFollowers bool
	Score           int
	Signals         string
	ReportID        domain.ID
	HeldAt          time.Time
	ReleasedAt      *time.Time
	ReleasedBy      domain.ID
	DecisionID      domain.ID // the automated decision of the hold
}

const heldColumns = `status_id, account_id, visibility, notify_followers, score, signals, report_id, held_at,
	released_at, released_by_account_id, decision_id`

func scanHeld(r scanner) (*HeldStatus, error) {
	var h HeldStatus
	var vis string
	var report, released, by, decision sql.NullInt64
	var held int64
	if err := r.Scan(&h.StatusID, &h.AccountID, &vis, &h.NotifyFollowers, &h.Score, &h.Signals, &report, &held, &released, &by, &decision); err != nil {
		return nil, err
	}
	h.Visibility, h.ReportID, h.ReleasedBy = domain.Visibility(vis), domain.ID(report.Int64), domain.ID(by.Int64)
	h.DecisionID = domain.ID(decision.Int64)
	h.HeldAt, h.ReleasedAt = fromMs(held), optTime(released)
	return &h, nil
}

// holdStatus records a status CreateStatus stored with HeldVisibility:
// its review row, the automated report, and the author's own feed entry
// (the author sees it, nobody else).
func (s *Store) holdStatus(ctx context.Context, tx *sql.Tx, n NewStatus, visibility domain.Visibility) error {
	st := n.Status
	r := &Report{ID: s.IDs.Next(), TargetAccountID: st.AccountID, StatusIDs: []domain.ID{st.ID}, RuleIDs: []domain.ID{},
		Comment: n.Hold.Comment, Category: "spam", Source: "automated", State: "open", ContentURLs: []string{st.URL},
		CreatedAt: s.Now(), UpdatedAt: s.Now()}
	if err := s.insertReport(ctx, tx, r); err != nil {
		return err
	}
	var decision domain.ID
	if n.Hold.Decision != nil {
		// The statement of reasons of the hold, with its notification to
		// the author, in the transaction of the post.
		d := *n.Hold.Decision
		d.ID, d.ReportID, d.TargetAccountID, d.StatusIDs = s.IDs.Next(), r.ID, st.AccountID, []domain.ID{st.ID}
		d.ContentDate, d.DecidedAt = st.CreatedAt, s.Now()
		if d.RuleIDs == nil {
			d.RuleIDs = []domain.ID{}
		}
		if err := s.InsertDecision(ctx, tx, &d); err != nil {
			return err
		}
		if err := s.InsertModerationNotification(ctx, tx, st.AccountID, "moderation_warning", d.ID); err != nil {
			return err
		}
		decision = d.ID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO held_statuses (status_id, account_id, visibility, notify_followers, score, signals,
		report_id, held_at, decision_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, int64(st.ID), int64(st.AccountID), string(visibility),
		n.NotifyFollowers, n.Hold.Score, n.Hold.Signals, int64(r.ID), s.nowMs(), nullID(decision))
	if err != nil {
		return fmt.Errorf("hold status: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id)
		VALUES ($1, $2, $1, $1) ON CONFLICT DO NOTHING`, int64(st.AccountID), int64(st.ID))
	if err != nil {
		return fmt.Errorf("feed held status: %w", err)
	}
	return nil
}

// HeldStatusByID loads a held post's review record.
func (s *Store) HeldStatusByID(ctx context.Context, id domain.ID) (*HeldStatus, error) {
	h, err := scanHeld(s.DB.R.QueryRowContext(ctx, `SELECT `+heldColumns+` FROM held_statuses WHERE status_id = $1`, int64(id)))
	return h, notFound(err, "held status")
}

// HeldStatuses lists held posts, oldest first: those still waiting for a
// moderator (pending), or all, at most limit.
func (s *Store) HeldStatuses(ctx context.Context, pending bool, limit int) ([]*HeldStatus, error) {
	q := `SELECT ` + heldColumns + ` FROM held_statuses`
	if pending {
		// A held post removed by a decision is no longer waiting.
		q += ` WHERE released_at IS NULL AND EXISTS (SELECT 1 FROM statuses s WHERE s.id = status_id AND s.visibility = '` + HeldVisibility + `')`
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY status_id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list held statuses: %w", err)
	}
	defer rows.Close()
	out := []*HeldStatus{}
	for rows.Next() {
		h, err := scanHeld(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ReleaseHeld publishes a held post in tx, as posting would have at once:
// its visibility back, the reply counted, home feeds, streaming, mention
// and follower notifications and delivery, all dated now. Its automated
// report is resolved. A post removed by a decision meanwhile is not
// released (conflict): the decision must be reversed first.
func (s *Store) ReleaseHeld(ctx context.Context, tx *sql.Tx, id, by domain.ID) (*domain.Status, error) {
	h, err := scanHeld(tx.QueryRowContext(ctx, `SELECT `+heldColumns+` FROM held_statuses WHERE status_id = $1`, int64(id)))
	if err != nil {
		return nil, notFound(err, "held status")
	}
	if h.ReleasedAt != nil {
		return nil, domain.E(domain.KindConflict, "This post was already released")
	}
	st, err := scanStatus(tx.QueryRowContext(ctx, `SELECT `+statusColumns+` FROM statuses s WHERE s.id = $1`, int64(id)))
	if err != nil {
		return nil, notFound(err, "load held status")
	}
	if st.Visibility != HeldVisibility {
		return nil, domain.E(domain.KindConflict, "This post is no longer held (a moderation decision removed it): reverse the decision first")
	}
	mentions, err := scanIDs(tx.QueryContext(ctx, `SELECT account_id FROM mentions WHERE status_id = $1`, int64(id)))
	if err != nil {
		return nil, fmt.Errorf("load held mentions: %w", err)
	}
	st.Visibility, st.MentionedAccountIDs = h.Visibility, mentions
	if _, err := tx.ExecContext(ctx, `UPDATE statuses SET visibility = $2 WHERE id = $1`, int64(id), string(h.Visibility)); err != nil {
		return nil, fmt.Errorf("release status: %w", err)
	}
	now := s.nowMs()
	if _, err := tx.ExecContext(ctx, `UPDATE held_statuses SET released_at = $2, released_by_account_id = $3 WHERE status_id = $1`,
		int64(id), now, nullID(by)); err != nil {
		return nil, fmt.Errorf("mark released: %w", err)
	}
	if err := s.EndHoldDecisions(ctx, tx, []domain.ID{h.DecisionID}, 0); err != nil {
		return nil, err
	}
	if h.ReportID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET state = 'resolved', action_taken_at = $2, action_taken_by_account_id = $3,
			updated_at = $2 WHERE id = $1 AND state <> 'resolved'`, int64(h.ReportID), now, nullID(by)); err != nil {
			return nil, fmt.Errorf("resolve held report: %w", err)
		}
	}
	if st.InReplyToID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count + 1 WHERE id = $1`, int64(st.InReplyToID)); err != nil {
			return nil, fmt.Errorf("count reply: %w", err)
		}
	}
	if err := fanOut(ctx, tx, st, st.AccountID); err != nil {
		return nil, err
	}
	if err := s.emit(ctx, tx, Event{Kind: EventUpdate, ID: st.ID, Account: st.AccountID}); err != nil {
		return nil, err
	}
	if err := s.notifyMentions(ctx, tx, st, st.MentionedAccountIDs); err != nil {
		return nil, err
	}
	if h.NotifyFollowers {
		if err := s.notifyFollowers(ctx, tx, st); err != nil {
			return nil, err
		}
	}
	// A quote of a remote post asks its author now (quotes.go).
	if err := s.requestRemoteQuote(ctx, tx, st.ID); err != nil {
		return nil, err
	}
	return st, s.federate(ctx, tx, statusOutgoing("Create", st))
}

// SetTrusted marks a local account trusted by a moderator (exempt from the
// new-account restrictions), or clears the mark.
func (s *Store) SetTrusted(ctx context.Context, q db.Querier, accountID domain.ID, on bool) error {
	var v any
	if on {
		v = s.nowMs()
	}
	res, err := q.ExecContext(ctx, `UPDATE users SET trusted_at = $2 WHERE account_id = $1`, int64(accountID), v)
	if err != nil {
		return fmt.Errorf("set trusted: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Invalid("account: only local accounts can be trusted")
	}
	return nil
}

// HeldVisibilities maps the held statuses among ids to the visibility
// they get on release (for their author's view of them).
func (s *Store) HeldVisibilities(ctx context.Context, ids []domain.ID) (map[domain.ID]domain.Visibility, error) {
	out := map[domain.ID]domain.Visibility{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT h.status_id, h.visibility FROM held_statuses h JOIN statuses s ON s.id = h.status_id
		WHERE s.visibility = '`+HeldVisibility+`' AND h.status_id IN (`+placeholders(1, len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load held visibilities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[domain.ID(id)] = domain.Visibility(v)
	}
	return out, rows.Err()
}

// EndHoldDecisions records in q's transaction that the visibility
// restriction of hold decisions ended now (a release, or a moderator's
// decision replacing them when by is not 0): ends_at says when (the
// Transparency Database's end_date_visibility_restriction) and expired_at
// that it is over. A release is not an overruling: overruled_at is left
// to appeals.
func (s *Store) EndHoldDecisions(ctx context.Context, q db.Querier, ids []domain.ID, by domain.ID) error {
	for _, id := range ids {
		if id == 0 {
			continue
		}
		now := s.nowMs()
		_, err := q.ExecContext(ctx, `UPDATE moderation_decisions SET ends_at = COALESCE(ends_at, $2), expired_at = COALESCE(expired_at, $2),
			superseded_by = COALESCE(superseded_by, $3) WHERE id = $1 AND action = 'hold'`, int64(id), now, nullID(by))
		if err != nil {
			return fmt.Errorf("end hold decision: %w", err)
		}
	}
	return nil
}

// HoldDecisionsOfReport lists the hold decisions answering an automated
// report that are still in force, with their held statuses.
func (s *Store) HoldDecisionsOfReport(ctx context.Context, q db.Querier, report domain.ID) (map[domain.ID]domain.ID, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.decision_id, h.status_id FROM held_statuses h JOIN moderation_decisions d ON d.id = h.decision_id
		WHERE h.report_id = $1 AND d.expired_at IS NULL`, int64(report))
	if err != nil {
		return nil, fmt.Errorf("load hold decisions: %w", err)
	}
	defer rows.Close()
	out := map[domain.ID]domain.ID{}
	for rows.Next() {
		var d, st int64
		if err := rows.Scan(&d, &st); err != nil {
			return nil, err
		}
		out[domain.ID(d)] = domain.ID(st)
	}
	return out, rows.Err()
}

package moderation

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// AuditFilter narrows the audit log: by the moderator who acted and by
// action, either exact ("report.resolve") or a family ("report").
type AuditFilter struct {
	AccountID domain.ID
	Action    string
}

var auditActionRE = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)?$`)

// AuditEntries lists the audit log for moderators, newest first, filtered
// (AuditLog without a filter is the API's list).
func (s *Service) AuditEntries(ctx context.Context, u *domain.User, f AuditFilter, p domain.Page) ([]*store.AuditEntry, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	if f.Action != "" && (len(f.Action) > 64 || !auditActionRE.MatchString(f.Action)) {
		return nil, domain.Invalid("action: an action such as report.resolve, or a family such as report")
	}
	where, order, args := store.PageClause("id", p, 1)
	conds := []string{where}
	if f.AccountID != 0 {
		args = append(args, int64(f.AccountID))
		conds = append(conds, fmt.Sprintf("account_id = $%d", len(args)))
	}
	switch {
	case strings.Contains(f.Action, "."):
		args = append(args, f.Action)
		conds = append(conds, fmt.Sprintf("action = $%d", len(args)))
	case f.Action != "":
		// "_" is a LIKE wildcard: escape it so "ip_block" matches only itself.
		args = append(args, strings.ReplaceAll(f.Action, "_", `\_`)+".%")
		conds = append(conds, fmt.Sprintf(`action LIKE $%d ESCAPE '\'`, len(args)))
	}
	args = append(args, p.Limit)
	rows, err := s.Store.DB.R.QueryContext(ctx, `SELECT id, account_id, action, target_type, target_id, detail, created_at
		FROM moderation_audit_log WHERE `+strings.Join(conds, " AND ")+` ORDER BY `+order+fmt.Sprintf(" LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	defer rows.Close()
	out := []*store.AuditEntry{}
	for rows.Next() {
		var e store.AuditEntry
		var acct sql.NullInt64
		var created int64
		if err := rows.Scan(&e.ID, &acct, &e.Action, &e.TargetType, &e.TargetID, &e.Detail, &created); err != nil {
			return nil, err
		}
		e.AccountID, e.CreatedAt = domain.ID(acct.Int64), time.UnixMilli(created).UTC()
		out = append(out, &e)
	}
	if p.MinID != 0 {
		store.Reverse(out)
	}
	return out, rows.Err()
}

package moderation

import (
	"context"
	"regexp"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// AuditFilter narrows the audit log (store.AuditFilter).
type AuditFilter = store.AuditFilter

var auditActionRE = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)?$`)

// AuditLog lists the audit log for moderators, newest first, filtered.
func (s *Service) AuditLog(ctx context.Context, u *domain.User, f AuditFilter, p domain.Page) ([]*store.AuditEntry, error) {
	if err := RequireModerator(u); err != nil {
		return nil, err
	}
	if f.Action != "" && (len(f.Action) > 64 || !auditActionRE.MatchString(f.Action)) {
		return nil, domain.Invalid("action: an action such as report.resolve, or a family such as report")
	}
	return s.Store.AuditLog(ctx, f, p)
}

package accounts

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Invite limits (documented in docs/api.md).
const (
	MaxInviteCodeLen    = 64
	MaxInviteUses       = 100
	MinInviteExpiry     = 30 * time.Minute
	MaxInviteExpiry     = 30 * 24 * time.Hour
	MaxActiveInvites    = 20 // valid invites per account (admins: no limit)
	MaxInviteCommentLen = 200
)

// InviteInput is a new invitation: MaxUses 0 is unlimited, ExpiresIn 0 is
// never.
type InviteInput struct {
	MaxUses    int
	ExpiresIn  time.Duration
	Autofollow bool
	Comment    string
}

// CreateInvite makes an invitation link for a user. Limited or suspended
// accounts cannot invite; nor can anyone while registrations are closed.
func (svc *Service) CreateInvite(ctx context.Context, u *domain.User, a *domain.Account, in InviteInput) (*store.Invite, error) {
	if svc.Cfg.Registrations == "closed" {
		return nil, domain.Forbidden("Registrations are closed on this server: invitations cannot be used")
	}
	if a.SilencedAt != nil || a.SuspendedAt != nil || !u.Approved || u.Disabled {
		return nil, domain.Forbidden("Your account cannot invite people")
	}
	if in.MaxUses < 0 || in.MaxUses > MaxInviteUses {
		return nil, domain.Invalid("max_uses: from 1 to %d, or none for unlimited", MaxInviteUses)
	}
	if in.ExpiresIn != 0 && (in.ExpiresIn < MinInviteExpiry || in.ExpiresIn > MaxInviteExpiry) {
		return nil, domain.Invalid("expires_in: from %d to %d seconds, or none for never", int(MinInviteExpiry.Seconds()), int(MaxInviteExpiry.Seconds()))
	}
	if utf8.RuneCountInString(in.Comment) > MaxInviteCommentLen {
		return nil, domain.Invalid("comment: at most %d characters", MaxInviteCommentLen)
	}
	i := &store.Invite{Code: auth.NewSecret(9), AccountID: a.ID, MaxUses: int64(in.MaxUses), Autofollow: in.Autofollow, Comment: in.Comment}
	if in.ExpiresIn != 0 {
		t := svc.Store.Now().Add(in.ExpiresIn)
		i.ExpiresAt = &t
	}
	limit := MaxActiveInvites
	if u.Role == domain.RoleAdmin {
		limit = 0
	}
	return i, svc.Store.CreateInvite(ctx, i, limit)
}

// InviteURL is the link to share for an invite.
func (svc *Service) InviteURL(i *store.Invite) string { return svc.Cfg.URL + "/invite/" + i.Code }

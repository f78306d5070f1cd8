// Package accounts holds the rules for local accounts: sign-up, validation
// of usernames, emails and passwords, registration modes and profiles.
package accounts

import (
	"context"
	"log/slog"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Service is the accounts service.
type Service struct {
	Cfg   *config.Config
	Store *store.Store
	Log   *slog.Logger
	// Remote resolves remote accounts for migrations; when nil, the
	// store's Federator is used if it can (see remote).
	Remote Remote
}

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9_]{1,30}$`)

// reserved usernames cannot be registered by the public (an admin can, with
// the CLI), so nobody impersonates the server's staff.
var reserved = []string{"admin", "administrator", "root", "support", "help", "webmaster", "postmaster",
	"moderator", "mod", "abuse", "security", "staff", "instance", "agora", "api", "oauth", "users", "inbox", "moderation"}

// SignUp is what a new account needs.
type SignUp struct {
	Username  string
	Email     string
	Password  string
	Agreement bool   // the rules were accepted
	Locale    string // e.g. "fr"
	Reason    string // why they want to join, when registrations need approval
	IP        string
	Role      domain.Role
	// ByAdmin skips the registration mode, the agreement and reserved names
	// (the admin CLI and the first-admin setup).
	ByAdmin bool
	// InviteCode is an invitation: required when registrations need one,
	// and it skips approval when they need that.
	InviteCode string
}

// Limits on sign-up fields (documented in docs/api.md).
const (
	MaxEmailLen  = 254
	MaxReasonLen = 1000
)

// Register validates s and creates the account. Validation failures are
// KindInvalid with a message naming the field; a taken name or email is
// KindConflict.
func (svc *Service) Register(ctx context.Context, s SignUp) (*domain.User, *domain.Account, error) {
	if !s.ByAdmin {
		switch svc.Cfg.Registrations {
		case "closed":
			return nil, nil, domain.Forbidden("Registrations are closed on this server")
		case "invite":
			if s.InviteCode == "" {
				return nil, nil, domain.Forbidden("Registrations on this server need an invitation")
			}
		}
		if !s.Agreement {
			return nil, nil, domain.Invalid("agreement: you must accept the server rules and terms")
		}
		if slices.Contains(reserved, strings.ToLower(s.Username)) {
			return nil, nil, domain.Invalid("username: %q is reserved", s.Username)
		}
	}
	if !usernameRE.MatchString(s.Username) {
		return nil, nil, domain.Invalid("username: use 1 to 30 letters, digits or underscores")
	}
	if err := ValidateEmail(s.Email); err != nil {
		return nil, nil, err
	}
	if err := ValidatePassword(s.Password); err != nil {
		return nil, nil, err
	}
	if utf8.RuneCountInString(s.Reason) > MaxReasonLen {
		return nil, nil, domain.Invalid("reason: at most %d characters", MaxReasonLen)
	}
	if s.Role == "" {
		s.Role = domain.RoleUser
	}
	if !domain.ValidRole(s.Role) {
		return nil, nil, domain.Invalid("role: must be user, moderator or admin")
	}
	hash, err := auth.HashPassword(s.Password)
	if err != nil {
		return nil, nil, err
	}
	if len(s.InviteCode) > MaxInviteCodeLen {
		return nil, nil, store.ErrInvalidInvite
	}
	approved := s.ByAdmin || svc.Cfg.Registrations != "approval" || s.InviteCode != ""
	if !s.ByAdmin {
		ok, err := svc.signUpAllowed(ctx, s.Email, s.IP)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			approved = false
		}
	}
	return svc.Store.CreateLocalUser(ctx, store.NewLocalUser{
		Username:     s.Username,
		Email:        s.Email,
		PasswordHash: hash,
		Role:         s.Role,
		Locale:       s.Locale,
		Approved:     approved,
		// Without SMTP nothing waits on an email (DESIGN.md): addresses count as confirmed.
		Confirmed:  true,
		Reason:     s.Reason,
		SignUpIP:   s.IP,
		BaseURL:    svc.Cfg.URL,
		InviteCode: s.InviteCode,
	})
}

// ValidateEmail checks the shape and length of an email address.
func ValidateEmail(email string) error {
	if email == "" || len(email) > MaxEmailLen {
		return domain.Invalid("email: give an address of at most %d characters", MaxEmailLen)
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return domain.Invalid("email: %q is not a valid address", email)
	}
	return nil
}

// ValidatePassword checks password length.
func ValidatePassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < auth.MinPasswordLen || len(p) > auth.MaxPasswordLen {
		return domain.Invalid("password: use %d to %d characters", auth.MinPasswordLen, auth.MaxPasswordLen)
	}
	return nil
}

// Login checks an email (or username) and password. Every failure gives
// the same message, so that accounts cannot be enumerated.
func (svc *Service) Login(ctx context.Context, login, password string) (*domain.User, error) {
	var (
		u   *domain.User
		err error
	)
	if strings.Contains(login, "@") {
		u, err = svc.Store.UserByEmail(ctx, login)
	} else {
		u, err = svc.Store.UserByUsername(ctx, login)
	}
	bad := domain.E(domain.KindUnauthorized, "Invalid email or password")
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			auth.CheckPassword(dummyHash, password) // same time as a real check
			return nil, bad
		}
		return nil, err
	}
	if !auth.CheckPassword(u.PasswordHash, password) {
		return nil, bad
	}
	if u.Disabled {
		return nil, domain.Forbidden("This account is disabled")
	}
	if !u.Approved {
		return nil, domain.Forbidden("This account is waiting for a moderator's approval")
	}
	return u, nil
}

var dummyHash, _ = auth.HashPassword("not a real password")

// signUpAllowed applies the admins' e-mail domain and IP blocks to a
// sign-up: a refusal is an error; false means the sign-up needs approval.
func (svc *Service) signUpAllowed(ctx context.Context, email, ip string) (bool, error) {
	blocked, err := svc.Store.EmailDomainBlocked(ctx, email)
	if err != nil {
		return false, err
	}
	if blocked {
		return false, domain.Invalid("email: sign-ups with this e-mail provider are not allowed")
	}
	if ip == "" {
		return true, nil
	}
	rules, err := svc.Store.IPBlocks(ctx, true, 10000)
	if err != nil {
		return false, err
	}
	switch store.IPSeverity(rules, ip) {
	case store.IPSignUpBlock, store.IPNoAccess:
		return false, domain.Forbidden("Sign-ups from your network are not allowed on this server")
	case store.IPSignUpApproval:
		return false, nil
	}
	return true, nil
}

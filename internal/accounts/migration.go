package accounts

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/graph"
	"github.com/agora-social/agora/internal/store"
)

// Account migration, Mastodon's rules: an account lists its other
// accounts as aliases (alsoKnownAs); moving to an account needs that
// account to list this one first, the password, and no move in the last
// MoveCooldown. Moving sends a Move to the followers' servers (which
// re-follow), switches local followers at once, and leaves the old account
// readable and exportable but unable to post.

// MoveCooldown is the time after a move before the account may move again
// (Mastodon's 30 days).
const MoveCooldown = 30 * 24 * time.Hour

// MaxAliasRefLen bounds one alias or move target as typed (a handle or URL).
const MaxAliasRefLen = 500

// Remote finds accounts over federation (the federation handler).
type Remote interface {
	// ResolveAccount finds username@host, fetching it when unknown.
	ResolveAccount(ctx context.Context, username, host string) (*domain.Account, error)
	// ResolveURL finds the account (or status) an http(s) URL names.
	ResolveURL(ctx context.Context, rawURL string) (*domain.Account, *domain.Status, error)
	// FreshAliases returns the account an actor id names with its
	// alsoKnownAs as its server serves them now (not from the cache).
	FreshAliases(ctx context.Context, uri string) (*domain.Account, []string, error)
}

// remote is svc.Remote or, when unset, the store's Federator when it can
// resolve (in the app both are the federation handler); nil without
// federation.
func (svc *Service) remote() Remote {
	if svc.Remote != nil {
		return svc.Remote
	}
	r, _ := svc.Store.Federator.(Remote)
	return r
}

// FindAccount resolves what a person types to name an account: a local
// username, user@host or @user@host (this server's host or another), or
// the account's URL.
func (svc *Service) FindAccount(ctx context.Context, ref string) (*domain.Account, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > MaxAliasRefLen {
		return nil, domain.NotFound()
	}
	remote := svc.remote()
	if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
		if a, err := svc.Store.AccountByURI(ctx, ref); err == nil {
			return a, nil
		}
		if remote == nil {
			return nil, domain.NotFound()
		}
		a, _, err := remote.ResolveURL(ctx, ref)
		if err == nil && a == nil {
			err = domain.NotFound()
		}
		return a, err
	}
	user, host, _ := strings.Cut(strings.TrimPrefix(ref, "@"), "@")
	if host == "" || strings.EqualFold(host, svc.Cfg.Domain) {
		return svc.Store.AccountByHandle(ctx, user, "")
	}
	if remote == nil {
		return nil, domain.NotFound()
	}
	return remote.ResolveAccount(ctx, user, host)
}

// Aliases returns the ActivityPub ids of a's aliases.
func (svc *Service) Aliases(ctx context.Context, a *domain.Account) ([]string, error) {
	return svc.Store.AccountAliases(ctx, a.ID)
}

// SetAliases replaces a's aliases with the accounts refs name (handles or
// URLs, resolved over federation), stored and published as their
// ActivityPub ids. An alias that cannot be found is KindInvalid naming it.
func (svc *Service) SetAliases(ctx context.Context, a *domain.Account, refs []string) ([]string, error) {
	if len(refs) > store.MaxAliases {
		return nil, domain.Invalid("also_known_as: at most %d aliases", store.MaxAliases)
	}
	out := make([]string, 0, len(refs))
	for _, ref := range refs {
		if strings.TrimSpace(ref) == "" {
			continue
		}
		t, err := svc.FindAccount(ctx, ref)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, domain.Invalid("also_known_as: no account found for %q", truncate(ref, 100))
		}
		if err != nil {
			return nil, err
		}
		if t.ID == a.ID {
			return nil, domain.Invalid("also_known_as: an account cannot be its own alias")
		}
		if !slices.Contains(out, t.URI) {
			out = append(out, t.URI)
		}
	}
	if err := svc.Store.SetAliases(ctx, a.ID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// AddAlias adds the account ref names to a's aliases.
func (svc *Service) AddAlias(ctx context.Context, a *domain.Account, ref string) ([]string, error) {
	cur, err := svc.Aliases(ctx, a)
	if err != nil {
		return nil, err
	}
	return svc.SetAliases(ctx, a, append(cur, ref))
}

// RemoveAlias removes the alias uri from a's aliases.
func (svc *Service) RemoveAlias(ctx context.Context, a *domain.Account, uri string) ([]string, error) {
	cur, err := svc.Aliases(ctx, a)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(cur, func(s string) bool { return s == uri })
	if err := svc.Store.SetAliases(ctx, a.ID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Move moves a (u's account) to the account target names, after checking
// u's password, the cooldown and that the target lists a as an alias (its
// alsoKnownAs fetched now). It returns the moved account.
func (svc *Service) Move(ctx context.Context, u *domain.User, a *domain.Account, password, target string) (*domain.Account, error) {
	if !auth.CheckPassword(u.PasswordHash, password) {
		return nil, domain.Invalid("password: the password is incorrect")
	}
	if strings.TrimSpace(target) == "" {
		return nil, domain.Invalid("moved_to_uri: the account to move to is missing")
	}
	last, err := svc.Store.LastMove(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if !last.IsZero() && svc.Store.Now().Sub(last) < MoveCooldown {
		return nil, domain.Invalid("This account moved on %s: it can move again after %s (%d days)",
			last.UTC().Format(time.DateOnly), last.Add(MoveCooldown).UTC().Format(time.DateOnly), int(MoveCooldown.Hours()/24))
	}
	to, err := svc.FindAccount(ctx, target)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil, domain.Invalid("moved_to_uri: no account found for %q", truncate(target, 100))
	}
	if err != nil {
		return nil, err
	}
	switch {
	case to.ID == a.ID:
		return nil, domain.Invalid("moved_to_uri: an account cannot move to itself")
	case to.SuspendedAt != nil:
		return nil, domain.Invalid("moved_to_uri: the account to move to is suspended")
	case to.MovedToAccountID != 0:
		return nil, domain.Invalid("moved_to_uri: the account to move to has itself moved")
	}
	aka, err := svc.freshAliases(ctx, to)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(aka, a.URI) {
		return nil, domain.Invalid("moved_to_uri: %s does not list this account (%s) as an alias; add the alias on the new account first",
			to.URI, a.URI)
	}
	if err := svc.Store.RecordMove(ctx, a.ID, to.ID, MoveCooldown); err != nil {
		if domain.KindOf(err) == domain.KindRateLimited {
			return nil, domain.Invalid("%s", err.Error())
		}
		return nil, err
	}
	// Local followers follow the new account now; remote ones when their
	// server receives the Move.
	moved, err := svc.Store.MoveFollowers(ctx, a.ID, to.ID)
	if err != nil {
		return nil, err
	}
	g := graph.New(svc.Store)
	for _, m := range moved {
		if _, err := g.Follow(ctx, m.Follower, to.ID, m.Options); err != nil && svc.Log != nil {
			svc.Log.Info("move: follow the new account", "follower", m.Follower, "target", to.ID, "err", err)
		}
	}
	return svc.Store.Account(ctx, a.ID)
}

// freshAliases returns the alsoKnownAs of a move's target as they are now.
func (svc *Service) freshAliases(ctx context.Context, to *domain.Account) ([]string, error) {
	if to.Local() {
		return svc.Store.AccountAliases(ctx, to.ID)
	}
	remote := svc.remote()
	if remote == nil {
		return nil, domain.E(domain.KindUnavailable, "Federation is not available to check the account to move to")
	}
	_, aka, err := remote.FreshAliases(ctx, to.URI)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil, domain.Invalid("moved_to_uri: %s could not be fetched to check its aliases", to.URI)
	}
	return aka, err
}

// CanPost refuses to let a moved account post (Mastodon's rule: the old
// account stays readable and exportable, but its audience is elsewhere).
func CanPost(a *domain.Account) error {
	if a.MovedToAccountID != 0 {
		return domain.Forbidden("This account has moved to another account; it can no longer post")
	}
	return nil
}

// truncate cuts s to at most n bytes on a rune boundary, for messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

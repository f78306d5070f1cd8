package cards

import (
	"context"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// Accounts resolves a handle to an account: a local one, or a remote one
// found by WebFinger and its actor (the federation handler's
// ResolveAccount).
type Accounts interface {
	ResolveAccount(ctx context.Context, username, host string) (*domain.Account, error)
}

// AttributionTimeout bounds resolving a page's fediverse:creator (a
// WebFinger request and an actor fetch when the account is not known).
const AttributionTimeout = 10 * time.Second

var creatorUserRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)

// ParseCreator reads a fediverse:creator value, "@user@host" or
// "user@host" (Mastodon's two spellings), into its username and host
// (lowercase, punycode or an IP address, with a port when it has one); ok
// is false for anything else.
func ParseCreator(v string) (username, host string, ok bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "@")
	username, host, found := strings.Cut(v, "@")
	if !found || !creatorUserRE.MatchString(username) || host == "" || strings.ContainsAny(host, "@/?#\\ ") {
		return "", "", false
	}
	u, err := url.Parse("https://" + host)
	if err != nil || u.Host != host || u.User != nil {
		return "", "", false
	}
	name, valid := accounts.NormalizeDomain(u.Hostname())
	if ip := net.ParseIP(u.Hostname()); ip != nil {
		// An address is no domain to list, but is a server's host; the
		// resolver refuses private ones unless allowed.
		name, valid = ip.String(), true
		if ip.To4() == nil {
			name = "[" + name + "]"
		}
	}
	if !valid || name == "" {
		return "", "", false
	}
	if p := u.Port(); p != "" {
		name += ":" + p
	}
	return username, name, true
}

// author is who a card credits: the page's fediverse:creator account when
// it resolves, is not suspended and lists the page's site within its
// attribution domains (as Mastodon, a page alone cannot claim an
// account); the zero CardAuthor otherwise. Failures only leave the card
// without its author.
func (s *Service) author(ctx context.Context, pageURL, creator string) store.CardAuthor {
	if creator == "" || s.Accounts == nil {
		return store.CardAuthor{}
	}
	username, host, ok := ParseCreator(creator)
	page, err := url.Parse(pageURL)
	if !ok || err != nil {
		return store.CardAuthor{}
	}
	ctx, cancel := context.WithTimeout(ctx, AttributionTimeout)
	defer cancel()
	acct, err := s.Accounts.ResolveAccount(ctx, username, host)
	if err != nil || acct == nil || acct.SuspendedAt != nil {
		if err != nil && s.Log != nil {
			s.Log.Debug("link preview author not resolved", "creator", creator, "err", err)
		}
		return store.CardAuthor{}
	}
	domains, err := s.Store.AttributionDomains(ctx, acct.ID)
	if err != nil || !accounts.CanAttribute(domains, page.Host) {
		return store.CardAuthor{}
	}
	link := acct.URL
	if link == "" {
		link = acct.URI
	}
	return store.CardAuthor{URL: link, AccountID: acct.ID}
}

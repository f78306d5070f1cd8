package accounts

import (
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"

	"github.com/agora-social/agora/internal/domain"
)

// Limits of attribution domains (Mastodon's: 100 per account).
const (
	MaxAttributionDomains = 100
	maxDomainLen          = 253
	maxLabelLen           = 63
)

// NormalizeAttributionDomains checks and normalizes the domains whose
// pages may credit an account as their author (Mastodon's
// attribution_domains): surrounding blanks, a scheme, a trailing slash or
// dot and a leading "*." are dropped; names are lowercased and
// internationalized ones turned to punycode; duplicates and blank entries
// are dropped. A domain covers its subdomains.
func NormalizeAttributionDomains(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, raw := range in {
		d, ok := NormalizeDomain(raw)
		if !ok {
			return nil, domain.Invalid("attribution_domains: %q is not a domain name", clipInput(raw)).Tr("attr_err_domain", clipInput(raw))
		}
		if d == "" || seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, d)
	}
	if len(out) > MaxAttributionDomains {
		return nil, domain.Invalid("attribution_domains: at most %d domains", MaxAttributionDomains).Tr("attr_err_count", MaxAttributionDomains)
	}
	return out, nil
}

// NormalizeDomain returns the ASCII, lowercase form of a domain name as a
// person types it ("" for a blank entry), and false when it is not one.
func NormalizeDomain(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", true
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Port() != "" {
			return "", false
		}
		s = u.Hostname()
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "*."), "/")
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > maxDomainLen*4 || net.ParseIP(s) != nil {
		return "", false
	}
	ascii, err := idna.Lookup.ToASCII(s)
	if err != nil || len(ascii) > maxDomainLen {
		return "", false
	}
	for _, label := range strings.Split(ascii, ".") {
		if !validLabel(label) {
			return "", false
		}
	}
	return ascii, true
}

// validLabel reports whether a label is a host name's: letters, digits
// and inner hyphens (underscores are not host names').
func validLabel(l string) bool {
	if l == "" || len(l) > maxLabelLen || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// CanAttribute reports whether a page on host (a URL's host, with or
// without port) may credit an account whose attribution domains are
// domains: the host or one of its parent domains is listed.
func CanAttribute(domains []string, host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host, ok := NormalizeDomain(host)
	if !ok || host == "" {
		return false
	}
	for {
		for _, d := range domains {
			if d == host {
				return true
			}
		}
		_, parent, found := strings.Cut(host, ".")
		if !found {
			return false
		}
		host = parent
	}
}

// clipInput keeps error messages short when the input is long.
func clipInput(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

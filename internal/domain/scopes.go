package domain

import (
	"slices"
	"strings"
)

// Scopes is a set of OAuth scopes such as "read", "write:statuses".
type Scopes []string

// knownScopes are the top-level scopes; a granular scope is top:thing.
var knownScopes = []string{"read", "write", "follow", "push", "profile", "admin:read", "admin:write"}

var granular = map[string][]string{
	"read":        {"accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes", "notifications", "search", "statuses"},
	"write":       {"accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows", "lists", "media", "mutes", "notifications", "reports", "statuses"},
	"admin:read":  {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"},
	"admin:write": {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"},
}

// ParseScopes splits a space- or plus-separated scope string; it returns
// false when one scope is unknown. An empty string means "read".
func ParseScopes(s string) (Scopes, bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == ',' })
	if len(fields) == 0 {
		return Scopes{"read"}, true
	}
	var out Scopes
	for _, f := range fields {
		if !validScope(f) {
			return nil, false
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, true
}

func validScope(s string) bool {
	if slices.Contains(knownScopes, s) {
		return true
	}
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return false
	}
	return slices.Contains(granular[s[:i]], s[i+1:])
}

// String joins the scopes with spaces, as OAuth does.
func (s Scopes) String() string { return strings.Join(s, " ") }

// Has reports whether the scopes grant want: "read:statuses" is granted by
// "read:statuses" or "read"; "follow" (legacy) also grants the follow-related
// read and write scopes, as Mastodon does.
func (s Scopes) Has(want string) bool {
	if slices.Contains(s, want) {
		return true
	}
	if i := strings.LastIndex(want, ":"); i >= 0 {
		top := want[:i]
		if slices.Contains(s, top) {
			return true
		}
		if slices.Contains(s, "follow") {
			switch want {
			case "read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes":
				return true
			}
		}
	}
	return false
}

// Subset reports whether every scope of s is within allowed.
func (s Scopes) Subset(allowed Scopes) bool {
	for _, x := range s {
		if !allowed.Has(x) {
			return false
		}
	}
	return true
}

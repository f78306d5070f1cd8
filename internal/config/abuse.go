package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Abuse is the configuration of the new-account restrictions and of the
// spam heuristics that hold posts for review (docs/abuse.md).
type Abuse struct {
	// NewAccountHours is how long after sign-up an account is "new"
	// (AGORA_NEW_ACCOUNT_HOURS, default 24; 0 turns the restrictions off).
	NewAccountHours int
	// NewAccountMentions is how many accounts with no follow relation to
	// the author (either way) a new account may mention per post
	// (AGORA_NEW_ACCOUNT_MAX_MENTIONS, default 2).
	NewAccountMentions int
	// NewAccountLinks is how many links to other sites a new account may
	// put in a post (AGORA_NEW_ACCOUNT_MAX_LINKS, default 0).
	NewAccountLinks int
	// NewAccountPostsPerHour is a new account's posting rate
	// (AGORA_NEW_ACCOUNT_POSTS_PER_HOUR, default 10).
	NewAccountPostsPerHour int
	// HoldScore is the spam score from which a post is held for review
	// (AGORA_SPAM_HOLD_SCORE, default 6; 0 turns holding off).
	HoldScore int
	// YoungAccountDays: accounts younger than this get the "young account
	// posting links" signal (AGORA_SPAM_YOUNG_ACCOUNT_DAYS, default 7).
	YoungAccountDays int
	// LinkDomains are the operator's list of spam domains: a link to one of
	// them (or a subdomain) holds the post (AGORA_SPAM_LINK_DOMAINS,
	// comma-separated, empty by default).
	LinkDomains []string
}

// DefaultAbuse is the configuration with every variable unset.
func DefaultAbuse() Abuse {
	a, _ := LoadAbuse(func(string) string { return "" })
	return a
}

// LoadAbuse reads the abuse settings from getenv.
func LoadAbuse(getenv func(string) string) (Abuse, error) {
	var a Abuse
	err := a.load(func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	})
	return a, err
}

// load reads the abuse settings; Load calls it like the other groups.
func (c *Abuse) load(get func(k, def string) string) error {
	ints := []struct {
		key      string
		def      string
		min, max int
		dst      *int
	}{
		{"AGORA_NEW_ACCOUNT_HOURS", "24", 0, 24 * 90, &c.NewAccountHours},
		{"AGORA_NEW_ACCOUNT_MAX_MENTIONS", "2", 0, 50, &c.NewAccountMentions},
		{"AGORA_NEW_ACCOUNT_MAX_LINKS", "0", 0, 50, &c.NewAccountLinks},
		{"AGORA_NEW_ACCOUNT_POSTS_PER_HOUR", "10", 1, 10000, &c.NewAccountPostsPerHour},
		{"AGORA_SPAM_HOLD_SCORE", "6", 0, 1000, &c.HoldScore},
		{"AGORA_SPAM_YOUNG_ACCOUNT_DAYS", "7", 0, 3650, &c.YoungAccountDays},
	}
	for _, x := range ints {
		n, err := strconv.Atoi(get(x.key, x.def))
		if err != nil || n < x.min || n > x.max {
			return fmt.Errorf("%s: want a number from %d to %d", x.key, x.min, x.max)
		}
		*x.dst = n
	}
	c.LinkDomains = nil
	for _, d := range strings.Split(get("AGORA_SPAM_LINK_DOMAINS", ""), ",") {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" {
			continue
		}
		if strings.ContainsAny(d, "/:@ ") || !strings.Contains(d, ".") {
			return fmt.Errorf("AGORA_SPAM_LINK_DOMAINS: %q is not a domain name (write e.g. spam.example, comma-separated)", d)
		}
		c.LinkDomains = append(c.LinkDomains, d)
	}
	return nil
}

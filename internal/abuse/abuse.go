// Package abuse scores local posts with cheap, explainable spam signals.
// It decides nothing by itself: the statuses service holds a post whose
// score reaches the operator's threshold for a moderator to review (never
// deletes it), and the signals become the automated report's comment.
// Pure functions over what the caller loaded; see docs/abuse.md.
package abuse

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Points of each signal. A link to a listed domain holds on its own,
// whatever the threshold; the others need to add up (with the default
// threshold of 6, two of them, or one strong one).
const (
	PointsListedDomain   = 100
	PointsRepeatedText   = 3 // the 3rd copy within the window
	PointsRepeatedText5  = 6 // the 5th copy and later
	PointsRepeatedLink   = 3
	PointsStrangers      = 3 // MinStrangers or more strangers mentioned
	PointsManyStrangers  = 6 // ManyStrangers or more
	PointsManyLinks      = 2
	PointsYoungAccount   = 2 // only added to another signal
	Window               = time.Hour
	MinStrangers         = 5
	ManyStrangers        = 10
	ManyLinks            = 3
	minRepeatedTextRunes = 8 // "thanks!" twice is not spam
)

// Signal is one reason a post looks like spam.
type Signal struct {
	Name   string `json:"name"`
	Points int    `json:"points"`
	Detail string `json:"detail"`
}

// Earlier is one of the author's earlier posts.
type Earlier struct {
	Text  string
	Links []string
	At    time.Time
}

// Post is what the signals look at.
type Post struct {
	Text             string
	Links            []string // links to other sites
	StrangerMentions int      // mentioned accounts with no follow relation to the author
	AccountAge       time.Duration
	Earlier          []Earlier // the author's latest posts, any order
	Now              time.Time
}

// Rules are the operator's settings.
type Rules struct {
	LinkDomains  []string      // lower case; a subdomain matches too
	YoungAccount time.Duration // accounts younger than this get the young-account signal
}

// Score returns the post's spam score and the signals behind it.
func Score(r Rules, p Post) (int, []Signal) {
	var out []Signal
	if d := listedDomain(r.LinkDomains, p.Links); d != "" {
		out = append(out, Signal{"listed_domain", PointsListedDomain, "links to " + d + ", on the server's list of spam domains"})
	}
	recent := p.Earlier[:0:0]
	for _, e := range p.Earlier {
		if p.Now.Sub(e.At) < Window {
			recent = append(recent, e)
		}
	}
	if norm := Normalize(p.Text); len(recent) >= 2 && len([]rune(norm)) >= minRepeatedTextRunes {
		n := 0
		for _, e := range recent {
			if Normalize(e.Text) == norm {
				n++
			}
		}
		switch {
		case n >= 4:
			out = append(out, Signal{"repeated_text", PointsRepeatedText5, fmt.Sprintf("the same text was posted %d times within an hour", n+1)})
		case n >= 2:
			out = append(out, Signal{"repeated_text", PointsRepeatedText, fmt.Sprintf("the same text was posted %d times within an hour", n+1)})
		}
	}
	for _, l := range unique(p.Links) {
		n := 0
		for _, e := range recent {
			for _, el := range unique(e.Links) {
				if el == l {
					n++
				}
			}
		}
		if n >= 2 {
			out = append(out, Signal{"repeated_link", PointsRepeatedLink, fmt.Sprintf("%s was linked in %d posts within an hour", l, n+1)})
			break
		}
	}
	switch {
	case p.StrangerMentions >= ManyStrangers:
		out = append(out, Signal{"mentions_strangers", PointsManyStrangers, fmt.Sprintf("mentions %d accounts with no follow relation to the author", p.StrangerMentions)})
	case p.StrangerMentions >= MinStrangers:
		out = append(out, Signal{"mentions_strangers", PointsStrangers, fmt.Sprintf("mentions %d accounts with no follow relation to the author", p.StrangerMentions)})
	}
	if n := len(unique(p.Links)); n >= ManyLinks {
		out = append(out, Signal{"many_links", PointsManyLinks, fmt.Sprintf("%d links to other sites in one post", n)})
	}
	if len(out) > 0 && p.AccountAge < r.YoungAccount {
		out = append(out, Signal{"young_account", PointsYoungAccount, fmt.Sprintf("the account is %d hours old", int(p.AccountAge.Hours()))})
	}
	total := 0
	for _, s := range out {
		total += s.Points
	}
	return total, out
}

// Explain renders signals for a moderator (the automated report's comment).
func Explain(score, threshold int, signals []Signal) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Held for review by the automated spam heuristics (score %d, threshold %d):", score, threshold)
	for _, s := range signals {
		fmt.Fprintf(&b, " %s (+%d): %s;", s.Name, s.Points, s.Detail)
	}
	return strings.TrimSuffix(b.String(), ";") + "."
}

var (
	linkRe    = regexp.MustCompile(`(?i)https?://\S+`)
	mentionRe = regexp.MustCompile(`@[\w.@-]+`)
)

// Normalize is the text compared for repeats: without links and mentions
// (spammers vary them from copy to copy), lower case, letters and digits
// separated by single spaces.
func Normalize(text string) string {
	if strings.Contains(text, "://") {
		text = linkRe.ReplaceAllString(text, " ")
	}
	if strings.Contains(text, "@") {
		text = mentionRe.ReplaceAllString(text, " ")
	}
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// listedDomain returns the first link's host on the list (or under a
// listed domain), "" when none.
func listedDomain(list, links []string) string {
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil {
			continue
		}
		host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		for _, d := range list {
			if host == d || strings.HasSuffix(host, "."+d) {
				return host
			}
		}
	}
	return ""
}

func unique(v []string) []string {
	seen := map[string]bool{}
	out := v[:0:0]
	for _, s := range v {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

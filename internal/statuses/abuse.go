package statuses

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/abuse"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// recentForAbuse is how many of the author's latest posts the posting
// rate and the repeat signals look at.
const recentForAbuse = 50

// checkAbuse applies the new-account restrictions and the spam heuristics
// (docs/abuse.md) to a local post about to be created from text. It
// returns an error when a restriction refuses the post, a hold when the
// heuristics hold it for review, nil for a normal post. Moderators and
// admins are exempt from both; trusted accounts from the restrictions.
func (s *Service) checkAbuse(ctx context.Context, author *domain.Account, st *domain.Status, text string) (*store.Hold, error) {
	if !author.Local() {
		return nil, nil
	}
	standing, err := s.Store.PostingStanding(ctx, author.ID)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil, nil // an account without a login (the instance actor) is not a spammer
	}
	if err != nil {
		return nil, err
	}
	if standing.Role == domain.RoleModerator || standing.Role == domain.RoleAdmin {
		return nil, nil
	}
	cfg := s.Abuse
	links := externalLinks(text, s.Cfg.URL)
	strangers, err := s.Store.StrangerMentions(ctx, author.ID, st.MentionedAccountIDs)
	if err != nil {
		return nil, err
	}
	recent, err := s.Store.RecentPosts(ctx, author.ID, recentForAbuse)
	if err != nil {
		return nil, err
	}
	now := s.Store.Now()
	ends := standing.SignedUpAt.Add(time.Duration(cfg.NewAccountHours) * time.Hour)
	if !standing.Trusted && now.Before(ends) {
		if err := newAccountLimits(cfg.NewAccountHours, cfg.NewAccountPostsPerHour, cfg.NewAccountMentions, cfg.NewAccountLinks,
			ends, now, recent, strangers, len(links)); err != nil {
			return nil, err
		}
	}
	if cfg.HoldScore <= 0 {
		return nil, nil
	}
	post := abuse.Post{Text: text, Links: links, StrangerMentions: strangers, AccountAge: now.Sub(standing.SignedUpAt), Now: now}
	for _, p := range recent {
		if now.Sub(p.CreatedAt) < abuse.Window { // older posts cannot count: skip parsing them
			post.Earlier = append(post.Earlier, abuse.Earlier{Text: p.Text, Links: externalLinks(p.Text, s.Cfg.URL), At: p.CreatedAt})
		}
	}
	rules := abuse.Rules{LinkDomains: cfg.LinkDomains, YoungAccount: time.Duration(cfg.YoungAccountDays) * 24 * time.Hour}
	score, signals := abuse.Score(rules, post)
	if score < cfg.HoldScore {
		return nil, nil
	}
	js, err := json.Marshal(signals)
	if err != nil {
		return nil, err
	}
	comment := abuse.Explain(score, cfg.HoldScore, signals)
	// The hold restricts the post's visibility: an automated decision with
	// its statement of reasons (DSA Art. 17), recorded with the post.
	return &store.Hold{Score: score, Signals: string(js), Comment: comment, Decision: moderation.HoldDecision(comment, now)}, nil
}

// newAccountLimits refuses a new account's post over one of its limits,
// saying what the limit is and when it ends. The posting rate is a 429
// (clients back off and retry); the others are 422 (change the post).
func newAccountLimits(hours, perHour, mentions, links int, ends, now time.Time, recent []store.RecentPost, strangers, nLinks int) error {
	n := 0
	for _, p := range recent {
		if now.Sub(p.CreatedAt) < time.Hour {
			n++
		}
	}
	switch {
	case n >= perHour:
		return abuse.PostRateLimit(perHour, hours, ends)
	case strangers > mentions:
		return abuse.MentionLimit(mentions, hours, strangers, ends)
	case nLinks > links:
		return abuse.LinkLimit(links, hours, nLinks, ends)
	}
	return nil
}

// externalLinks lists the distinct links in text to sites other than this
// server (base is its URL).
func externalLinks(text, base string) []string {
	own := ""
	if u, err := url.Parse(base); err == nil {
		own = strings.ToLower(u.Host)
	}
	var out []string
	if !strings.Contains(text, "://") {
		return nil // most posts: no regular expression to run
	}
	// The links extract would find (a link wins over what it contains).
	for _, m := range urlRe.FindAllString(text, -1) {
		l := trimURL(m)
		if len(l) <= len("https://") || slices.Contains(out, l) {
			continue
		}
		u, err := url.Parse(l)
		if err != nil || u.Host == "" || strings.EqualFold(u.Host, own) {
			continue
		}
		out = append(out, l)
	}
	return out
}

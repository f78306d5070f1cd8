package statuses

import (
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/domain"
)

// A remote post's canQuote survives its storage, and decides as
// Mastodon's quote_policy_for_account: automatic before manual, followers
// and following by relation, unsupported actors unknown, nothing denied.
func TestRemoteQuotePolicy(t *testing.T) {
	p := RemoteQuotePolicy{Automatic: []string{QuoteByFollowers}, Manual: []string{QuoteByPublic, QuoteByUnsupported}}
	got := ParseRemoteQuotePolicy(p.String())
	if !slices.Equal(got.Automatic, p.Automatic) || !slices.Equal(got.Manual, p.Manual) {
		t.Errorf("round trip of %q: %+v", p.String(), got)
	}
	if s := (RemoteQuotePolicy{}).String(); s != "" || len(ParseRemoteQuotePolicy("").Automatic) != 0 {
		t.Errorf("empty policy stored as %q", s)
	}
	for _, c := range []struct {
		policy            RemoteQuotePolicy
		follows, followed bool
		want              string
	}{
		{RemoteQuotePolicy{Automatic: []string{QuoteByPublic}}, false, false, "automatic"},
		{RemoteQuotePolicy{Automatic: []string{QuoteByFollowers}, Manual: []string{QuoteByPublic}}, true, false, "automatic"},
		{RemoteQuotePolicy{Automatic: []string{QuoteByFollowers}, Manual: []string{QuoteByPublic}}, false, false, "manual"},
		{RemoteQuotePolicy{Automatic: []string{QuoteByFollowing}}, false, true, "automatic"},
		{RemoteQuotePolicy{Automatic: []string{QuoteByFollowing}}, true, false, "denied"},
		{RemoteQuotePolicy{Manual: []string{QuoteByUnsupported}}, false, false, "unknown"},
		{RemoteQuotePolicy{}, true, true, "denied"},
	} {
		if got := c.policy.decide(c.follows, c.followed); got != c.want {
			t.Errorf("%q (follows %v, followed %v) = %s, want %s", c.policy.String(), c.follows, c.followed, got, c.want)
		}
	}
	remote := &domain.Status{AccountID: 2, Visibility: domain.Public, QuotePolicy: "auto=public;manual="}
	if got := QuoteDecision(remote, 1, false, false); got != "automatic" {
		t.Errorf("remote public policy: %s", got)
	}
	if got := QuoteDecision(remote, 1, false, true); got != "denied" {
		t.Errorf("blocked: %s", got)
	}
	remote.Visibility = domain.Private
	if got := QuoteDecision(remote, 1, true, false); got != "denied" {
		t.Errorf("followers-only post: %s", got)
	}
}

package statuses

import (
	"testing"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

func TestApplyPolicyValidates(t *testing.T) {
	base := DefaultPolicy(domain.Public)
	got, err := applyPolicy(base, &PolicyInput{CanReply: &store.PolicyRule{AutomaticApproval: []string{"me", " Followers", "author"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"author", "followers"}; len(got.CanReply.AutomaticApproval) != 2 ||
		got.CanReply.AutomaticApproval[0] != want[0] || got.CanReply.AutomaticApproval[1] != want[1] {
		t.Errorf("can_reply = %v, want %v", got.CanReply.AutomaticApproval, want)
	}
	if got.CanReply.ManualApproval == nil || len(got.CanReply.ManualApproval) != 0 {
		t.Errorf("manual_approval = %#v, want an empty list", got.CanReply.ManualApproval)
	}
	if got.CanReblog.AutomaticApproval[0] != "public" {
		t.Errorf("can_reblog changed: %v", got.CanReblog)
	}
	for _, bad := range [][]string{{"friends"}, {"https://example.com/users/x"}, make([]string, MaxPolicyValues+1)} {
		if _, err := applyPolicy(base, &PolicyInput{CanFavourite: &store.PolicyRule{AutomaticApproval: bad}}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("%v: err %v, want invalid", bad, err)
		}
	}
}

func TestRefusalMessages(t *testing.T) {
	for _, c := range []struct {
		kind Interaction
		rule store.PolicyRule
		want string
	}{
		{Reply, store.PolicyRule{AutomaticApproval: []string{"following"}}, "The author only accepts replies from people they follow"},
		{Reply, store.PolicyRule{AutomaticApproval: []string{"author", "followers", "mentioned"}}, "The author only accepts replies from their followers or people mentioned in the post"},
		{Reblog, store.PolicyRule{AutomaticApproval: []string{"author"}}, "The author does not accept boosts on this post"},
		{Favourite, store.PolicyRule{ManualApproval: []string{"public"}}, "The author does not accept favourites on this post; favourites that need the author's approval are not supported yet"},
	} {
		if got := refusal(c.kind, c.rule); got != c.want {
			t.Errorf("refusal(%v) = %q, want %q", c.rule, got, c.want)
		}
	}
}

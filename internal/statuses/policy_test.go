package statuses

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
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
		{Favourite, store.PolicyRule{ManualApproval: []string{"followers"}}, "The author does not accept favourites on this post; favourites from their followers need their approval"},
	} {
		if got := refusal(c.kind, c.rule); got != c.want {
			t.Errorf("refusal(%v) = %q, want %q", c.rule, got, c.want)
		}
	}
}

// TestDecideInteraction: who interacts at once, who with the author's
// approval, who not at all; the more specific value wins (an account
// named in one list over "public" in the other), the author and
// mentioned accounts always may reply, and a remote reply that needs
// approval is stored held with its request (admitRemote).
func TestDecideInteraction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cfg, err := config.Load(func(k string) string {
			return map[string]string{"AGORA_URL": "https://agora.example", "AGORA_DATA": t.TempDir()}[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		st := store.New(d, nil)
		s := New(cfg, st)
		user := func(name string) *domain.Account {
			_, a, err := st.CreateLocalUser(ctx, store.NewLocalUser{Username: name, Email: name + "@example.org", PasswordHash: "x",
				Approved: true, BaseURL: cfg.URL})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		alice, fan, stranger, named, mentioned := user("alice"), user("fan"), user("stranger"), user("named"), user("mentioned")
		if _, err := st.Follow(ctx, fan.ID, alice.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		post := &domain.Status{ID: st.IDs.Next(), AccountID: alice.ID, Local: true, Visibility: domain.Public, CreatedAt: st.Now(),
			MentionedAccountIDs: []domain.ID{mentioned.ID}}
		post.ConversationID = post.ID
		if _, _, err := st.CreateStatus(ctx, store.NewStatus{Status: post}); err != nil {
			t.Fatal(err)
		}
		namedURI := cfg.URL + "/users/named"
		pol := DefaultPolicy(domain.Public)
		pol.CanReply = store.PolicyRule{AutomaticApproval: []string{store.PolicyFollowers}, ManualApproval: []string{store.PolicyPublic}}
		pol.CanFavourite = store.PolicyRule{AutomaticApproval: []string{store.PolicyPublic}, ManualApproval: []string{namedURI}}
		pol.CanReblog = store.PolicyRule{AutomaticApproval: []string{namedURI}, ManualApproval: []string{store.PolicyFollowers}}
		if err := st.SetStatusInteractionPolicy(ctx, post.ID, &pol); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  *domain.Account
			kind Interaction
			want Decision
			err  bool // refused
		}{
			{alice, Reblog, Allowed, false},
			{fan, Reply, Allowed, false},
			{stranger, Reply, NeedsApproval, false},
			{mentioned, Reply, Allowed, false},
			{stranger, Favourite, Allowed, false},
			{named, Favourite, NeedsApproval, false}, // named beats public
			{named, Reblog, Allowed, false},
			{fan, Reblog, NeedsApproval, false},
			{stranger, Reblog, 0, true},
		} {
			got, err := s.DecideInteraction(ctx, c.who, post, c.kind)
			if c.err != (domain.KindOf(err) == domain.KindForbidden) || (err == nil && got != c.want) {
				t.Errorf("%s %v: %v, %v; want %v (refused %v)", c.who.Username, c.kind, got, err, c.want, c.err)
			}
		}
		if err := s.CheckInteraction(ctx, stranger, post, Reply); domain.KindOf(err) != domain.KindForbidden {
			t.Errorf("CheckInteraction of a reply that needs approval: %v, want forbidden", err)
		}

		// A remote reply that needs approval: held, with its request.
		bob := &domain.Account{Username: "bob", Domain: "r.example", URI: "https://r.example/users/bob", InboxURL: "https://r.example/users/bob/inbox"}
		if err := st.UpsertRemoteAccount(ctx, &store.RemoteAccount{Account: bob}); err != nil {
			t.Fatal(err)
		}
		id, err := s.CreateRemote(ctx, RemoteStatus{Author: bob, URI: "https://r.example/n/1", Content: "<p>hi</p>",
			Visibility: domain.Public, InReplyTo: post, Mentions: []domain.ID{alice.ID}})
		if err != nil {
			t.Fatal(err)
		}
		held, _ := st.Status(ctx, id)
		if held.Visibility != store.HeldVisibility || held.InReplyToID != post.ID || held.ConversationID != post.ConversationID {
			t.Errorf("remote pending reply stored as %+v", held)
		}
		reqs, _ := st.ReplyRequests(ctx, []domain.ID{id})
		if r := reqs[id]; r == nil || r.Visibility != domain.Public || r.URI != "https://r.example/n/1" || r.TargetAccountID != alice.ID {
			t.Errorf("its request = %+v", r)
		}
		if ok, _ := s.CanSee(ctx, fan.ID, held); ok {
			t.Error("a follower of alice sees the pending remote reply")
		}
		ms, _ := st.MentionsOf(ctx, []domain.ID{id})
		if len(ms[id]) != 1 {
			t.Errorf("its mentions = %v", ms[id])
		}
		// Accepted by alice: published with its visibility.
		if _, err := s.AnswerInteraction(ctx, alice.ID, reqs[id].ID, true); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Status(ctx, id); got.Visibility != domain.Public {
			t.Errorf("accepted remote reply's visibility = %s", got.Visibility)
		}
		if _, err := s.AnswerInteraction(ctx, fan.ID, reqs[id].ID, false); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("someone else answering: %v", err)
		}
	})
}

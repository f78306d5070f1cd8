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

// TestNeedsAuthorization: the third server's rule for interactions of
// remote accounts with a post of another server: none is needed without a
// policy, from the author, for a mentioned account's reply, for an
// account named in automatic_approval or under public there; manual
// approval, an account named in manual_approval (over public) and
// followers-only rules need one. Local posts are DecideInteraction's.
func TestNeedsAuthorization(t *testing.T) {
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
		remote := func(name, host string) *domain.Account {
			a := &domain.Account{Username: name, Domain: host, URI: "https://" + host + "/users/" + name,
				InboxURL: "https://" + host + "/users/" + name + "/inbox"}
			if err := st.UpsertRemoteAccount(ctx, &store.RemoteAccount{Account: a}); err != nil {
				t.Fatal(err)
			}
			return a
		}
		author, named, stranger, mentioned := remote("bob", "b.example"), remote("named", "c.example"), remote("eve", "c.example"), remote("mia", "c.example")
		post := func(pol *store.InteractionPolicy) *domain.Status {
			p := &domain.Status{ID: st.IDs.Next(), AccountID: author.ID, URI: "https://b.example/notes/" + st.IDs.Next().String(),
				Visibility: domain.Public, CreatedAt: st.Now(), MentionedAccountIDs: []domain.ID{mentioned.ID}}
			p.ConversationID = p.ID
			if _, err := st.CreateRemoteStatus(ctx, p, nil, nil, false); err != nil {
				t.Fatal(err)
			}
			if pol != nil {
				if err := st.SetStatusInteractionPolicy(ctx, p.ID, pol); err != nil {
					t.Fatal(err)
				}
			}
			return p
		}
		open := post(nil)
		pol := DefaultPolicy(domain.Public)
		pol.CanReply = store.PolicyRule{AutomaticApproval: []string{store.PolicyAuthor, named.URI}, ManualApproval: []string{store.PolicyPublic}}
		pol.CanFavourite = store.PolicyRule{AutomaticApproval: []string{store.PolicyPublic}, ManualApproval: []string{named.URI}}
		pol.CanReblog = store.PolicyRule{AutomaticApproval: []string{store.PolicyAuthor, store.PolicyFollowers}}
		restricted := post(&pol)
		for _, c := range []struct {
			who  *domain.Account
			st   *domain.Status
			kind Interaction
			want bool
		}{
			{stranger, open, Reply, false},
			{author, restricted, Reblog, false},
			{stranger, restricted, Reply, true},
			{named, restricted, Reply, false},
			{mentioned, restricted, Reply, false},
			{mentioned, restricted, Reblog, true},
			{stranger, restricted, Favourite, false},
			{named, restricted, Favourite, true},
			{stranger, restricted, Reblog, true},
		} {
			got, err := s.NeedsAuthorization(ctx, c.who, c.st, c.kind)
			if err != nil || got != c.want {
				t.Errorf("%s %v: %v, %v; want %v", c.who.Username, c.kind, got, err, c.want)
			}
		}
		local := &domain.Status{ID: 1, Local: true}
		if got, err := s.NeedsAuthorization(ctx, stranger, local, Reply); err != nil || got {
			t.Errorf("local post: %v, %v", got, err)
		}
	})
}

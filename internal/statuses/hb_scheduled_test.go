package statuses

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

// TestScheduledReplyGoesPending: a scheduled reply to a post whose policy
// asks for approval is accepted when scheduled and, once due, held
// pending with its request like a reply posted then; one the policy
// refuses outright is refused when scheduled.
func TestScheduledReplyGoesPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cfg, err := config.Load(func(k string) string {
			return map[string]string{"AGORA_URL": "https://agora.example", "AGORA_DATA": t.TempDir()}[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		clock := time.Now()
		st := store.New(d, func() time.Time { return clock })
		s := New(cfg, st)
		user := func(name string) *domain.Account {
			_, a, err := st.CreateLocalUser(ctx, store.NewLocalUser{Username: name, Email: name + "@example.org", PasswordHash: "x",
				Approved: true, BaseURL: cfg.URL})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		alice, bob := user("alice"), user("bob")
		post := func(rule store.PolicyRule) *domain.Status {
			p := &domain.Status{ID: st.IDs.Next(), AccountID: alice.ID, Local: true, Visibility: domain.Public, CreatedAt: st.Now()}
			p.ConversationID = p.ID
			if _, _, err := st.CreateStatus(ctx, store.NewStatus{Status: p}); err != nil {
				t.Fatal(err)
			}
			pol := DefaultPolicy(domain.Public)
			pol.CanReply = rule
			if err := st.SetStatusInteractionPolicy(ctx, p.ID, &pol); err != nil {
				t.Fatal(err)
			}
			return p
		}
		asking := post(store.PolicyRule{AutomaticApproval: []string{store.PolicyFollowers}, ManualApproval: []string{store.PolicyPublic}})
		closed := post(store.PolicyRule{AutomaticApproval: []string{store.PolicyFollowers}, ManualApproval: []string{}})

		at := clock.Add(time.Hour)
		if _, err := s.Schedule(ctx, bob, domain.Preferences{}, PostInput{Text: "no", InReplyToID: closed.ID, ScheduledAt: &at}); domain.KindOf(err) != domain.KindForbidden {
			t.Fatalf("scheduling a refused reply: %v, want forbidden", err)
		}
		if _, err := s.Schedule(ctx, bob, domain.Preferences{}, PostInput{Text: "later", InReplyToID: asking.ID, ScheduledAt: &at}); err != nil {
			t.Fatalf("scheduling a reply that needs approval: %v", err)
		}
		clock = at.Add(time.Minute)
		if n, err := s.PublishDue(ctx); err != nil || n != 1 {
			t.Fatalf("PublishDue = %d, %v; want 1", n, err)
		}
		reqs, err := st.PendingInteractionRequests(ctx, alice.ID, store.InteractionRequestFilter{Replies: true}, domain.Page{Limit: 10})
		if err != nil || len(reqs) != 1 || reqs[0].AccountID != bob.ID || reqs[0].StatusID != asking.ID {
			t.Fatalf("alice's pending requests = %+v, %v; want bob's reply", reqs, err)
		}
		reply, err := st.Status(ctx, reqs[0].ReplyID)
		if err != nil || reply.Visibility != store.HeldVisibility || reply.InReplyToID != asking.ID || reply.Text != "later" {
			t.Fatalf("the published reply = %+v, %v; want held, replying to alice", reply, err)
		}
		if ok, _ := s.CanSee(ctx, alice.ID, reply); ok {
			// Held: only bob sees it until alice approves.
			t.Error("alice sees the pending reply before approving it")
		}
		if _, err := s.AnswerInteraction(ctx, alice.ID, reqs[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Status(ctx, reply.ID); got.Visibility != domain.Public {
			t.Errorf("approved scheduled reply's visibility = %s, want public", got.Visibility)
		}
	})
}

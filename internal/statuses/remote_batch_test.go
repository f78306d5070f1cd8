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

// CreateRemoteBatch applies CreateRemote's rules to each status: a reply
// the parent's policy refuses (admitRemote) and an invalid status fail
// alone, a known uri gives the stored id, and when the shared transaction
// fails (an author that does not exist) the others are still stored, one
// by one.
func TestCreateRemoteBatch(t *testing.T) {
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
		_, alice, err := st.CreateLocalUser(ctx, store.NewLocalUser{Username: "alice", Email: "alice@example.org", PasswordHash: "x",
			Approved: true, BaseURL: cfg.URL})
		if err != nil {
			t.Fatal(err)
		}
		bob := &domain.Account{Username: "bob", Domain: "r.example", URI: "https://r.example/users/bob",
			InboxURL: "https://r.example/users/bob/inbox", FollowersURL: "https://r.example/users/bob/followers"}
		if err := st.UpsertRemoteAccount(ctx, &store.RemoteAccount{Account: bob}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Follow(ctx, alice.ID, bob.ID, store.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		// alice's post takes replies from herself only.
		mine := &domain.Status{ID: st.IDs.Next(), AccountID: alice.ID, Local: true, Visibility: domain.Public, CreatedAt: st.Now()}
		mine.ConversationID = mine.ID
		if _, _, err := st.CreateStatus(ctx, store.NewStatus{Status: mine}); err != nil {
			t.Fatal(err)
		}
		closed := DefaultPolicy(domain.Public)
		closed.CanReply = store.PolicyRule{AutomaticApproval: []string{store.PolicyAuthor}, ManualApproval: []string{}}
		if err := st.SetStatusInteractionPolicy(ctx, mine.ID, &closed); err != nil {
			t.Fatal(err)
		}
		known, err := s.CreateRemote(ctx, RemoteStatus{Author: bob, URI: "https://r.example/n/0", Visibility: domain.Public})
		if err != nil {
			t.Fatal(err)
		}
		note := func(n string) RemoteStatus {
			return RemoteStatus{Author: bob, URI: "https://r.example/n/" + n, URL: "https://r.example/@bob/" + n,
				Content: "<p>note " + n + "</p>", Visibility: domain.Public, Published: time.Now().Add(-time.Minute)}
		}
		reply := note("reply")
		reply.InReplyTo = mine
		invalid := note("invalid")
		invalid.Visibility = "everyone"
		withPolicy := note("policy")
		withPolicy.InteractionPolicy = &closed
		res := s.CreateRemoteBatch(ctx, []RemoteStatus{note("1"), reply, note("0"), invalid, withPolicy})
		if res[0].Err != nil || res[0].ID == 0 {
			t.Errorf("new note: %+v", res[0])
		}
		if domain.KindOf(res[1].Err) != domain.KindForbidden {
			t.Errorf("refused reply: %+v, want forbidden", res[1])
		}
		if res[2].Err != nil || res[2].ID != known {
			t.Errorf("known uri: %+v, want id %d", res[2], known)
		}
		if domain.KindOf(res[3].Err) != domain.KindInvalid {
			t.Errorf("invalid visibility: %+v, want invalid", res[3])
		}
		if res[4].Err != nil {
			t.Errorf("note with a policy: %+v", res[4])
		} else if p, err := s.PolicyOf(ctx, &domain.Status{ID: res[4].ID, Visibility: domain.Public}); err != nil || len(p.CanReply.AutomaticApproval) != 1 {
			t.Errorf("policy of the batch's note: %+v, %v", p, err)
		}
		if _, err := st.StatusByURI(ctx, reply.URI); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("refused reply stored: %v", err)
		}
		if got, err := st.StatusByURI(ctx, "https://r.example/n/1"); err != nil || got.ID != res[0].ID {
			t.Errorf("stored note: %+v, %v", got, err)
		}

		// The shared transaction fails on an author that does not exist:
		// the other statuses are stored one by one.
		ghost := note("ghost")
		ghost.Author = &domain.Account{ID: st.IDs.Next(), URI: "https://r.example/users/ghost"}
		res = s.CreateRemoteBatch(ctx, []RemoteStatus{note("2"), ghost, note("3")})
		if res[0].Err != nil || res[2].Err != nil || res[1].Err == nil {
			t.Fatalf("batch with a bad status: %+v", res)
		}
		for _, n := range []string{"2", "3"} {
			if _, err := st.StatusByURI(ctx, "https://r.example/n/"+n); err != nil {
				t.Errorf("note %s of a failed batch not stored alone: %v", n, err)
			}
		}
		var feed int
		if err := d.R.QueryRow(`SELECT count(*) FROM home_feed WHERE account_id = $1 AND author_id = $2`, int64(alice.ID), int64(bob.ID)).Scan(&feed); err != nil {
			t.Fatal(err)
		}
		if feed != 5 { // 0, 1, policy, 2, 3
			t.Errorf("alice's home feed holds %d of bob's notes, want 5", feed)
		}
	})
}

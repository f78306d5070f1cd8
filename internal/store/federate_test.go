package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// recorder is a Federator that remembers what it was told.
type recorder struct{ got []Outgoing }

func (r *recorder) Federate(_ context.Context, _ *sql.Tx, o Outgoing) error {
	r.got = append(r.got, o)
	return nil
}

// take returns and forgets what was recorded.
func (r *recorder) take() []Outgoing {
	out := r.got
	r.got = nil
	return out
}

// remoteAccount inserts a remote account on host.
func remoteAccount(t *testing.T, s *Store, name, host string, shared bool) domain.ID {
	t.Helper()
	uri := "https://" + host + "/users/" + name
	a := &domain.Account{ID: s.IDs.Next(), Username: name, Domain: host, URI: uri, InboxURL: uri + "/inbox",
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if shared {
		a.SharedInboxURL = "https://" + host + "/inbox"
	}
	if err := insertAccount(context.Background(), s.DB.W, a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func testStatus(s *Store, author domain.ID, vis domain.Visibility, mentions ...domain.ID) *domain.Status {
	id := s.IDs.Next()
	return &domain.Status{ID: id, AccountID: author, URI: "https://agora.example/users/x/statuses/" + id.String(),
		Visibility: vis, ConversationID: id, CreatedAt: time.Now(), MentionedAccountIDs: mentions}
}

func TestFederateHooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &recorder{}
		s.Federator = rec
		ids := graphUsers(t, s, "alice", "bea")
		alice, bea := ids[0], ids[1]
		aliceURI := "https://agora.example/users/alice"
		r1 := remoteAccount(t, s, "r1", "one.example", true)
		r2 := remoteAccount(t, s, "r2", "one.example", true)
		r3 := remoteAccount(t, s, "r3", "two.example", false)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		expect := func(what string, want ...Outgoing) {
			t.Helper()
			got := rec.take()
			if len(got) != len(want) {
				t.Fatalf("%s: got %+v, want %+v", what, got, want)
			}
			for i := range want {
				if want[i].RowID == 0 {
					got[i].RowID = 0 // not checked
				}
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("%s: got %+v, want %+v", what, got[i], want[i])
				}
			}
		}

		// Purely local activity federates nothing.
		_, err := s.Follow(ctx, bea, alice, FollowOptions{})
		must(err)
		local := testStatus(s, alice, domain.Public)
		_, _, err = s.CreateStatus(ctx, NewStatus{Status: local})
		must(err)
		expect("local follow and post")

		// A remote Follow accepted at once sends the Accept.
		_, err = s.Follow(ctx, r1, alice, FollowOptions{URI: "https://one.example/f/1"})
		must(err)
		expect("remote follow", Outgoing{Type: "Accept", ActorID: alice, TargetID: r1, ActivityURI: "https://one.example/f/1", To: AccountIDs{r1}})

		// Posts: followers unless direct, plus mentions.
		pub := testStatus(s, alice, domain.Public, r3)
		_, _, err = s.CreateStatus(ctx, NewStatus{Status: pub})
		must(err)
		expect("public post", Outgoing{Type: "Create", ActorID: alice, StatusID: pub.ID, Followers: true, To: AccountIDs{r3}})
		dm := testStatus(s, bea, domain.Direct, r3)
		_, _, err = s.CreateStatus(ctx, NewStatus{Status: dm})
		must(err)
		expect("direct post", Outgoing{Type: "Create", ActorID: bea, StatusID: dm.ID, To: AccountIDs{r3}})

		// Deleting carries what will be gone: the URI and the mentions.
		must(s.DeleteStatus(ctx, pub))
		expect("delete", Outgoing{Type: "Delete", ActorID: alice, StatusID: pub.ID, ObjectURI: pub.URI,
			Visibility: domain.Public, Followers: true, To: AccountIDs{r3}})

		// Favourite and boost of a remote status, and their undoing.
		theirs := testStatus(s, r2, domain.Public)
		_, _, err = s.CreateStatus(ctx, NewStatus{Status: theirs})
		must(err)
		expect("a remote author's status")
		must(s.Favourite(ctx, alice, theirs))
		like := rec.take()
		if len(like) != 1 || like[0].Type != "Like" || like[0].RowID == 0 || !reflect.DeepEqual(like[0].To, AccountIDs{r2}) {
			t.Fatalf("favourite: %+v", like)
		}
		must(s.Unfavourite(ctx, alice, theirs))
		expect("unfavourite", Outgoing{Type: "Undo", Object: "Like", ActorID: alice, StatusID: theirs.ID, RowID: like[0].RowID, To: AccountIDs{r2}})
		boost := &domain.Status{ID: s.IDs.Next(), AccountID: alice, URI: aliceURI + "/statuses/9/activity", Visibility: domain.Public,
			ReblogOfID: theirs.ID, ConversationID: theirs.ConversationID, CreatedAt: time.Now()}
		must(s.CreateReblog(ctx, boost, theirs))
		expect("boost", Outgoing{Type: "Announce", ActorID: alice, StatusID: boost.ID, Followers: true, To: AccountIDs{r2}})
		must(s.DeleteStatus(ctx, boost))
		expect("unboost", Outgoing{Type: "Undo", Object: "Announce", ActorID: alice, StatusID: boost.ID, ActivityURI: boost.URI,
			ObjectURI: theirs.URI, Followers: true, To: AccountIDs{r2}})

		// Following a remote account: a Follow whose id the request keeps;
		// the remote Accept (received, not sent) federates nothing.
		_, err = s.RequestFollow(ctx, alice, r3, FollowOptions{})
		must(err)
		follow := rec.take()
		var stored string
		must(d.R.QueryRow(`SELECT uri FROM follow_requests WHERE account_id = $1`, int64(alice)).Scan(&stored))
		if len(follow) != 1 || follow[0].Type != "Follow" || follow[0].ActivityURI != FollowURI(aliceURI, follow[0].RowID) || stored != follow[0].ActivityURI {
			t.Fatalf("follow request: %+v, stored uri %q", follow, stored)
		}
		must(s.AcceptFollowRequest(ctx, alice, r3))
		expect("remote accept")
		must(s.Unfollow(ctx, alice, r3))
		expect("unfollow", Outgoing{Type: "Undo", Object: "Follow", ActorID: alice, TargetID: r3,
			ActivityURI: stored, To: AccountIDs{r3}})

		// A follow the remote side ended (its Reject) sends nothing back.
		_, err = s.RequestFollow(ctx, alice, r3, FollowOptions{})
		must(err)
		rec.take()
		must(s.AcceptFollowRequest(ctx, alice, r3))
		must(s.DropFollow(ctx, alice, r3))
		expect("follow ended by the remote side")
		if ok, _ := s.IsFollowing(ctx, alice, r3); ok {
			t.Error("still following after DropFollow")
		}

		// A remote account's request refused, a remote follower removed.
		_, err = s.RequestFollow(ctx, r3, bea, FollowOptions{URI: "https://two.example/f/2"})
		must(err)
		expect("remote request")
		must(s.RejectFollowRequest(ctx, r3, bea))
		reject := rec.take()
		if len(reject) != 1 || reject[0].Type != "Reject" || reject[0].ActorID != bea || reject[0].ActivityURI != "https://two.example/f/2" {
			t.Fatalf("reject: %+v", reject)
		}
		must(s.RemoveFromFollowers(ctx, alice, r1))
		removed := rec.take()
		if len(removed) != 1 || removed[0].Type != "Reject" || removed[0].ActivityURI != "https://one.example/f/1" {
			t.Fatalf("remove follower: %+v", removed)
		}

		// Block and unblock.
		must(s.Block(ctx, alice, r2))
		block := rec.take()
		if len(block) != 1 || block[0].Type != "Block" || block[0].RowID == 0 {
			t.Fatalf("block: %+v", block)
		}
		must(s.Block(ctx, alice, r2))
		expect("second block")
		must(s.Unblock(ctx, alice, r2))
		expect("unblock", Outgoing{Type: "Undo", Object: "Block", ActorID: alice, TargetID: r2, RowID: block[0].RowID, To: AccountIDs{r2}})

		// A profile update reaches the followers; bea has none remote.
		a, err := s.Account(ctx, alice)
		must(err)
		_, err = s.Follow(ctx, r1, alice, FollowOptions{URI: "https://one.example/f/3"})
		must(err)
		rec.take()
		must(s.UpdateProfile(ctx, a))
		expect("profile", Outgoing{Type: "Update", Object: "Person", ActorID: alice, Followers: true})
		b, err := s.Account(ctx, bea)
		must(err)
		must(s.UpdateProfile(ctx, b))
		expect("profile without remote followers")
	})
}

func TestOutgoingJSONKeepsIDs(t *testing.T) {
	o := Outgoing{Type: "Create", ActorID: 117718473029125266, To: AccountIDs{117718473029657418, 1}}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var back Outgoing
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, o) {
		t.Errorf("round trip: got %+v, want %+v (%s)", back, o, b)
	}
}

func TestDeliveryInboxesAndCircuit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		alice := graphUsers(t, s, "alice")[0]
		r1 := remoteAccount(t, s, "r1", "one.example", true)
		r2 := remoteAccount(t, s, "r2", "one.example", true)
		r3 := remoteAccount(t, s, "r3", "two.example", false)
		for _, f := range []domain.ID{r1, r2, r3} {
			if _, err := s.Follow(ctx, f, alice, FollowOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.DeliveryInboxes(ctx, alice, true, []domain.ID{r1, alice}, true)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"https://one.example/inbox": true, "https://two.example/users/r3/inbox": true}
		if len(got) != 2 || !want[got[0]] || !want[got[1]] {
			t.Errorf("followers' inboxes: %v", got)
		}
		if got, _ := s.DeliveryInboxes(ctx, alice, false, []domain.ID{r1}, false); len(got) != 1 || got[0] != "https://one.example/users/r1/inbox" {
			t.Errorf("a target's own inbox: %v", got)
		}

		now := time.UnixMilli(time.Now().UnixMilli())
		backoff := func(n int64) time.Duration { return time.Minute << n }
		for i := 1; i <= 3; i++ {
			h, err := s.RecordDeliveryFailure(ctx, "one.example", now, 3, backoff)
			if err != nil {
				t.Fatal(err)
			}
			if h.Open(3) != (i == 3) {
				t.Errorf("after %d failures: open %v", i, h.Open(3))
			}
		}
		h, err := s.DeliveryHostState(ctx, "one.example")
		if err != nil || h.Failures != 3 || h.RetryAt == nil || !h.RetryAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("open host: %+v, %v", h, err)
		}
		if ok, _ := s.ClaimDeliveryProbe(ctx, "one.example", now, now.Add(time.Hour)); ok {
			t.Error("probe claimed before retry_at")
		}
		later := now.Add(2 * time.Minute)
		if ok, _ := s.ClaimDeliveryProbe(ctx, "one.example", later, later.Add(time.Minute)); !ok {
			t.Error("first probe refused")
		}
		if ok, _ := s.ClaimDeliveryProbe(ctx, "one.example", later, later.Add(time.Minute)); ok {
			t.Error("a second probe at once")
		}
		if hosts, _ := s.UnavailableHosts(ctx, 3); len(hosts) != 1 || hosts[0].Host != "one.example" {
			t.Errorf("unavailable hosts: %+v", hosts)
		}
		if err := s.RecordDeliverySuccess(ctx, "one.example", later); err != nil {
			t.Fatal(err)
		}
		h, _ = s.DeliveryHostState(ctx, "one.example")
		if h.Failures != 0 || h.RetryAt != nil || h.LastSuccessAt == nil {
			t.Errorf("after a success: %+v", h)
		}
		if h, _ := s.DeliveryHostState(ctx, "never.example"); h.Failures != 0 || h.RetryAt != nil {
			t.Errorf("unknown host: %+v", h)
		}
	})
}

package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// irRecorder records the Outgoing changes and the interaction events.
type irRecorder struct {
	recorder
	events []string
}

func (r *irRecorder) FederateInteraction(_ context.Context, _ *sql.Tx, req *InteractionRequest, event string) error {
	r.events = append(r.events, req.Kind+"/"+event)
	return nil
}

func (r *irRecorder) takeEvents() []string {
	out := r.events
	r.events = nil
	return out
}

// TestInteractionRequestsStore: a pending reply is stored held (its
// author's feed only, not counted, nothing delivered), with its request
// and the author's pending.reply notification; accepting it publishes it
// as posting would have (count, follower's feed, mention, Create);
// rejecting keeps it held. Favourite and boost requests are recorded,
// listed, counted and performed on acceptance; a remote interacting
// account is answered over federation.
func TestInteractionRequestsStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &irRecorder{}
		s.Federator = rec
		ids := graphUsers(t, s, "alice", "bob", "cy")
		alice, bob, cy := ids[0], ids[1], ids[2]
		remote := remoteAccount(t, s, "r1", "one.example", true)
		for _, f := range [][2]domain.ID{{cy, bob}, {remote, bob}} {
			if _, err := s.Follow(ctx, f[0], f[1], FollowOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		post := testStatus(s, alice, domain.Public)
		post.Local = true
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: post}); err != nil {
			t.Fatal(err)
		}
		rec.take()

		// bob's reply waits.
		reply := testStatus(s, bob, domain.Public, alice)
		reply.Local, reply.InReplyToID, reply.InReplyToAccountID, reply.ConversationID = true, post.ID, alice, post.ConversationID
		req := &InteractionRequest{ID: s.IDs.Next(), StatusID: post.ID, TargetAccountID: alice, AccountID: bob, URI: reply.URI}
		if _, _, err := s.CreatePendingReply(ctx, NewStatus{Status: reply}, req); err != nil {
			t.Fatal(err)
		}
		if got := rec.take(); len(got) != 0 {
			t.Errorf("a pending reply was delivered: %+v", got)
		}
		stored, err := s.Status(ctx, reply.ID)
		if err != nil || stored.Visibility != HeldVisibility {
			t.Fatalf("pending reply stored as %v (%v)", stored, err)
		}
		if p, _ := s.Status(ctx, post.ID); p.RepliesCount != 0 {
			t.Errorf("pending reply counted: %d", p.RepliesCount)
		}
		if inFeed(t, s, cy, reply.ID) || !inFeed(t, s, bob, reply.ID) {
			t.Errorf("pending reply feeds: cy %v, bob %v", inFeed(t, s, cy, reply.ID), inFeed(t, s, bob, reply.ID))
		}
		if n := notificationsOf(t, s, alice, NotifyPendingReply); len(n) != 1 || n[0].StatusID != reply.ID {
			t.Errorf("pending.reply notifications = %+v", n)
		}
		if n := notificationsOf(t, s, alice, domain.NotifyMention); len(n) != 0 {
			t.Errorf("a pending reply notified its mention: %+v", n)
		}

		// A favourite and a remote boost wait too; asking twice keeps one.
		fav := &InteractionRequest{ID: s.IDs.Next(), Kind: RequestFavourite, StatusID: post.ID, TargetAccountID: alice, AccountID: cy}
		if _, err := s.CreateInteractionRequest(ctx, fav); err != nil {
			t.Fatal(err)
		}
		again, err := s.CreateInteractionRequest(ctx, &InteractionRequest{ID: s.IDs.Next(), Kind: RequestFavourite, StatusID: post.ID, TargetAccountID: alice, AccountID: cy})
		if err != nil || again.ID != fav.ID {
			t.Errorf("asking again: %v, %v", again, err)
		}
		boost := &InteractionRequest{ID: s.IDs.Next(), Kind: RequestReblog, StatusID: post.ID, TargetAccountID: alice, AccountID: remote,
			Visibility: domain.Public, URI: "https://one.example/users/r1/announces/1"}
		if _, err := s.CreateInteractionRequest(ctx, boost); err != nil {
			t.Fatal(err)
		}
		all := InteractionRequestFilter{Favourites: true, Replies: true, Reblogs: true}
		list, err := s.PendingInteractionRequests(ctx, alice, all, domain.Page{Limit: 10})
		if err != nil || len(list) != 3 || list[0].ID != boost.ID || list[2].ID != req.ID {
			t.Fatalf("pending list = %+v, %v", list, err)
		}
		older, _ := s.PendingInteractionRequests(ctx, alice, all, domain.Page{Limit: 10, MaxID: fav.ID})
		newer, _ := s.PendingInteractionRequests(ctx, alice, all, domain.Page{Limit: 1, MinID: req.ID})
		if len(older) != 1 || older[0].ID != req.ID || len(newer) != 1 || newer[0].ID != fav.ID {
			t.Errorf("pages: older %+v, newer %+v", older, newer)
		}
		replies, _ := s.PendingInteractionRequests(ctx, alice, InteractionRequestFilter{Replies: true}, domain.Page{Limit: 10})
		if len(replies) != 1 || replies[0].Kind != RequestReply {
			t.Errorf("replies only = %+v", replies)
		}
		if n, _ := s.CountPendingInteractionRequests(ctx, alice, 99); n != 3 {
			t.Errorf("count = %d", n)
		}
		if got, err := s.InteractionRequestByURI(ctx, boost.URI); err != nil || got.ID != boost.ID {
			t.Errorf("by uri: %+v, %v", got, err)
		}

		// Accepting the reply publishes it.
		auth := "https://agora.example/users/alice/authorizations/" + req.ID.String()
		if _, err := s.AcceptInteraction(ctx, req, auth, nil); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.Status(ctx, reply.ID); st.Visibility != domain.Public {
			t.Errorf("accepted reply's visibility = %s", st.Visibility)
		}
		if p, _ := s.Status(ctx, post.ID); p.RepliesCount != 1 {
			t.Errorf("accepted reply not counted: %d", p.RepliesCount)
		}
		if !inFeed(t, s, cy, reply.ID) {
			t.Error("accepted reply missing from a follower's feed")
		}
		if n := notificationsOf(t, s, alice, domain.NotifyMention); len(n) != 1 {
			t.Errorf("accepted reply's mention notifications = %d", len(n))
		}
		if got := rec.take(); len(got) != 1 || got[0].Type != "Create" || got[0].StatusID != reply.ID {
			t.Errorf("accepted reply delivered %+v", got)
		}
		if _, err := s.AcceptInteraction(ctx, req, auth, nil); domain.KindOf(err) != domain.KindConflict {
			t.Errorf("accepting twice: %v", err)
		}
		got, _ := s.InteractionRequestByID(ctx, req.ID)
		if got.AcceptedAt == nil || got.AuthorizationURI != auth {
			t.Errorf("accepted request = %+v", got)
		}

		// The favourite is recorded with the request's id; the remote
		// boost is rejected over federation.
		if _, err := s.AcceptInteraction(ctx, fav, "x", nil); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Status(ctx, post.ID); p.FavouritesCount != 1 {
			t.Errorf("accepted favourite not counted")
		}
		if err := s.RejectInteraction(ctx, boost); err != nil {
			t.Fatal(err)
		}
		if ev := rec.takeEvents(); len(ev) != 1 || ev[0] != "reblog/"+InteractionRejected {
			t.Errorf("events = %v", ev)
		}
		if n, _ := s.CountPendingInteractionRequests(ctx, alice, 99); n != 0 {
			t.Errorf("pending after answers = %d", n)
		}

		// A rejected reply stays held, with its author.
		r2 := testStatus(s, bob, domain.Public)
		r2.Local, r2.InReplyToID, r2.InReplyToAccountID = true, post.ID, alice
		req2 := &InteractionRequest{ID: s.IDs.Next(), StatusID: post.ID, TargetAccountID: alice, AccountID: bob}
		if _, _, err := s.CreatePendingReply(ctx, NewStatus{Status: r2}, req2); err != nil {
			t.Fatal(err)
		}
		if err := s.RejectInteraction(ctx, req2); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.Status(ctx, r2.ID); st.Visibility != HeldVisibility {
			t.Errorf("rejected reply's visibility = %s", st.Visibility)
		}
		m, _ := s.ReplyRequests(ctx, []domain.ID{r2.ID})
		if m[r2.ID] == nil || m[r2.ID].RejectedAt == nil {
			t.Errorf("rejected reply's request = %+v", m[r2.ID])
		}
		// Deleting it removes its request.
		if err := s.DeleteStatus(ctx, r2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.InteractionRequestByID(ctx, req2.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("request of a deleted reply: %v", err)
		}
	})
}

func inFeed(t *testing.T, s *Store, account, status domain.ID) bool {
	t.Helper()
	var n int
	if err := s.DB.R.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM home_feed WHERE account_id = $1 AND status_id = $2`,
		int64(account), int64(status)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func notificationsOf(t *testing.T, s *Store, account domain.ID, typ string) []*domain.Notification {
	t.Helper()
	ns, err := s.Notifications(context.Background(), account, NotificationFilter{Types: []string{typ}}, domain.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// TestRemoteInteractionAuthorizeAndWithdraw: a remote account's polite
// request allowed at once is kept as an accepted request with its
// authorization (no pending notification) and answered, again when
// asked again; a remote pending request withdrawn (its Undo) goes with
// its notification, sending nothing.
func TestRemoteInteractionAuthorizeAndWithdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &irRecorder{}
		s.Federator = rec
		alice := graphUsers(t, s, "alice")[0]
		remote := remoteAccount(t, s, "r1", "one.example", true)
		post := testStatus(s, alice, domain.Public)
		post.Local = true
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: post}); err != nil {
			t.Fatal(err)
		}
		rec.take()

		like := func() *InteractionRequest {
			return &InteractionRequest{ID: s.IDs.Next(), Kind: RequestFavourite, StatusID: post.ID, TargetAccountID: alice,
				AccountID: remote, URI: "https://one.example/likes/1"}
		}
		first := like()
		auth := "https://agora.example/users/alice/authorizations/" + first.ID.String()
		if err := s.AuthorizeInteraction(ctx, first, auth); err != nil {
			t.Fatal(err)
		}
		got, err := s.InteractionRequestByURI(ctx, first.URI)
		if err != nil || got.ID != first.ID || got.AcceptedAt == nil || got.AuthorizationURI != auth {
			t.Fatalf("authorized request = %+v, %v", got, err)
		}
		if ev := rec.takeEvents(); len(ev) != 1 || ev[0] != "favourite/"+InteractionAccepted {
			t.Errorf("events = %v", ev)
		}
		if n := notificationsOf(t, s, alice, NotifyPendingFavourite); len(n) != 0 {
			t.Errorf("pending notifications of an authorized like = %d", len(n))
		}
		if n, _ := s.CountPendingInteractionRequests(ctx, alice, 99); n != 0 {
			t.Errorf("pending requests = %d", n)
		}
		// Asked again: the same authorization, answered again.
		if err := s.AuthorizeInteraction(ctx, like(), "other"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.InteractionRequestByURI(ctx, first.URI); got.ID != first.ID || got.AuthorizationURI != auth {
			t.Errorf("request asked again = %+v", got)
		}
		if ev := rec.takeEvents(); len(ev) != 1 || ev[0] != "favourite/"+InteractionAccepted {
			t.Errorf("events asked again = %v", ev)
		}

		// A pending boost withdrawn by its remote author.
		boost := &InteractionRequest{ID: s.IDs.Next(), Kind: RequestReblog, StatusID: post.ID, TargetAccountID: alice,
			AccountID: remote, URI: "https://one.example/announces/1", Visibility: domain.Public}
		if _, err := s.CreateInteractionRequest(ctx, boost); err != nil {
			t.Fatal(err)
		}
		if n := notificationsOf(t, s, alice, NotifyPendingReblog); len(n) != 1 {
			t.Fatalf("pending.reblog notifications = %d", len(n))
		}
		rec.take()
		for range 2 { // withdrawing twice is harmless
			if err := s.WithdrawRemoteInteraction(ctx, boost); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.InteractionRequestByID(ctx, boost.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("withdrawn request: %v", err)
		}
		if n := notificationsOf(t, s, alice, NotifyPendingReblog); len(n) != 0 {
			t.Errorf("pending.reblog notifications after withdrawal = %d", len(n))
		}
		if got := rec.take(); len(got) != 0 {
			t.Errorf("withdrawal of a remote request sent %+v", got)
		}
	})
}

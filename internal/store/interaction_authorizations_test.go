package store

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestInteractionRequestURIsAndLiveness: a polite request's id is kept
// with its request (set once, found by it); an accepted favourite's
// interaction is live until it is undone, and so is an accepted boost
// until it is deleted.
func TestInteractionRequestURIsAndLiveness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		s.Federator = &irRecorder{}
		ids := graphUsers(t, s, "alice")
		alice := ids[0]
		remote := remoteAccount(t, s, "r1", "one.example", true)
		post := testStatus(s, alice, domain.Public)
		post.Local = true
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: post}); err != nil {
			t.Fatal(err)
		}
		fav := &InteractionRequest{ID: s.IDs.Next(), Kind: RequestFavourite, StatusID: post.ID, TargetAccountID: alice,
			AccountID: remote, URI: "https://one.example/likes/1"}
		if _, err := s.CreateInteractionRequest(ctx, fav); err != nil {
			t.Fatal(err)
		}
		if _, err := s.InteractionRequestByRequestURI(ctx, "https://one.example/requests/1"); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("request by an unknown request uri: %v", err)
		}
		for _, uri := range []string{"https://one.example/requests/1", "https://one.example/requests/2"} {
			if err := s.SetInteractionRequestURI(ctx, nil, fav.ID, uri); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.InteractionRequestByRequestURI(ctx, "https://one.example/requests/1")
		if err != nil || got.ID != fav.ID || got.RequestURI != "https://one.example/requests/1" {
			t.Fatalf("request by its request uri = %+v, %v (the first uri stays)", got, err)
		}
		if live, err := s.InteractionLive(ctx, got); err != nil || live {
			t.Errorf("pending favourite live = %v, %v", live, err)
		}
		if _, err := s.AcceptInteraction(ctx, got, "https://local/users/alice/authorizations/1", nil); err != nil {
			t.Fatal(err)
		}
		if live, err := s.InteractionLive(ctx, got); err != nil || !live {
			t.Errorf("accepted favourite live = %v, %v", live, err)
		}
		if err := s.Unfavourite(ctx, remote, post); err != nil {
			t.Fatal(err)
		}
		if live, err := s.InteractionLive(ctx, got); err != nil || live {
			t.Errorf("undone favourite live = %v, %v", live, err)
		}

		// A boost: live while the boost status exists.
		boostReq := &InteractionRequest{ID: s.IDs.Next(), Kind: RequestReblog, StatusID: post.ID, TargetAccountID: alice,
			AccountID: remote, URI: "https://one.example/announces/1", Visibility: domain.Public}
		if _, err := s.CreateInteractionRequest(ctx, boostReq); err != nil {
			t.Fatal(err)
		}
		boost := &domain.Status{ID: s.IDs.Next(), AccountID: remote, Visibility: domain.Public, ReblogOfID: post.ID,
			URI: boostReq.URI, ConversationID: post.ConversationID, CreatedAt: s.Now()}
		if _, err := s.AcceptInteraction(ctx, boostReq, "https://local/users/alice/authorizations/2", boost); err != nil {
			t.Fatal(err)
		}
		if live, err := s.InteractionLive(ctx, boostReq); err != nil || !live {
			t.Errorf("accepted boost live = %v, %v", live, err)
		}
		if err := s.DeleteStatus(ctx, boost); err != nil {
			t.Fatal(err)
		}
		if live, err := s.InteractionLive(ctx, boostReq); err != nil || live {
			t.Errorf("deleted boost live = %v, %v", live, err)
		}
	})
}

// TestRemoteAuthorizationCache: a check is stored, replaced and found by
// its URI; a valid one is found by the interaction it authorizes, a
// refused one is not.
func TestRemoteAuthorizationCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		if _, err := s.RemoteAuthorization(ctx, "https://b.example/auth/1"); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("unknown authorization: %v", err)
		}
		now := time.UnixMilli(time.Now().UnixMilli())
		refused := &RemoteAuthorization{URI: "https://b.example/auth/1", CheckedAt: now}
		if err := s.PutRemoteAuthorization(ctx, refused); err != nil {
			t.Fatal(err)
		}
		got, err := s.RemoteAuthorization(ctx, refused.URI)
		if err != nil || got.Valid || !got.CheckedAt.Equal(now) {
			t.Fatalf("refused check = %+v, %v", got, err)
		}
		valid := &RemoteAuthorization{URI: refused.URI, InteractingURI: "https://c.example/notes/1",
			TargetURI: "https://b.example/notes/1", Valid: true, CheckedAt: now.Add(time.Hour)}
		if err := s.PutRemoteAuthorization(ctx, valid); err != nil {
			t.Fatal(err)
		}
		if got, err := s.RemoteAuthorization(ctx, refused.URI); err != nil || !got.Valid || got.InteractingURI != valid.InteractingURI {
			t.Errorf("replaced check = %+v, %v", got, err)
		}
		if uri, err := s.ValidAuthorizationFor(ctx, valid.InteractingURI, valid.TargetURI); err != nil || uri != valid.URI {
			t.Errorf("authorization for the reply = %q, %v", uri, err)
		}
		if uri, err := s.ValidAuthorizationFor(ctx, valid.InteractingURI, "https://b.example/notes/2"); err != nil || uri != "" {
			t.Errorf("authorization for another post = %q, %v", uri, err)
		}
	})
}

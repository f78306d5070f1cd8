package store

import (
	"context"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

func TestCreateRemoteStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		ids := graphUsers(t, s, "alice", "carol")
		alice, carol := ids[0], ids[1]
		bob := upsertRemote(t, s, "bob", "r.example")
		if _, err := s.Follow(ctx, alice, bob.ID, FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		st := &domain.Status{ID: s.IDs.Next(), AccountID: bob.ID, URI: "https://r.example/n/1", URL: "https://r.example/@bob/1",
			Visibility: domain.Public, CreatedAt: s.Now(), MentionedAccountIDs: []domain.ID{carol}, Tags: []string{"Agora"}}
		st.ConversationID = st.ID
		created, err := s.CreateRemoteStatus(ctx, st, nil, []*Media{{Type: "image", ContentType: "image/png", RemoteURL: "https://r.example/a.png", Description: "alt"}}, true)
		if err != nil || !created {
			t.Fatalf("create: %v, %v", created, err)
		}
		// Stored once whatever the retries.
		again := *st
		again.ID = s.IDs.Next()
		if created, err := s.CreateRemoteStatus(ctx, &again, nil, nil, true); err != nil || created {
			t.Fatalf("second create: %v, %v", created, err)
		}
		got, err := s.StatusByURI(ctx, st.URI)
		if err != nil || got.ID != st.ID || got.Local {
			t.Fatalf("by uri %+v, %v", got, err)
		}
		if m, err := s.MediaOf(ctx, []domain.ID{st.ID}); err != nil || len(m[st.ID]) != 1 || m[st.ID][0].RemoteURL != "https://r.example/a.png" || m[st.ID][0].FileKey != "" {
			t.Fatalf("media %v, %v", m, err)
		}
		if byURL, err := s.StatusByURL(ctx, st.URL); err != nil || byURL.ID != st.ID {
			t.Fatalf("by url %+v, %v", byURL, err)
		}
		// In alice's feed (she follows bob), not in carol's (mentioned only)
		// nor a feed of bob's own.
		var n int
		if err := d.R.QueryRow(`SELECT count(*) FROM home_feed WHERE status_id = $1`, int64(st.ID)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("feed rows %d, %v", n, err)
		}
		if err := d.R.QueryRow(`SELECT count(*) FROM home_feed WHERE status_id = $1 AND account_id = $2`, int64(st.ID), int64(alice)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("alice's feed %d, %v", n, err)
		}
		if err := d.R.QueryRow(`SELECT count(*) FROM notifications WHERE account_id = $1 AND type = 'mention'`, int64(carol)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("carol's mention notifications %d, %v", n, err)
		}
		if ok, err := s.HasLocalFollowers(ctx, bob.ID); err != nil || !ok {
			t.Errorf("HasLocalFollowers %v, %v", ok, err)
		}

		// A remote like keeps its id for the Undo.
		mine := &domain.Status{ID: s.IDs.Next(), AccountID: alice, Local: true, Visibility: domain.Public, CreatedAt: s.Now()}
		mine.ConversationID = mine.ID
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: mine}); err != nil {
			t.Fatal(err)
		}
		if err := s.FavouriteRemote(ctx, bob.ID, mine, "https://r.example/likes/1"); err != nil {
			t.Fatal(err)
		}
		a, stID, err := s.FavouriteByURI(ctx, "https://r.example/likes/1")
		if err != nil || a != bob.ID || stID != mine.ID {
			t.Fatalf("favourite by uri %d %d %v", a, stID, err)
		}
		// Follows are found by their activity id.
		if _, err := s.RequestFollow(ctx, carol, bob.ID, FollowOptions{URI: "https://agora.example/follows/1"}); err != nil {
			t.Fatal(err)
		}
		from, to, pending, err := s.FollowByURI(ctx, "https://agora.example/follows/1")
		if err != nil || from != carol || to != bob.ID || !pending {
			t.Fatalf("follow by uri %d %d %v %v", from, to, pending, err)
		}
		if _, _, _, err := s.FollowByURI(ctx, "https://agora.example/follows/none"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("unknown follow: %v", err)
		}
	})
}

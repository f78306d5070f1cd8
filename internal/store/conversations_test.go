package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/storetest"
)

func TestConversations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice, bob, carol := lfAccount(t, st, "alice"), lfAccount(t, st, "bob"), lfAccount(t, st, "carol")
		dm := func(from domain.ID, conv domain.ID, to ...domain.ID) *domain.Status {
			return lfPost(t, st, domain.Status{AccountID: from, Visibility: domain.Direct, ConversationID: conv, Text: "psst", MentionedAccountIDs: to})
		}
		first := dm(alice, 0, bob)
		reply := dm(bob, first.ConversationID, alice)
		other := dm(bob, 0, carol) // alice is not part of it
		lfPost(t, st, domain.Status{AccountID: bob, Visibility: domain.Public, Text: "@alice public", MentionedAccountIDs: []domain.ID{alice}})

		cs, err := st.Conversations(ctx, alice, domain.Page{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].ID != first.ConversationID || cs[0].LastStatusID != reply.ID || !cs[0].Unread ||
			!slices.Equal(cs[0].Participants, []domain.ID{bob}) {
			t.Fatalf("alice's conversations = %+v", cs)
		}
		cs, _ = st.Conversations(ctx, bob, domain.Page{Limit: 20})
		if len(cs) != 2 || cs[0].ID != other.ConversationID || cs[1].Unread {
			t.Fatalf("bob's conversations = %+v (his own last message is not unread)", cs)
		}
		cs, _ = st.Conversations(ctx, bob, domain.Page{Limit: 1, MaxID: other.ID})
		if len(cs) != 1 || cs[0].ID != first.ConversationID {
			t.Errorf("bob's second page = %+v", cs)
		}
		if _, err := st.Conversation(ctx, carol, first.ConversationID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("carol reads alice and bob's conversation: got %v, want not found", err)
		}
		if _, err := st.MarkConversationRead(ctx, carol, first.ConversationID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("carol marks it read: got %v, want not found", err)
		}

		c, err := st.MarkConversationRead(ctx, alice, first.ConversationID)
		if err != nil || c.Unread {
			t.Fatalf("mark read = %+v, %v", c, err)
		}
		if cs, _ = st.Conversations(ctx, alice, domain.Page{Limit: 20}); cs[0].Unread {
			t.Errorf("still unread after read")
		}
		if err := st.RemoveConversation(ctx, alice, first.ConversationID); err != nil {
			t.Fatal(err)
		}
		if cs, _ = st.Conversations(ctx, alice, domain.Page{Limit: 20}); len(cs) != 0 {
			t.Errorf("removed conversation still listed: %+v", cs)
		}
		// A new message brings it back, unread.
		again := dm(bob, first.ConversationID, alice)
		cs, _ = st.Conversations(ctx, alice, domain.Page{Limit: 20})
		if len(cs) != 1 || cs[0].LastStatusID != again.ID || !cs[0].Unread {
			t.Errorf("after a new message: %+v", cs)
		}
	})
}

func TestMarkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice, bob := lfAccount(t, st, "alice"), lfAccount(t, st, "bob")
		if err := st.SetMarkers(ctx, alice, map[string]domain.ID{"home": 10, "notifications": 20}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetMarkers(ctx, alice, map[string]domain.ID{"home": 11}); err != nil {
			t.Fatal(err)
		}
		ms, err := st.Markers(ctx, alice, []string{"home", "notifications"})
		if err != nil {
			t.Fatal(err)
		}
		if ms["home"].LastReadID != 11 || ms["home"].Version != 1 || ms["notifications"].LastReadID != 20 || ms["notifications"].Version != 0 {
			t.Errorf("markers = %+v", ms)
		}
		if ms, _ := st.Markers(ctx, bob, []string{"home"}); len(ms) != 0 {
			t.Errorf("bob sees markers %+v", ms)
		}
	})
}

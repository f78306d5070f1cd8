package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestRemotePollTallies: a remote poll shows the local votes until its
// server sends tallies, then those (a later local vote added to them);
// tallies that do not match the options, or for a local poll, are refused.
func TestRemotePollTallies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		ids := graphUsers(t, s, "alice", "carol")
		alice, carol := ids[0], ids[1]
		bob := upsertRemote(t, s, "bob", "r.example")
		st := &domain.Status{ID: s.IDs.Next(), AccountID: bob.ID, URI: "https://r.example/n/1", Visibility: domain.Public, CreatedAt: s.Now()}
		st.ConversationID = st.ID
		end := s.Now().Add(time.Hour)
		if _, err := s.CreateRemoteStatus(ctx, st, &Poll{Options: []string{"tea", "coffee"}, ExpiresAt: end}, nil, false); err != nil {
			t.Fatal(err)
		}
		poll := func() *Poll {
			t.Helper()
			polls, _, err := s.Polls(ctx, 0, []domain.ID{st.ID})
			if err != nil || polls[st.ID] == nil {
				t.Fatalf("load poll: %v", err)
			}
			return polls[st.ID]
		}
		if err := s.Vote(ctx, alice, st.ID, []int{1}); err != nil {
			t.Fatal(err)
		}
		if p := poll(); !slices.Equal(p.Votes, []int64{0, 1}) || p.VotersCount != 1 {
			t.Errorf("before any tallies: %v, %d voters", p.Votes, p.VotersCount)
		}

		voters := int64(5)
		closed := s.Now().Add(-time.Minute).Truncate(time.Millisecond)
		if err := s.SetRemotePollTallies(ctx, st.ID, []int64{2, 3}, &voters, closed); err != nil {
			t.Fatal(err)
		}
		if p := poll(); !slices.Equal(p.Votes, []int64{2, 3}) || p.VotersCount != 5 || !p.ExpiresAt.Equal(closed) {
			t.Errorf("after the tallies: %v, %d voters, ends %v (want %v)", p.Votes, p.VotersCount, p.ExpiresAt, closed)
		}
		if err := s.Vote(ctx, carol, st.ID, []int{0}); err != nil {
			t.Fatal(err)
		}
		if p := poll(); !slices.Equal(p.Votes, []int64{3, 3}) || p.VotersCount != 6 {
			t.Errorf("after a local vote: %v, %d voters", p.Votes, p.VotersCount)
		}
		// Without a voters count, a single-choice poll's voters are its votes.
		if err := s.SetRemotePollTallies(ctx, st.ID, []int64{4, 4}, nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if p := poll(); p.VotersCount != 8 || !p.ExpiresAt.Equal(closed) {
			t.Errorf("without votersCount: %d voters, ends %v", p.VotersCount, p.ExpiresAt)
		}

		if err := s.SetRemotePollTallies(ctx, st.ID, []int64{1, 2, 3}, nil, time.Time{}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("tallies for three options of a two-option poll: %v", err)
		}
		local := &domain.Status{ID: s.IDs.Next(), AccountID: alice, Visibility: domain.Public, Local: true, CreatedAt: s.Now()}
		local.ConversationID = local.ID
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: local, Poll: &Poll{Options: []string{"a", "b"}, ExpiresAt: end}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRemotePollTallies(ctx, local.ID, []int64{1, 1}, nil, time.Time{}); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("tallies for a local poll: %v", err)
		}
	})
}

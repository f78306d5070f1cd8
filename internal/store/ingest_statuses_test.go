package store

import (
	"context"
	"sync"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

type recordedEvents struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recordedEvents) Publish(ev Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, ev)
}

func (r *recordedEvents) count(kind string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ev := range r.evs {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// A batch of remote statuses is stored as CreateRemoteStatus stores each:
// feeds, mentions, tags, notifications and (on SQLite, after the commit)
// events; a uri repeated in the batch or already stored is not stored
// again. A failing status stores nothing of the batch.
func TestCreateRemoteStatuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		rec := &recordedEvents{}
		if d.Dialect == db.SQLite {
			s.Events = rec
		}
		ids := graphUsers(t, s, "alice", "carol")
		alice, carol := ids[0], ids[1]
		bob := upsertRemote(t, s, "bob", "r.example")
		on := true
		if _, err := s.Follow(ctx, alice, bob.ID, FollowOptions{Notify: &on}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Follow(ctx, carol, bob.ID, FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		status := func(uri string) *domain.Status {
			st := &domain.Status{ID: s.IDs.Next(), AccountID: bob.ID, URI: uri, URL: uri, Visibility: domain.Public, CreatedAt: s.Now()}
			st.ConversationID = st.ID
			return st
		}
		old := status("https://r.example/n/0")
		if created, err := s.CreateRemoteStatus(ctx, old, nil, nil, false); err != nil || !created {
			t.Fatalf("create the stored one: %v, %v", created, err)
		}
		before := rec.count(EventUpdate)
		first := status("https://r.example/n/1")
		first.MentionedAccountIDs, first.Tags = []domain.ID{carol}, []string{"Agora"}
		direct := status("https://r.example/n/direct")
		direct.Visibility, direct.MentionedAccountIDs = domain.Direct, []domain.ID{carol}
		collides := status("https://r.example/n/collides")
		collides.ID, collides.ConversationID = old.ID, old.ID
		ws := []*RemoteStatusWrite{
			{Status: first, NotifyFollowers: true},
			{Status: status("https://r.example/n/2"), NotifyFollowers: true,
				Poll: &Poll{Options: []string{"yes", "no"}, ExpiresAt: s.Now().Add(3600e9)}},
			{Status: status("https://r.example/n/1"), NotifyFollowers: true}, // again in the batch
			{Status: status("https://r.example/n/0"), NotifyFollowers: true}, // stored before
			{Status: direct},
			{Status: collides, NotifyFollowers: true}, // an id taken: drawn again
		}
		if err := s.CreateRemoteStatuses(ctx, ws); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, true, false, false, true, true} {
			if ws[i].Created != want {
				t.Errorf("write %d: created %v, want %v", i, ws[i].Created, want)
			}
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.R.QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if collides.ID == old.ID || collides.ConversationID != collides.ID {
			t.Errorf("taken id kept: %d (conversation %d)", collides.ID, collides.ConversationID)
		}
		if n := count(`SELECT count(*) FROM statuses WHERE account_id = $1`, int64(bob.ID)); n != 5 {
			t.Errorf("%d statuses of bob, want 5", n)
		}
		// The direct status reaches carol (mentioned) only.
		for reader, want := range map[domain.ID]int{alice: 4, carol: 5} {
			if n := count(`SELECT count(*) FROM home_feed WHERE account_id = $1`, int64(reader)); n != want {
				t.Errorf("home feed of %d: %d rows, want %d", reader, n, want)
			}
		}
		if n := count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND type = 'status'`, int64(alice)); n != 3 {
			t.Errorf("alice's status notifications: %d, want 3 (she asked for them)", n)
		}
		if n := count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND type = 'mention'`, int64(carol)); n != 2 {
			t.Errorf("carol's mention notifications: %d, want 2", n)
		}
		if n := count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND type <> 'mention'`, int64(carol)); n != 0 {
			t.Errorf("carol has %d other notifications, want none (she did not ask)", n)
		}
		if tags, err := s.TagsOf(ctx, []domain.ID{first.ID}); err != nil || len(tags[first.ID]) != 1 || tags[first.ID][0] != "agora" {
			t.Errorf("tags %v, %v", tags, err)
		}
		if polls, _, err := s.Polls(ctx, 0, []domain.ID{ws[1].Status.ID}); err != nil || polls[ws[1].Status.ID] == nil {
			t.Errorf("poll %v, %v", polls, err)
		}
		if n := count(`SELECT statuses_count FROM accounts WHERE id = $1`, int64(bob.ID)); n != 5 {
			t.Errorf("statuses_count %d, want 5", n)
		}
		if d.Dialect == db.SQLite {
			if got := rec.count(EventUpdate) - before; got != 4 {
				t.Errorf("%d update events, want 4", got)
			}
			if got := rec.count(EventNotification); got != 5 {
				t.Errorf("%d notification events, want 5", got)
			}
		}

		// All or nothing: an author that does not exist fails the batch,
		// and the good status with it (the caller stores them one by one).
		evs := len(rec.evs)
		good := &RemoteStatusWrite{Status: status("https://r.example/n/3"), NotifyFollowers: true}
		bad := status("https://r.example/n/4")
		bad.AccountID = s.IDs.Next()
		if err := s.CreateRemoteStatuses(ctx, []*RemoteStatusWrite{good, {Status: bad}}); err == nil {
			t.Fatal("a batch with an unknown author stored")
		}
		if good.Created {
			t.Error("good write of a failed batch marked created")
		}
		if _, err := s.StatusByURI(ctx, "https://r.example/n/3"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("status of a failed batch: %v", err)
		}
		if len(rec.evs) != evs {
			t.Errorf("a failed batch published %d events", len(rec.evs)-evs)
		}
	})
}

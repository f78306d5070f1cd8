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

// lfAccount creates a local user and returns its account id.
func lfAccount(t *testing.T, st *store.Store, name string) domain.ID {
	t.Helper()
	_, a, err := st.CreateLocalUser(context.Background(), store.NewLocalUser{
		Username: name, Email: name + "@example.org", PasswordHash: "x", Approved: true, BaseURL: "https://example.org",
	})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return a.ID
}

func lfFollow(t *testing.T, st *store.Store, from, to domain.ID) {
	t.Helper()
	if _, err := st.Follow(context.Background(), from, to, store.FollowOptions{}); err != nil {
		t.Fatalf("follow: %v", err)
	}
}

// lfPost writes a status through the store (with fan-out) and returns it.
func lfPost(t *testing.T, st *store.Store, s domain.Status) *domain.Status {
	t.Helper()
	s.ID = st.IDs.Next()
	if s.ConversationID == 0 {
		s.ConversationID = s.ID
	}
	if s.Visibility == "" {
		s.Visibility = domain.Public
	}
	s.Local = true
	s.CreatedAt = st.Now()
	s.URI = "https://example.org/users/x/statuses/" + s.ID.String()
	if _, _, err := st.CreateStatus(context.Background(), store.NewStatus{Status: &s}); err != nil {
		t.Fatalf("post: %v", err)
	}
	return &s
}

func TestListsCRUDAndLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice, bob := lfAccount(t, st, "alice"), lfAccount(t, st, "bob")
		l := &store.List{AccountID: alice, Title: "Friends", RepliesPolicy: "list"}
		if err := st.CreateList(ctx, l, 2); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateList(ctx, &store.List{AccountID: alice, Title: "Two", RepliesPolicy: "none"}, 2); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateList(ctx, &store.List{AccountID: alice, Title: "Three", RepliesPolicy: "none"}, 2); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("third list with limit 2: got %v, want invalid", err)
		}
		got, err := st.List(ctx, alice, l.ID)
		if err != nil || got.Title != "Friends" || got.RepliesPolicy != "list" || got.Exclusive {
			t.Fatalf("List = %+v, %v", got, err)
		}
		if _, err := st.List(ctx, bob, l.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob reads alice's list: got %v, want not found", err)
		}
		l.Title, l.Exclusive = "Close friends", true
		if err := st.UpdateList(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateList(ctx, &store.List{ID: l.ID, AccountID: bob, Title: "x", RepliesPolicy: "list"}); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob updates alice's list: got %v, want not found", err)
		}
		all, err := st.Lists(ctx, alice)
		if err != nil || len(all) != 2 || all[0].Title != "Close friends" || !all[0].Exclusive {
			t.Fatalf("Lists = %+v, %v", all, err)
		}
		if err := st.DeleteList(ctx, bob, l.ID); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob deletes alice's list: got %v, want not found", err)
		}
		if err := st.DeleteList(ctx, alice, l.ID); err != nil {
			t.Fatal(err)
		}
		if all, _ := st.Lists(ctx, alice); len(all) != 1 {
			t.Errorf("after delete: %d lists, want 1", len(all))
		}
	})
}

func TestListMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice, bob, carol, dave := lfAccount(t, st, "alice"), lfAccount(t, st, "bob"), lfAccount(t, st, "carol"), lfAccount(t, st, "dave")
		lfFollow(t, st, alice, bob)
		lfFollow(t, st, alice, carol)
		l := &store.List{AccountID: alice, Title: "L", RepliesPolicy: "list"}
		if err := st.CreateList(ctx, l, 50); err != nil {
			t.Fatal(err)
		}
		if err := st.AddListMembers(ctx, alice, l.ID, []domain.ID{bob, dave}); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("adding a non-followed account: got %v, want invalid", err)
		}
		if err := st.AddListMembers(ctx, alice, l.ID, []domain.ID{bob, 999}); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("adding an unknown account: got %v, want not found", err)
		}
		if err := st.AddListMembers(ctx, bob, l.ID, []domain.ID{alice}); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("bob adds to alice's list: got %v, want not found", err)
		}
		ids, _, err := st.ListMembers(ctx, l.ID, domain.Page{})
		if err != nil || len(ids) != 0 {
			t.Fatalf("failed adds left members %v, %v", ids, err)
		}
		for range 2 { // adding twice is harmless
			if err := st.AddListMembers(ctx, alice, l.ID, []domain.ID{bob, carol}); err != nil {
				t.Fatal(err)
			}
		}
		ids, pageIDs, err := st.ListMembers(ctx, l.ID, domain.Page{Limit: 1})
		if err != nil || !slices.Equal(ids, []domain.ID{carol}) {
			t.Fatalf("first page = %v, %v; want [carol]", ids, err)
		}
		ids, _, _ = st.ListMembers(ctx, l.ID, domain.Page{Limit: 1, MaxID: pageIDs[0]})
		if !slices.Equal(ids, []domain.ID{bob}) {
			t.Errorf("second page = %v, want [bob]", ids)
		}
		ids, _, _ = st.ListMembers(ctx, l.ID, domain.Page{})
		if len(ids) != 2 {
			t.Errorf("limit 0 gives %d members, want all 2", len(ids))
		}
		in, _ := st.ListsContaining(ctx, alice, bob)
		if len(in) != 1 || in[0].ID != l.ID {
			t.Errorf("ListsContaining(bob) = %+v", in)
		}
		// Unfollowing removes the account from the follower's lists.
		if err := st.Unfollow(ctx, alice, carol); err != nil {
			t.Fatal(err)
		}
		ids, _, _ = st.ListMembers(ctx, l.ID, domain.Page{})
		if !slices.Equal(ids, []domain.ID{bob}) {
			t.Errorf("after unfollowing carol: members %v, want [bob]", ids)
		}
		if err := st.RemoveListMembers(ctx, alice, l.ID, []domain.ID{bob}); err != nil {
			t.Fatal(err)
		}
		if ids, _, _ = st.ListMembers(ctx, l.ID, domain.Page{}); len(ids) != 0 {
			t.Errorf("after remove: %v", ids)
		}
	})
}

func TestListTimelineAndExclusive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d, nil)
		alice, bob, carol, erin := lfAccount(t, st, "alice"), lfAccount(t, st, "bob"), lfAccount(t, st, "carol"), lfAccount(t, st, "erin")
		lfFollow(t, st, alice, bob)
		lfFollow(t, st, alice, carol)
		l := &store.List{AccountID: alice, Title: "Bob", RepliesPolicy: "list"}
		if err := st.CreateList(ctx, l, 50); err != nil {
			t.Fatal(err)
		}
		if err := st.AddListMembers(ctx, alice, l.ID, []domain.ID{bob}); err != nil {
			t.Fatal(err)
		}
		b1 := lfPost(t, st, domain.Status{AccountID: bob, Text: "one"})
		c1 := lfPost(t, st, domain.Status{AccountID: carol, Text: "carol"})
		self := lfPost(t, st, domain.Status{AccountID: bob, Text: "thread", InReplyToID: b1.ID, InReplyToAccountID: bob})
		toCarol := lfPost(t, st, domain.Status{AccountID: bob, Text: "@carol hi", InReplyToID: c1.ID, InReplyToAccountID: carol})
		toErin := lfPost(t, st, domain.Status{AccountID: bob, Text: "@erin hi", InReplyToAccountID: erin, InReplyToID: c1.ID})

		cases := []struct {
			policy string
			want   []domain.ID
		}{
			{"list", []domain.ID{self.ID, b1.ID}},
			{"followed", []domain.ID{toCarol.ID, self.ID, b1.ID}},
			{"none", []domain.ID{self.ID, b1.ID}},
		}
		for _, c := range cases {
			l.RepliesPolicy = c.policy
			got, err := st.ListTimeline(ctx, alice, l, domain.Page{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("policy %s: got %v, want %v (erin reply %v)", c.policy, got, c.want, toErin.ID)
			}
		}
		// Replies to list members show under "list".
		if err := st.AddListMembers(ctx, alice, l.ID, []domain.ID{carol}); err != nil {
			t.Fatal(err)
		}
		l.RepliesPolicy = "list"
		got, _ := st.ListTimeline(ctx, alice, l, domain.Page{Limit: 20})
		if want := []domain.ID{toCarol.ID, self.ID, c1.ID, b1.ID}; !slices.Equal(got, want) {
			t.Errorf("with carol in the list: got %v, want %v", got, want)
		}
		// Pagination: max_id and min_id.
		got, _ = st.ListTimeline(ctx, alice, l, domain.Page{Limit: 2, MaxID: self.ID})
		if want := []domain.ID{c1.ID, b1.ID}; !slices.Equal(got, want) {
			t.Errorf("max_id page: got %v, want %v", got, want)
		}
		got, _ = st.ListTimeline(ctx, alice, l, domain.Page{Limit: 2, MinID: b1.ID})
		if want := []domain.ID{self.ID, c1.ID}; !slices.Equal(got, want) {
			t.Errorf("min_id page: got %v, want %v", got, want)
		}
		// Muting carol hides her from the list timeline.
		if err := st.Mute(ctx, alice, carol, true, nil); err != nil {
			t.Fatal(err)
		}
		got, _ = st.ListTimeline(ctx, alice, l, domain.Page{Limit: 20})
		if slices.Contains(got, c1.ID) {
			t.Errorf("muted author still in list timeline: %v", got)
		}

		// Exclusive lists: their members leave the home timeline.
		homeWithout := func() []domain.ID {
			t.Helper()
			ids, err := scanTestIDs(d, `SELECT h.status_id FROM home_feed h WHERE h.account_id = $1 AND `+
				store.ExclusiveListAuthorFilter("h.author_id", 1)+` ORDER BY h.status_id DESC`, int64(alice))
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}
		if got := homeWithout(); len(got) != 5 {
			t.Errorf("home with a non-exclusive list: %d statuses, want 5", len(got))
		}
		l.Exclusive = true
		if err := st.UpdateList(ctx, l); err != nil {
			t.Fatal(err)
		}
		if got := homeWithout(); len(got) != 0 {
			t.Errorf("home with bob and carol in an exclusive list: got %v, want none", got)
		}
		if err := st.RemoveListMembers(ctx, alice, l.ID, []domain.ID{carol}); err != nil {
			t.Fatal(err)
		}
		if got := homeWithout(); !slices.Equal(got, []domain.ID{c1.ID}) {
			t.Errorf("home with bob exclusive: got %v, want [carol's]", got)
		}
	})
}

func scanTestIDs(d *db.DB, q string, args ...any) ([]domain.ID, error) {
	rows, err := d.R.QueryContext(context.Background(), q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.ID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, domain.ID(id))
	}
	return out, rows.Err()
}

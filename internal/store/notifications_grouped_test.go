package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// groupSummary is what a test compares of a group: key, count, samples.
func groupSummary(gs []*GroupedNotification) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s/%d/%v", g.Key, g.Count, g.SampleAccountIDs))
	}
	return out
}

func TestGroupedNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// 01:00 UTC: inside the window that starts at midnight.
		now := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
		s := New(d, func() time.Time { return now })
		tick := func(d time.Duration) { now = now.Add(d) }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		ids := graphUsers(t, s, "alice", "bob", "carol", "dave", "eve")
		alice, bob, carol, dave, eve := ids[0], ids[1], ids[2], ids[3], ids[4]
		post := func(author domain.ID, mentions ...domain.ID) *domain.Status {
			t.Helper()
			st := testStatus(s, author, domain.Public, mentions...)
			_, _, err := s.CreateStatus(ctx, NewStatus{Status: st})
			must(err)
			tick(time.Second)
			return st
		}
		fav := func(who domain.ID, st *domain.Status) {
			t.Helper()
			must(s.Favourite(ctx, who, st))
			tick(time.Second)
		}
		p1, p2 := post(alice), post(alice)
		for _, who := range []domain.ID{bob, carol, dave} {
			fav(who, p1) // three favourites of one post: one group
		}
		post(eve, alice) // a mention: never grouped
		_, err := s.Follow(ctx, bob, alice, FollowOptions{})
		must(err)
		tick(time.Second)
		_, err = s.Follow(ctx, carol, alice, FollowOptions{})
		must(err)
		tick(13 * time.Hour) // a later window: a new group for the same post
		fav(eve, p1)
		for _, who := range []domain.ID{bob, carol} {
			boost := testStatus(s, who, domain.Public)
			boost.ReblogOfID = p2.ID
			must(s.CreateReblog(ctx, boost, p2))
			tick(time.Second)
		}

		day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix() / 3600
		favOld := fmt.Sprintf("favourite-%d-%d", p1.ID, day)
		favNew := fmt.Sprintf("favourite-%d-%d", p1.ID, day+12)
		reblogs := fmt.Sprintf("reblog-%d-%d", p2.ID, day+12)
		follows := fmt.Sprintf("follow-%d", day)
		all, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 40}, nil)
		must(err)
		mention := all[3].Key
		want := []string{
			fmt.Sprintf("%s/2/%v", reblogs, []domain.ID{carol, bob}),
			fmt.Sprintf("%s/1/%v", favNew, []domain.ID{eve}),
			fmt.Sprintf("%s/2/%v", follows, []domain.ID{carol, bob}),
			fmt.Sprintf("%s/1/%v", mention, []domain.ID{eve}),
			fmt.Sprintf("%s/3/%v", favOld, []domain.ID{dave, carol, bob}),
		}
		if got := groupSummary(all); !reflect.DeepEqual(got, want) {
			t.Fatalf("groups:\n got %v\nwant %v", got, want)
		}
		if all[3].Notification.Type != domain.NotifyMention || mention != "ungrouped-"+all[3].Notification.ID.String() {
			t.Errorf("mention group = %s (%s)", mention, all[3].Notification.Type)
		}
		if all[0].TargetStatusID != p2.ID || all[4].TargetStatusID != p1.ID {
			t.Errorf("targets = %d, %d; want the boosted post %d and %d", all[0].TargetStatusID, all[4].TargetStatusID, p2.ID, p1.ID)
		}
		if g := all[4]; g.MostRecentID != g.Notification.ID || g.PageMinID >= g.MostRecentID || !g.Paginated {
			t.Errorf("favourites group range: most recent %d (page's %d), page min %d", g.MostRecentID, g.Notification.ID, g.PageMinID)
		}

		// Pages of two groups, following max_id until a short page, then
		// back with min_id.
		var walked []string
		var pages [][]*GroupedNotification
		p := domain.Page{Limit: 2}
		for range 5 {
			page, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, p, nil)
			must(err)
			pages = append(pages, page)
			for _, g := range page {
				walked = append(walked, g.Key)
			}
			if len(page) < p.Limit {
				break
			}
			p.MaxID = page[len(page)-1].Notification.ID
		}
		if len(pages) != 3 || !reflect.DeepEqual(walked, []string{reblogs, favNew, follows, mention, favOld}) {
			t.Errorf("walked %d pages: %v", len(pages), walked)
		}
		// The last page reaches the start: its group begins at the first favourite.
		if last := pages[len(pages)-1]; len(last) == 1 && (last[0].Count != 3 || last[0].PageMinID != all[4].PageMinID) {
			t.Errorf("last page's group = %+v", last[0])
		}
		// Below a group's newest notification, the same group comes again,
		// counted up to the page, as Mastodon pages (clients merge by key).
		again, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 2, MaxID: all[4].Notification.ID}, nil)
		must(err)
		if len(again) != 1 || again[0].Key != favOld || again[0].Count != 2 {
			t.Errorf("page below the newest favourite = %v", groupSummary(again))
		}
		up, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 2, MinID: pages[1][0].Notification.ID}, nil)
		must(err)
		if got := []string{up[0].Key, up[1].Key}; len(up) != 2 || !reflect.DeepEqual(got, []string{reblogs, favNew}) {
			t.Errorf("min_id page = %v", groupSummary(up))
		}

		// Filters, and grouped_types.
		favs, err := s.GroupedNotifications(ctx, alice, NotificationFilter{Types: []string{"favourite"}}, domain.Page{Limit: 40}, nil)
		must(err)
		if len(favs) != 2 {
			t.Errorf("favourite groups = %v", groupSummary(favs))
		}
		noFavs, err := s.GroupedNotifications(ctx, alice, NotificationFilter{ExcludeTypes: []string{"favourite"}}, domain.Page{Limit: 40}, nil)
		must(err)
		if len(noFavs) != 3 {
			t.Errorf("groups without favourites = %v", groupSummary(noFavs))
		}
		flat, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 40}, []string{"mention"})
		must(err)
		if len(flat) != 9 {
			t.Errorf("grouping nothing groupable gives %d entries, want the 9 notifications", len(flat))
		}
		onlyFollows, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 40}, []string{"follow"})
		must(err)
		if len(onlyFollows) != 8 {
			t.Errorf("grouping follows only gives %d entries, want 8", len(onlyFollows))
		}

		// Unread groups, from the marker.
		for _, c := range []struct {
			grouped []string
			limit   int
			want    int
		}{{nil, 100, 5}, {nil, 3, 3}, {[]string{"mention"}, 100, 9}} {
			n, err := s.UnreadNotificationGroups(ctx, alice, NotificationFilter{}, c.grouped, c.limit)
			must(err)
			if n != c.want {
				t.Errorf("unread groups (grouped %v, limit %d) = %d, want %d", c.grouped, c.limit, n, c.want)
			}
		}

		// One group by key; its members; dismissing it.
		g, err := s.NotificationGroup(ctx, alice, favOld)
		must(err)
		if g.Count != 3 || g.Paginated || !reflect.DeepEqual(g.SampleAccountIDs, []domain.ID{dave, carol, bob}) {
			t.Errorf("group %s = %+v", favOld, g)
		}
		members, err := s.NotificationGroupMembers(ctx, alice, follows, domain.Page{Limit: 40})
		must(err)
		if len(members) != 2 || members[0].FromAccountID != carol || members[1].FromAccountID != bob {
			t.Errorf("members of %s = %v", follows, members)
		}
		for _, bad := range []string{"favourite-1-5", "mention-7", "follow-012", "ungrouped-x", "nope"} {
			if _, err := s.NotificationGroup(ctx, alice, bad); domain.KindOf(err) != domain.KindNotFound {
				t.Errorf("group %q: err = %v, want not found", bad, err)
			}
		}
		if _, err := s.NotificationGroup(ctx, bob, favOld); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("another account's group: err = %v", err)
		}

		// A block hides the sender from counts and samples.
		must(s.Block(ctx, alice, dave))
		g, err = s.NotificationGroup(ctx, alice, favOld)
		must(err)
		if g.Count != 2 || !reflect.DeepEqual(g.SampleAccountIDs, []domain.ID{carol, bob}) {
			t.Errorf("group after blocking dave = %d %v", g.Count, g.SampleAccountIDs)
		}

		must(s.DismissNotificationGroup(ctx, alice, favOld))
		if _, err := s.NotificationGroup(ctx, alice, favOld); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("dismissed group: err = %v", err)
		}
		must(s.DismissNotificationGroup(ctx, alice, mention))
		left, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 40}, nil)
		must(err)
		if got := []string{}; len(left) != 3 {
			for _, g := range left {
				got = append(got, g.Key)
			}
			t.Errorf("after dismissing two groups: %v", got)
		}

		// Notifications a policy filtered stay out, and ungrouped when asked for.
		must(s.SetNotificationPolicy(ctx, alice, NotificationPolicy{ForNotFollowing: PolicyFilter, ForNotFollowers: "accept",
			ForNewAccounts: "accept", ForPrivateMentions: "filter", ForLimitedAccounts: "filter"}))
		fav(eve, p2)
		withFiltered, err := s.GroupedNotifications(ctx, alice, NotificationFilter{IncludeFiltered: true}, domain.Page{Limit: 1}, nil)
		must(err)
		if len(withFiltered) != 1 || withFiltered[0].Key != "ungrouped-"+withFiltered[0].Notification.ID.String() || withFiltered[0].Notification.FromAccountID != eve {
			t.Errorf("filtered favourite = %v", groupSummary(withFiltered))
		}
		without, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 40}, nil)
		must(err)
		if len(without) != 3 {
			t.Errorf("the filtered favourite is listed: %v", groupSummary(without))
		}
	})
}

func TestParseGroupKey(t *testing.T) {
	for _, key := range []string{"ungrouped-42", "favourite-7-120", "reblog-7-0", "follow-24", "admin.sign_up-36"} {
		k, ok := parseGroupKey(key)
		if !ok || k.String() != key {
			t.Errorf("parse %q = %+v, %v", key, k, ok)
		}
	}
	for _, key := range []string{"", "ungrouped-", "ungrouped-007", "favourite-7-13", "favourite-120", "follow-7-120",
		"mention-7-120", "follow--12", "follow-x", "status-12", "favourite-0-12"} {
		if k, ok := parseGroupKey(key); ok {
			t.Errorf("parse %q = %+v, want refused", key, k)
		}
	}
}

// TestGroupedNotificationsBigGroup pages past a group larger than one read.
func TestGroupedNotificationsBigGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
		s := New(d, func() time.Time { return now })
		names := []string{"alice", "eve"}
		for i := range 45 {
			names = append(names, fmt.Sprintf("f%d", i))
		}
		ids := graphUsers(t, s, names...)
		alice, eve := ids[0], ids[1]
		st := testStatus(s, eve, domain.Public, alice)
		if _, _, err := s.CreateStatus(ctx, NewStatus{Status: st}); err != nil {
			t.Fatal(err)
		}
		for _, f := range ids[2:] {
			now = now.Add(time.Second)
			if _, err := s.Follow(ctx, f, alice, FollowOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		page, err := s.GroupedNotifications(ctx, alice, NotificationFilter{}, domain.Page{Limit: 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].Count != 45 || len(page[0].SampleAccountIDs) != NotificationGroupSamples ||
			page[1].Notification.Type != domain.NotifyMention {
			t.Errorf("page = %v", groupSummary(page))
		}
		if page[0].SampleAccountIDs[0] != ids[len(ids)-1] {
			t.Errorf("first sample = %d, want the newest follower %d", page[0].SampleAccountIDs[0], ids[len(ids)-1])
		}
	})
}

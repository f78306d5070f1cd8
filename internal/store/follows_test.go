package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// graphUsers creates local accounts named names and returns their ids.
func graphUsers(t *testing.T, s *Store, names ...string) []domain.ID {
	t.Helper()
	var out []domain.ID
	for _, n := range names {
		_, a, err := s.CreateLocalUser(context.Background(), NewLocalUser{Username: n, Email: n + "@example.org", PasswordHash: "x", Approved: true, BaseURL: "https://agora.example"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a.ID)
	}
	return out
}

// checkCounters compares every account's stored counters with a count of
// the follows table.
func checkCounters(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.DB.R.Query(`SELECT a.username, a.followers_count, a.following_count,
		(SELECT count(*) FROM follows f WHERE f.target_account_id = a.id),
		(SELECT count(*) FROM follows f WHERE f.account_id = a.id) FROM accounts a`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var followers, following, realFollowers, realFollowing int64
		if err := rows.Scan(&name, &followers, &following, &realFollowers, &realFollowing); err != nil {
			t.Fatal(err)
		}
		if followers != realFollowers || following != realFollowing {
			t.Errorf("%s: counters %d/%d, follows table %d/%d", name, followers, following, realFollowers, realFollowing)
		}
	}
}

func TestGraphCountersStayExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		ids := graphUsers(t, s, "a", "b", "c", "d")
		a, b, c, dd := ids[0], ids[1], ids[2], ids[3]
		no := false
		steps := []struct {
			name string
			do   func() error
		}{
			{"a follows b", func() error { _, err := s.Follow(ctx, a, b, FollowOptions{}); return err }},
			{"a follows b again", func() error { _, err := s.Follow(ctx, a, b, FollowOptions{ShowReblogs: &no}); return err }},
			{"a follows c", func() error { _, err := s.Follow(ctx, a, c, FollowOptions{}); return err }},
			{"b follows a", func() error { _, err := s.Follow(ctx, b, a, FollowOptions{}); return err }},
			{"c follows a", func() error { _, err := s.Follow(ctx, c, a, FollowOptions{}); return err }},
			{"d requests a", func() error { _, err := s.RequestFollow(ctx, dd, a, FollowOptions{}); return err }},
			{"a accepts d", func() error { return s.AcceptFollowRequest(ctx, dd, a) }},
			{"a blocks b", func() error { return s.Block(ctx, a, b) }},
			{"a blocks b again", func() error { return s.Block(ctx, a, b) }},
			{"c unfollows b (no follow)", func() error { return s.Unfollow(ctx, c, b) }},
			{"a removes c from followers", func() error { return s.RemoveFromFollowers(ctx, a, c) }},
			{"a removes c again", func() error { return s.RemoveFromFollowers(ctx, a, c) }},
			{"a unfollows c", func() error { return s.Unfollow(ctx, a, c) }},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			checkCounters(t, s)
		}
		acct, err := s.Account(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if acct.FollowersCount != 1 || acct.FollowingCount != 0 {
			t.Errorf("a's counters = %d/%d, want 1/0 (only d)", acct.FollowersCount, acct.FollowingCount)
		}
		if err := s.AcceptFollowRequest(ctx, dd, a); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("accepting twice: %v, want not found", err)
		}
		if err := s.RejectFollowRequest(ctx, b, a); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("rejecting nothing: %v, want not found", err)
		}
	})
}

func TestRelationshipsAndMuteExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		s := New(d, func() time.Time { return now })
		ids := graphUsers(t, s, "a", "b", "c")
		a, b, c := ids[0], ids[1], ids[2]
		langs := []string{"fr"}
		if _, err := s.Follow(ctx, a, b, FollowOptions{Languages: &langs}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RequestFollow(ctx, c, a, FollowOptions{}); err != nil {
			t.Fatal(err)
		}
		expires := now.Add(time.Minute)
		if err := s.Mute(ctx, a, c, false, &expires); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAccountNote(ctx, a, c, "noisy"); err != nil {
			t.Fatal(err)
		}
		rs, err := s.Relationships(ctx, a, []domain.ID{b, c, b})
		if err != nil {
			t.Fatal(err)
		}
		if r := rs[0]; !r.Following || !r.ShowingReblogs || len(r.Languages) != 1 || r.FollowedBy || rs[2] != r {
			t.Errorf("a→b = %+v", r)
		}
		if r := rs[1]; !r.RequestedBy || !r.Muting || r.MutingNotifications || r.Note != "noisy" || r.Following {
			t.Errorf("a→c = %+v", r)
		}
		now = now.Add(2 * time.Minute) // the mute has expired
		rs, err = s.Relationships(ctx, a, []domain.ID{c})
		if err != nil {
			t.Fatal(err)
		}
		if rs[0].Muting {
			t.Errorf("expired mute still counts: %+v", rs[0])
		}
		if m, err := s.Mutes(ctx, a, domain.Page{Limit: 10}); err != nil || len(m) != 0 {
			t.Errorf("mutes after expiry = %v, %v", m, err)
		}
	})
}

// TestGraphQueryPlans checks on SQLite that the hot graph queries use
// indexes: paged lists walk an (owner, id) index without sorting, and the
// relationships query searches every table by index.
func TestGraphQueryPlans(t *testing.T) {
	d := storetest.Open(t, db.SQLite)
	plan := func(query string, args ...any) string {
		t.Helper()
		rows, err := d.R.Query(`EXPLAIN QUERY PLAN `+query, args...)
		if err != nil {
			t.Fatalf("explain: %v", err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
		return strings.Join(lines, "\n")
	}
	for name, c := range map[string]struct {
		list  accountList
		index string
	}{
		"followers": {followersList, "follows_target_id"},
		"following": {followingList, "follows_account_id"},
		"requests":  {requestsList, "follow_requests_target"},
		"blocks":    {blocksList, "blocks_account_id"},
	} {
		q, args := pagedAccountsSQL(c.list, domain.Page{MaxID: 100, Limit: 40})
		p := plan(q, append([]any{1, 40}, args...)...)
		t.Logf("%s plan:\n%s", name, p)
		if !strings.Contains(p, c.index) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s plan does not walk %s:\n%s", name, c.index, p)
		}
	}
	p := plan(relationshipsSQL(3), 1, 0, 2, 3, 4)
	t.Logf("relationships plan:\n%s", p)
	for _, line := range strings.Split(p, "\n") {
		if strings.HasPrefix(line, "SCAN ") {
			t.Errorf("relationships plan scans a table:\n%s", p)
			break
		}
	}
}

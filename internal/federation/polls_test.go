package federation_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
)

// questionUpdates returns the Questions of the Updates from actor that s
// received, in order.
func (s *server) questionUpdates(t *testing.T, actor string) []jsonMap {
	t.Helper()
	rows, err := s.App.DB.R.QueryContext(context.Background(),
		`SELECT body FROM inbox_activities WHERE actor_uri = $1 AND type = 'Update' ORDER BY id`, actor)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []jsonMap
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		var act struct{ Object jsonMap }
		if json.Unmarshal([]byte(body), &act) == nil && act.Object["type"] == "Question" {
			out = append(out, act.Object)
		}
	}
	return out
}

// TestTwoServersPollTallies: votes on alice's poll (local ones and bob's
// from two) send two one delayed Update of the Question with the new
// counts, merged while one is waiting, which two applies (no edit); the
// poll's end sends the final one, which closes the poll on two.
func TestTwoServersPollTallies(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	one.App.Fed.PollTallyDelay = 2 * time.Second
	alice, carol, dave := one.newUserToken(t, "alice"), one.newUserToken(t, "carol"), one.newUserToken(t, "dave")
	bob := two.newUserToken(t, "bob")
	hostOne := strings.TrimPrefix(one.URL, "http://")
	var a jsonMap
	two.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=alice@"+hostOne, bob.token, nil, &a)
	two.mustAPI(t, "POST", "/api/v1/accounts/"+a["id"].(string)+"/follow", bob.token, nil, nil)
	outWait(t, "bob following alice", func() bool { return two.relationship(t, bob, a["id"].(string))["following"] == true })

	var poll jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"Tea or coffee?"},
		"poll[options][]": {"tea", "coffee"}, "poll[expires_in]": {"3600"}}, &poll)
	var remote jsonMap
	outWait(t, "the poll on two", func() bool {
		var ok bool
		remote, ok = two.statusByURI(t, bob, poll["uri"].(string))
		return ok
	})

	vote := func(s *server, u *user, id string, choice string) {
		s.mustAPI(t, "POST", "/api/v1/polls/"+id+"/votes", u.token, url.Values{"choices[]": {choice}}, nil)
	}
	vote(one, carol, poll["id"].(string), "0")
	vote(one, dave, poll["id"].(string), "1")
	var jobs int
	if err := one.App.DB.R.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'federation.poll_tally'`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 1 {
		t.Errorf("%d tally jobs for two votes, want 1 (merged)", jobs)
	}
	vote(two, bob, remote["id"].(string), "1")

	aliceURI := one.actorURI("alice")
	votes := func(q jsonMap) (tea, coffee float64) {
		for _, o := range q["oneOf"].([]any) {
			m := o.(map[string]any)
			n := m["replies"].(map[string]any)["totalItems"].(float64)
			if m["name"] == "tea" {
				tea = n
			} else {
				coffee = n
			}
		}
		return
	}
	outWait(t, "an Update with the three votes on two", func() bool {
		qs := two.questionUpdates(t, aliceURI)
		if len(qs) == 0 {
			return false
		}
		tea, coffee := votes(qs[len(qs)-1])
		return tea == 1 && coffee == 2 && qs[len(qs)-1]["votersCount"] == 3.0
	})
	if n := len(two.questionUpdates(t, aliceURI)); n > 2 {
		t.Errorf("%d Updates for three votes, want at most 2", n)
	}
	// two applies the tallies: carol's and dave's votes on one show there,
	// with bob's, and the tallies made no edit.
	outWait(t, "the tallies applied on two", func() bool {
		st, ok := two.statusByURI(t, bob, poll["uri"].(string))
		if !ok {
			return false
		}
		votes, voters, _ := pollCounts(t, st)
		return len(votes) == 2 && votes[0] == 1 && votes[1] == 2 && voters == 3
	})
	if st, _ := two.statusByURI(t, bob, poll["uri"].(string)); st["edited_at"] != nil {
		t.Errorf("the tally Update made an edit on two: edited_at = %v", st["edited_at"])
	}

	// The poll ends: the final tallies are sent, with "closed".
	ctx := context.Background()
	if _, err := one.App.DB.W.ExecContext(ctx, `UPDATE polls SET expires_at = $1`, time.Now().Add(-time.Second).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if n, err := one.App.Store.NotifyExpiredPolls(ctx); err != nil || n != 1 {
		t.Fatalf("closed %d polls: %v", n, err)
	}
	outWait(t, "the closing Update on two", func() bool {
		qs := two.questionUpdates(t, aliceURI)
		return len(qs) > 0 && qs[len(qs)-1]["closed"] != nil
	})
	outWait(t, "the poll closed on two", func() bool {
		st, ok := two.statusByURI(t, bob, poll["uri"].(string))
		if !ok {
			return false
		}
		_, _, expired := pollCounts(t, st)
		return expired
	})
}

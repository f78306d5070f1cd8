package federation_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"
)

// pollCounts is a status's poll as the API shows it: the votes per option,
// voters_count and expired.
func pollCounts(t *testing.T, st jsonMap) (votes []float64, voters float64, expired bool) {
	t.Helper()
	p, ok := st["poll"].(map[string]any)
	if !ok {
		t.Fatalf("status without a poll: %v", st)
	}
	for _, o := range p["options"].([]any) {
		n, _ := o.(map[string]any)["votes_count"].(float64)
		votes = append(votes, n)
	}
	voters, _ = p["voters_count"].(float64)
	return votes, voters, p["expired"] == true
}

// TestInboundPollTallies receives a Mastodon poll, then Updates of its
// Question without "updated" (Mastodon's tally updates, fixtures): the
// counts, voters and end are applied without an edit; a local vote counts
// on top of them until the next Update; an Update of the poll by another
// host is ignored; the closing Update ends the poll.
func TestInboundPollTallies(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice, carol := s.newUserToken(t, "alice"), s.newUserToken(t, "carol")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		note := r.URL + "/users/bob/statuses/114"
		end := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		vars := map[string]string{"ACTOR": r.actor, "NOTE": note, "REMOTE": r.URL, "END": end.Format(time.RFC3339)}
		r.sendRaw(t, s, note+"/activity", fixture(t, "mastodon_create_question.json", vars))
		st, ok := s.statusByURI(t, alice, note)
		if !ok {
			t.Fatal("the poll was not stored")
		}
		id := st["id"].(string)
		get := func() jsonMap {
			var out jsonMap
			s.mustAPI(t, "GET", "/api/v1/statuses/"+id, alice.token, nil, &out)
			return out
		}
		s.mustAPI(t, "POST", "/api/v1/polls/"+st["poll"].(map[string]any)["id"].(string)+"/votes", alice.token, url.Values{"choices[]": {"1"}}, nil)

		seq := 0
		update := func(from *remote, tea, coffee, voters int, closed string) {
			t.Helper()
			seq++
			v := map[string]string{"ID": fmt.Sprintf("%s/users/bob/statuses/114#updates/%d", from.URL, seq), "ACTOR": from.actor,
				"NOTE": note, "REMOTE": r.URL, "END": vars["END"], "TEA": fmt.Sprint(tea), "COFFEE": fmt.Sprint(coffee),
				"VOTERS": fmt.Sprint(voters), "CLOSED": ""}
			if closed != "" {
				v["CLOSED"], v["END"] = `"closed": "`+closed+`",`, closed
			}
			from.sendRaw(t, s, v["ID"], fixture(t, "mastodon_update_question.json", v))
		}
		update(r, 2, 3, 5, "")
		got := get()
		votes, voters, expired := pollCounts(t, got)
		if fmt.Sprint(votes) != "[2 3]" || voters != 5 || expired {
			t.Errorf("after the tally Update: votes %v, voters %v, expired %v; want [2 3], 5, false", votes, voters, expired)
		}
		if got["edited_at"] != nil {
			t.Errorf("a tally Update made an edit: edited_at = %v", got["edited_at"])
		}
		var history []jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+id+"/history", alice.token, nil, &history)
		if len(history) > 1 {
			t.Errorf("history has %d versions after a tally Update, want 1", len(history))
		}
		if p := got["poll"].(map[string]any); p["voted"] != true {
			t.Errorf("alice's vote is no longer shown: %v", p)
		}

		// carol's vote counts at once, on top of the received tallies.
		s.mustAPI(t, "POST", "/api/v1/polls/"+st["poll"].(map[string]any)["id"].(string)+"/votes", carol.token, url.Values{"choices[]": {"0"}}, nil)
		if votes, voters, _ := pollCounts(t, get()); fmt.Sprint(votes) != "[3 3]" || voters != 6 {
			t.Errorf("after a local vote: votes %v, voters %v; want [3 3], 6", votes, voters)
		}

		// Another server cannot set the tallies of bob's poll.
		other := newRemote(t)
		update(other, 50, 50, 100, "")
		if votes, _, _ := pollCounts(t, get()); fmt.Sprint(votes) != "[3 3]" {
			t.Errorf("an Update from another host changed the tallies: %v", votes)
		}

		// The poll closes: the final tallies, and it is expired.
		update(r, 4, 3, 7, time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
		if votes, voters, expired := pollCounts(t, get()); fmt.Sprint(votes) != "[4 3]" || voters != 7 || !expired {
			t.Errorf("after the closing Update: votes %v, voters %v, expired %v; want [4 3], 7, true", votes, voters, expired)
		}
	})
}

package mastodon_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// manualPolicy asks for approval of every reply, favourite and boost
// from anyone but followers.
func manualPolicy() map[string]any {
	rule := map[string]any{"automatic_approval": []string{"followers"}, "manual_approval": []string{"public"}}
	return map[string]any{"can_reply": rule, "can_favourite": rule, "can_reblog": rule}
}

// irTypes returns the types of a list of interaction requests.
func irTypes(list []map[string]any) []string {
	out := []string{}
	for _, m := range list {
		out = append(out, m["type"].(string))
	}
	slices.Sort(out)
	return out
}

func TestInteractionRequestsPendingAcceptReject(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")     // a stranger: needs approval
		carol := s.NewUser(t, "carol") // follows alice and bob: sees what is published
		stFollow(t, s, carol, alice)
		stFollow(t, s, carol, bob)
		post := stPost(t, s, alice, map[string]any{"status": "ask first", "interaction_policy": manualPolicy()})

		// A pending reply is created for its author only.
		reply := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "may I?", "in_reply_to_id": post}).Map(t)
		rid := reply["id"].(string)
		s.Must(t, 404, "GET", "/api/v1/statuses/"+rid, carol.Token, nil)
		ctx := s.Must(t, 200, "GET", "/api/v1/statuses/"+post+"/context", carol.Token, nil).Map(t)
		if d := ctx["descendants"].([]any); len(d) != 0 {
			t.Errorf("thread shows the pending reply to others: %v", d)
		}
		if home := stIDs(s.Must(t, 200, "GET", "/api/v1/timelines/home", carol.Token, nil).List(t)); slices.Contains(home, rid) {
			t.Errorf("pending reply in a follower's home timeline")
		}
		if got := s.Must(t, 200, "GET", "/api/v1/statuses/"+post, alice.Token, nil).Map(t)["replies_count"]; got != float64(0) {
			t.Errorf("replies_count = %v before approval", got)
		}

		// A pending favourite and boost change nothing yet.
		fav := s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/favourite", bob.Token, nil).Map(t)
		if fav["favourited"] != false || fav["favourites_count"] != float64(0) {
			t.Errorf("pending favourite: favourited %v, count %v", fav["favourited"], fav["favourites_count"])
		}
		boost := s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/reblog", bob.Token, nil).Map(t)
		if boost["reblogged"] != false || boost["reblogs_count"] != float64(0) {
			t.Errorf("pending boost: reblogged %v, count %v", boost["reblogged"], boost["reblogs_count"])
		}
		// Asking twice keeps one request.
		s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/favourite", bob.Token, nil)

		// The author sees three requests and three pending.* notifications.
		list := s.Must(t, 200, "GET", "/api/v1/interaction_requests", alice.Token, nil).List(t)
		if got := irTypes(list); !slices.Equal(got, []string{"favourite", "reblog", "reply"}) {
			t.Fatalf("requests = %v", got)
		}
		byType := map[string]map[string]any{}
		for _, r := range list {
			byType[r["type"].(string)] = r
			if r["status"].(map[string]any)["id"] != post || r["account"].(map[string]any)["id"] != bob.ID.String() {
				t.Errorf("request %v: wrong status or account", r["id"])
			}
		}
		rr := byType["reply"]
		if rr["reply"] == nil || rr["reply"].(map[string]any)["id"] != rid {
			t.Errorf("reply request's reply = %v", rr["reply"])
		}
		if replies := s.Must(t, 200, "GET", "/api/v1/interaction_requests?replies=false&reblogs=false", alice.Token, nil).List(t); !slices.Equal(irTypes(replies), []string{"favourite"}) {
			t.Errorf("favourites only = %v", irTypes(replies))
		}
		s.Must(t, 200, "GET", "/api/v1/interaction_requests?status_id="+rid, alice.Token, nil) // another post: empty
		notes := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t)
		var kinds []string
		for _, n := range notes {
			kinds = append(kinds, n["type"].(string))
			if n["type"] == "pending.reply" && n["status"].(map[string]any)["id"] != rid {
				t.Errorf("pending.reply notification's status = %v", n["status"])
			}
		}
		slices.Sort(kinds)
		if !slices.Equal(kinds, []string{"pending.favourite", "pending.reblog", "pending.reply"}) {
			t.Errorf("notifications = %v", kinds)
		}

		// Others cannot see or answer them.
		s.Must(t, 404, "GET", "/api/v1/interaction_requests/"+rr["id"].(string), bob.Token, nil)
		s.Must(t, 404, "POST", "/api/v1/interaction_requests/"+rr["id"].(string)+"/authorize", bob.Token, nil)

		// Accepting the reply publishes it: thread, count, followers' home.
		acc := s.Must(t, 200, "POST", "/api/v1/interaction_requests/"+rr["id"].(string)+"/authorize", alice.Token, nil).Map(t)
		if acc["accepted_at"] == nil || acc["uri"] == nil || !strings.Contains(acc["uri"].(string), "/users/alice/authorizations/") {
			t.Errorf("accepted request = %v", acc)
		}
		s.Must(t, 422, "POST", "/api/v1/interaction_requests/"+rr["id"].(string)+"/reject", alice.Token, nil)
		s.Must(t, 200, "GET", "/api/v1/statuses/"+rid, carol.Token, nil)
		ctx = s.Must(t, 200, "GET", "/api/v1/statuses/"+post+"/context", carol.Token, nil).Map(t)
		if d := ctx["descendants"].([]any); len(d) != 1 {
			t.Errorf("thread after approval = %v", d)
		}
		if home := stIDs(s.Must(t, 200, "GET", "/api/v1/timelines/home", carol.Token, nil).List(t)); !slices.Contains(home, rid) {
			t.Errorf("approved reply missing from a follower's home timeline")
		}

		// Accepting the favourite counts it; rejecting the boost creates none.
		s.Must(t, 200, "POST", "/api/v1/interaction_requests/"+byType["favourite"]["id"].(string)+"/authorize", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/interaction_requests/"+byType["reblog"]["id"].(string)+"/reject", alice.Token, nil)
		st := s.Must(t, 200, "GET", "/api/v1/statuses/"+post, bob.Token, nil).Map(t)
		if st["favourited"] != true || st["favourites_count"] != float64(1) || st["reblogged"] != false || st["replies_count"] != float64(1) {
			t.Errorf("after answers: favourited %v (%v), reblogged %v, replies %v", st["favourited"], st["favourites_count"], st["reblogged"], st["replies_count"])
		}
		if left := s.Must(t, 200, "GET", "/api/v1/interaction_requests", alice.Token, nil).List(t); len(left) != 0 {
			t.Errorf("pending after answers = %v", irTypes(left))
		}

		// Followers need no approval.
		s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/reblog", carol.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/statuses/"+post, carol.Token, nil).Map(t)["reblogged"]; got != true {
			t.Errorf("follower's boost reblogged = %v", got)
		}
	})
}

func TestInteractionRequestRejectedReplyStaysWithItsAuthor(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		post := stPost(t, s, alice, map[string]any{"status": "ask first", "interaction_policy": manualPolicy()})
		rid := stPost(t, s, bob, map[string]any{"status": "may I?", "in_reply_to_id": post})
		list := s.Must(t, 200, "GET", "/api/v1/interaction_requests", alice.Token, nil).List(t)
		if len(list) != 1 {
			t.Fatalf("requests = %d", len(list))
		}
		rej := s.Must(t, 200, "POST", "/api/v1/interaction_requests/"+list[0]["id"].(string)+"/reject", alice.Token, nil).Map(t)
		if rej["rejected_at"] == nil || rej["accepted_at"] != nil {
			t.Errorf("rejected request = %v", rej)
		}
		s.Must(t, 200, "GET", "/api/v1/statuses/"+rid, bob.Token, nil) // nothing lost
		s.Must(t, 404, "GET", "/api/v1/statuses/"+rid, alice.Token, nil)
		s.Must(t, 200, "DELETE", "/api/v1/statuses/"+rid, bob.Token, nil)
		// A pending favourite taken back withdraws its request and notification.
		s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/favourite", bob.Token, nil)
		if n := len(s.Must(t, 200, "GET", "/api/v1/notifications?types[]=pending.favourite", alice.Token, nil).List(t)); n != 1 {
			t.Fatalf("pending.favourite notifications = %d", n)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/unfavourite", bob.Token, nil)
		if left := s.Must(t, 200, "GET", "/api/v1/interaction_requests", alice.Token, nil).List(t); len(left) != 0 {
			t.Errorf("withdrawn favourite still pending: %v", irTypes(left))
		}
		if n := len(s.Must(t, 200, "GET", "/api/v1/notifications?types[]=pending.favourite", alice.Token, nil).List(t)); n != 0 {
			t.Errorf("withdrawn favourite still notified")
		}
		// Pagination: limit and Link.
		for range 3 {
			stPost(t, s, bob, map[string]any{"status": "again?", "in_reply_to_id": post})
		}
		page := s.Must(t, 200, "GET", "/api/v1/interaction_requests?limit=2", alice.Token, nil)
		if n := len(page.List(t)); n != 2 || !strings.Contains(page.Header.Get("Link"), "max_id=") {
			t.Errorf("page of %d, Link %q", n, page.Header.Get("Link"))
		}
	})
}

// TestPendingReplyIdempotency: a client that retries a reply waiting for
// approval, with the same Idempotency-Key, gets the same reply back and
// the author one request, as for any post.
func TestPendingReplyIdempotency(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		post := stPost(t, s, alice, map[string]any{"status": "ask first", "interaction_policy": manualPolicy()})
		send := func() string {
			b, _ := json.Marshal(map[string]any{"status": "may I?", "in_reply_to_id": post})
			hr, _ := http.NewRequest("POST", s.URL+"/api/v1/statuses", bytes.NewReader(b))
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Authorization", "Bearer "+bob.Token)
			hr.Header.Set("Idempotency-Key", "retry-1")
			res, err := s.Client().Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var m map[string]any
			if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != 200 {
				t.Fatalf("reply: %d %v %v", res.StatusCode, m, err)
			}
			return m["id"].(string)
		}
		if a, b := send(), send(); a != b {
			t.Errorf("retried pending reply: ids %s and %s, want one", a, b)
		}
		if reqs := s.Must(t, 200, "GET", "/api/v1/interaction_requests", alice.Token, nil).List(t); len(reqs) != 1 {
			t.Errorf("requests after a retry: %d, want 1", len(reqs))
		}
	})
}

package mastodon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// signedUp registers an account the way the sign-up form does (with a
// client address), so the new-account restrictions apply to it.
func signedUp(t *testing.T, s *apitest.Server, name string) *apitest.User {
	t.Helper()
	ctx := context.Background()
	u, acct, err := s.App.Accounts.Register(ctx, accounts.SignUp{Username: name, Email: name + "@example.org",
		Password: "correct horse battery", Agreement: true, IP: "203.0.113.7"})
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(ctx, auth.HashSecret(tok), &domain.Token{UserID: u.ID, Scopes: domain.Scopes{"read", "write", "follow"}}); err != nil {
		t.Fatal(err)
	}
	return &apitest.User{ID: acct.ID, UserID: u.ID, Username: name, Token: tok, AccountID: acct.ID.String()}
}

func heldPost(s *apitest.Server, t *testing.T, u *apitest.User, body map[string]any) *apitest.Response {
	t.Helper()
	return s.Do(t, "POST", "/api/v1/statuses", u.Token, body)
}

func heldError(t *testing.T, r *apitest.Response, status int, parts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("got status %d, want %d; body %s", r.Status, status, r.Body)
	}
	msg, _ := r.Map(t)["error"].(string)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Fatalf("error %q lacks %q", msg, p)
		}
	}
}

// TestNewAccountRestrictions: during its first 24 hours a signed-up
// account may mention at most 2 strangers, post no links to other sites
// and 10 posts an hour, each refusal saying the limit and when it ends;
// after the window, or once trusted or approved by a moderator, it may.
func TestNewAccountRestrictions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		real := s.App.Store.Now
		defer func() { s.App.Store.Now = real }()
		mal := signedUp(t, s, "mallory")
		for _, n := range []string{"carol", "dave", "erin"} {
			s.NewUser(t, n)
		}
		mod := staff(t, s, "mod", domain.RoleModerator)
		ends := real().Add(24 * time.Hour).UTC().Format("2006-01-02 15:04 UTC")

		heldError(t, heldPost(s, t, mal, map[string]any{"status": "hi @carol @dave @erin"}), 422,
			"at most 2 accounts they do not follow", "this post mentions 3", "This limit ends on "+ends)
		carol := s.Must(t, 200, "GET", "/api/v1/accounts/lookup?acct=carol", mal.Token, nil).Map(t)["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol+"/follow", mal.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses", mal.Token, map[string]any{"status": "hi @carol @dave @erin"}) // carol is followed
		heldError(t, heldPost(s, t, mal, map[string]any{"status": "read https://news.example/a"}), 422,
			"may not post links to other sites during their first 24 hours", ends)
		s.Must(t, 200, "POST", "/api/v1/statuses", mal.Token, map[string]any{"status": "my profile: " + s.URL + "/@mallory"})
		for i := range 8 {
			s.Must(t, 200, "POST", "/api/v1/statuses", mal.Token, map[string]any{"status": fmt.Sprintf("note %d about the weather", i)})
		}
		heldError(t, heldPost(s, t, mal, map[string]any{"status": "one more"}), 429, "at most 10 posts per hour", ends)

		// After the window: all allowed.
		s.App.Store.Now = func() time.Time { return real().Add(25 * time.Hour) }
		s.Must(t, 200, "POST", "/api/v1/statuses", mal.Token, map[string]any{"status": "read https://news.example/a"})
		s.Must(t, 200, "POST", "/api/v1/statuses", mal.Token, map[string]any{"status": "cc @dave @erin @mod"})
		s.App.Store.Now = real

		// A moderator's trust exempts; untrusting restores the limits.
		nina := signedUp(t, s, "nina")
		link := map[string]any{"status": "see https://news.example/b"}
		heldError(t, heldPost(s, t, nina, link), 422, "may not post links")
		s.Must(t, 403, "POST", "/api/agora/v1/admin/accounts/"+nina.AccountID+"/trust", nina.Token, nil)
		if got := s.Must(t, 200, "POST", "/api/agora/v1/admin/accounts/"+nina.AccountID+"/trust", mod.Token, nil).Map(t); got["trusted"] != true {
			t.Fatalf("trust: %v", got)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses", nina.Token, link)
		s.Must(t, 200, "POST", "/api/agora/v1/admin/accounts/"+nina.AccountID+"/untrust", mod.Token, nil)
		heldError(t, heldPost(s, t, nina, map[string]any{"status": "again https://news.example/c"}), 422, "may not post links")
		s.Must(t, 404, "POST", "/api/agora/v1/admin/accounts/123456/trust", mod.Token, nil)

		// Approval by a moderator exempts too.
		olga := signedUp(t, s, "olga")
		heldError(t, heldPost(s, t, olga, link), 422, "may not post links")
		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+olga.AccountID+"/approve", mod.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/statuses", olga.Token, link)

		// An account made by the operator (no sign-up) is not restricted.
		bob := s.NewUser(t, "bob")
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "see https://news.example/d @carol @dave @erin"})
	})
}

// inbox is a remote server's inbox that records what it receives.
type heldInbox struct {
	mu   sync.Mutex
	got  []string
	srv  *httptest.Server
	acct *domain.Account
}

func newInbox(t *testing.T, s *apitest.Server, follow domain.ID) *heldInbox {
	t.Helper()
	in := &heldInbox{}
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		in.mu.Lock()
		in.got = append(in.got, string(b))
		in.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(in.srv.Close)
	u, _ := url.Parse(in.srv.URL)
	in.acct = &domain.Account{Username: "rem", Domain: u.Host, URI: in.srv.URL + "/users/rem", InboxURL: in.srv.URL + "/users/rem/inbox",
		FollowersURL: in.srv.URL + "/users/rem/followers"}
	ctx := context.Background()
	if err := s.App.Store.UpsertRemoteAccount(ctx, &store.RemoteAccount{Account: in.acct}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Store.Follow(ctx, in.acct.ID, follow, store.FollowOptions{URI: in.srv.URL + "/follows/1"}); err != nil {
		t.Fatal(err)
	}
	return in
}

// has reports whether a delivered activity mentions sub.
func (in *heldInbox) has(sub string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, b := range in.got {
		if strings.Contains(b, sub) {
			return true
		}
	}
	return false
}

// stream reads a streaming connection's status updates.
type heldStream struct {
	mu      sync.Mutex
	updates []string // ids
}

func openStream(t *testing.T, s *apitest.Server, query, token string) *heldStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/v1/streaming"+query, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	st := &heldStream{}
	go func() {
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var ev struct {
				Event   string `json:"event"`
				Payload string `json:"payload"`
			}
			var payload struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(b, &ev) == nil && ev.Event == "update" && json.Unmarshal([]byte(ev.Payload), &payload) == nil {
				st.mu.Lock()
				st.updates = append(st.updates, payload.ID)
				st.mu.Unlock()
			}
		}
	}()
	return st
}

func (st *heldStream) has(id string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, u := range st.updates {
		if u == id {
			return true
		}
	}
	return false
}

func heldWait(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func heldIDs(list []map[string]any) []string {
	var out []string
	for _, m := range list {
		out = append(out, m["id"].(string))
	}
	return out
}

func heldContains(list []string, id string) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

// TestHeldPostLifecycle: a spammy post is held: its author sees it,
// nobody else does anywhere (timelines, tag, search, thread, profile,
// notifications, streaming, delivery to another server); an automated
// report is in the queue; a moderator releases it and it is then
// published like a new post. Another held post is decided against through
// the normal decision flow, and the figures count the detection.
func TestHeldPostLifecycle(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		mod := staff(t, s, "mod", domain.RoleModerator)
		admin := staff(t, s, "root", domain.RoleAdmin)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		remote := newInbox(t, s, alice.ID)
		userStream := openStream(t, s, "?stream=user", bob.Token)
		publicStream := openStream(t, s, "?stream=public", bob.Token)
		time.Sleep(200 * time.Millisecond) // the subscriptions are in place

		question := s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "Which watch should I buy? #watches"}).Map(t)["id"].(string)
		spam := map[string]any{"status": "@carol Cheap watches at https://deals.example/w #watches"}
		var last map[string]any
		for range 3 {
			last = s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, spam).Map(t)
		}
		held := last["id"].(string)
		if last["visibility"] != "public" || last["agora_held"] != true {
			t.Fatalf("the author's view of a held post: visibility %v, agora_held %v; want public, true", last["visibility"], last["agora_held"])
		}
		// The same as a reply (public timelines leave replies out: the
		// thread is where a reply would show).
		spam["in_reply_to_id"] = question
		heldReply := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, spam).Map(t)["id"].(string)
		marker := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "An ordinary afternoon"}).Map(t)["id"].(string)

		// Events come in order: once the marker arrived, the held post would have.
		heldWait(t, "the marker on the user stream", func() bool { return userStream.has(marker) })
		heldWait(t, "the marker on the public stream", func() bool { return publicStream.has(marker) })
		heldWait(t, "the marker at the remote follower", func() bool { return remote.has("/statuses/" + marker) })
		for _, id := range []string{held, heldReply} {
			if userStream.has(id) || publicStream.has(id) || remote.has("/statuses/"+id) {
				t.Fatal("a held post was streamed or delivered")
			}
		}

		// The author sees it; nobody else, anywhere.
		if got := s.Must(t, 200, "GET", "/api/v1/statuses/"+held, alice.Token, nil).Map(t); got["id"] != held {
			t.Fatalf("author's view: %v", got)
		}
		s.Must(t, 404, "GET", "/api/v1/statuses/"+held, bob.Token, nil)
		s.Must(t, 404, "GET", "/api/v1/statuses/"+held, "", nil)
		s.Must(t, 404, "GET", "/api/v1/statuses/"+held+"/context", bob.Token, nil)
		leaks := func(released bool) {
			t.Helper()
			for _, c := range []struct{ path, token string }{
				{"/api/v1/timelines/home", bob.Token},
				{"/api/v1/timelines/public", bob.Token},
				{"/api/v1/timelines/public?local=true", ""},
				{"/api/v1/timelines/tag/watches", bob.Token},
				{"/api/v1/timelines/tag/watches", ""},
				{"/api/v1/accounts/" + alice.AccountID + "/statuses", bob.Token},
				{"/api/v1/accounts/" + alice.AccountID + "/statuses", ""},
			} {
				if got := heldContains(heldIDs(s.Must(t, 200, "GET", c.path, c.token, nil).List(t)), held); got != released {
					t.Errorf("%s (token %v): held post listed %v, want %v", c.path, c.token != "", got, released)
				}
			}
			ctx := s.Must(t, 200, "GET", "/api/v1/statuses/"+question+"/context", carol.Token, nil).Map(t)
			var desc []map[string]any
			for _, d := range ctx["descendants"].([]any) {
				desc = append(desc, d.(map[string]any))
			}
			if got := heldContains(heldIDs(desc), heldReply); got != released {
				t.Errorf("thread: held post listed %v, want %v", got, released)
			}
			found := s.Must(t, 200, "GET", "/api/v2/search?type=statuses&q=watches", bob.Token, nil).Map(t)
			var sts []map[string]any
			for _, x := range found["statuses"].([]any) {
				sts = append(sts, x.(map[string]any))
			}
			if heldContains(heldIDs(sts), held) && !released {
				t.Errorf("search lists the held post")
			}
			mentioned := 0
			for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications", carol.Token, nil).List(t) {
				if st, ok := n["status"].(map[string]any); ok && (st["id"] == held || st["id"] == heldReply) {
					mentioned++
				}
			}
			if want := map[bool]int{false: 0, true: 2}[released]; mentioned != want {
				t.Errorf("carol notified of %d held posts, want %d", mentioned, want)
			}
			q := s.Must(t, 200, "GET", "/api/v1/statuses/"+question, carol.Token, nil).Map(t)
			if want := map[bool]float64{false: 0, true: 1}[released]; q["replies_count"] != want {
				t.Errorf("replies_count %v, want %v", q["replies_count"], want)
			}
		}
		leaks(false)
		heldError(t, s.Do(t, "PUT", "/api/v1/statuses/"+held, alice.Token, map[string]any{"status": "edited"}), 422, "held for review")
		heldError(t, s.Do(t, "POST", "/api/v1/statuses/"+held+"/reblog", alice.Token, nil), 422, "held for review")

		// The queue: the held posts, each with an automated spam report
		// carrying the signals.
		s.Must(t, 403, "GET", "/api/agora/v1/admin/statuses/held", bob.Token, nil)
		list := s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held", mod.Token, nil).List(t)
		if len(list) != 2 || list[0]["id"] != held || list[1]["id"] != heldReply || list[0]["visibility"] != "public" ||
			list[0]["status"].(map[string]any)["content"] == "" || len(list[0]["signals"].([]any)) < 2 {
			t.Fatalf("held list: %v", list)
		}
		var report map[string]any
		for _, r := range s.Must(t, 200, "GET", "/api/v1/admin/reports", mod.Token, nil).List(t) {
			if r["id"] == list[0]["report_id"] {
				report = r
			}
		}
		if report == nil || report["category"] != "spam" || report["agora"].(map[string]any)["source"] != "automated" ||
			report["target_account"].(map[string]any)["id"] != alice.AccountID || report["account"] != nil ||
			!strings.Contains(report["comment"].(string), "repeated_link") || !strings.Contains(report["comment"].(string), "repeated_text") {
			t.Fatalf("automated report: %v", report)
		}

		// Release: published now, like a new post.
		s.Must(t, 403, "POST", "/api/agora/v1/admin/statuses/"+held+"/release", alice.Token, nil)
		rel := s.Must(t, 200, "POST", "/api/agora/v1/admin/statuses/"+held+"/release", mod.Token, nil).Map(t)
		if rel["released_at"] == nil || rel["released_by_account_id"] != mod.AccountID {
			t.Fatalf("release: %v", rel)
		}
		s.Must(t, 422, "POST", "/api/agora/v1/admin/statuses/"+held+"/release", mod.Token, nil)
		s.Must(t, 200, "POST", "/api/agora/v1/admin/statuses/"+heldReply+"/release", mod.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/statuses/"+held, bob.Token, nil).Map(t); got["visibility"] != "public" || got["agora_held"] != nil {
			t.Fatalf("released post: %v", got)
		}
		leaks(true)
		heldWait(t, "the released post on the user stream", func() bool { return userStream.has(held) })
		heldWait(t, "the released post at the remote follower", func() bool { return remote.has("/statuses/" + held) })
		if r := s.Must(t, 200, "GET", "/api/v1/admin/reports/"+report["id"].(string), mod.Token, nil).Map(t); r["action_taken"] != true {
			t.Fatalf("report after release: %v", r)
		}
		if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held", mod.Token, nil).List(t); len(got) != 0 {
			t.Fatalf("pending after release: %v", got)
		}

		// Another held post, decided against with a statement of reasons.
		rule := s.Must(t, 200, "POST", "/api/agora/v1/admin/rules", admin.Token, map[string]any{"text": "No spam"}).Map(t)["id"].(string)
		spam2 := map[string]any{"status": "Win a free phone today https://prizes.example/p"}
		for range 3 {
			last = s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, spam2).Map(t)
		}
		held2 := last["id"].(string)
		pending := s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held", mod.Token, nil).List(t)
		if len(pending) != 1 || pending[0]["id"] != held2 {
			t.Fatalf("second held post: %v", pending)
		}
		dec := s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod.Token, map[string]any{"report_id": pending[0]["report_id"],
			"action": "remove", "ground": "terms", "rule_ids": []string{rule}, "explanation": "Repeated advertising"}).Map(t) // automated detection: from the report
		if dec["automated_detection"] != true || dec["automated_decision"] != "AUTOMATED_DECISION_NOT_AUTOMATED" {
			t.Fatalf("decision on a held post: %v", dec)
		}
		s.Must(t, 404, "GET", "/api/v1/statuses/"+held2, alice.Token, nil) // removed: nobody sees it
		s.Must(t, 422, "POST", "/api/agora/v1/admin/statuses/"+held2+"/release", mod.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held", mod.Token, nil).List(t); len(got) != 0 {
			t.Fatalf("pending after the decision: %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held?all=true", mod.Token, nil).List(t); len(got) != 3 {
			t.Fatalf("all held posts: got %d, want 3", len(got))
		}
		period := s.Must(t, 200, "GET", "/api/agora/v1/transparency", "", nil).Map(t)["periods"].([]any)[0].(map[string]any)
		if period["notices_by_source"].(map[string]any)["automated"] != 3.0 || period["automated_detections"] != 4.0 ||
			period["manual_decisions"] != 1.0 || period["automated_decisions"] != 3.0 || period["held_posts_released"] != 2.0 {
			t.Fatalf("transparency: %v", period)
		}
	})
}

// TestOrdinaryPostsNotHeld: 50 ordinary, varied posts (links, hashtags,
// mentions of people one follows, replies) are never held.
func TestOrdinaryPostsNotHeld(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		mod := staff(t, s, "mod", domain.RoleModerator)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		topic := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "What is happening in town this week?"}).Map(t)["id"].(string)
		subjects := []string{"the tram works", "the library hours", "the farmers' market", "the council vote", "the river cleanup"}
		for i := range 50 {
			body := map[string]any{"status": fmt.Sprintf("Update %d on %s: open from %d:00. #town%d", i, subjects[i%5], 7+i%10, i%4)}
			switch i % 5 {
			case 1:
				body["status"] = fmt.Sprintf("%s More at https://news%d.example/story/%d", body["status"], i%3, i)
			case 2:
				body["status"] = fmt.Sprintf("@bob %s", body["status"])
				body["in_reply_to_id"] = topic
			case 3:
				body["visibility"] = "unlisted"
			}
			got := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, body).Map(t)
			if got["agora_held"] != nil {
				t.Fatalf("post %d held: %v", i, body["status"])
			}
		}
		if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held?all=true", mod.Token, nil).List(t); len(got) != 0 {
			t.Fatalf("held: %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses?limit=40", bob.Token, nil).List(t); len(got) != 40 {
			t.Fatalf("bob sees %d of alice's posts, want 40", len(got))
		}
	})
}

// TestAbuseConfiguration: the operator's settings reach the posting path:
// no new-account window, and a listed spam domain holds a post at once.
func TestAbuseConfiguration(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		mal := signedUp(t, s, "mallory")
		s.Must(t, 200, "POST", "/api/v1/statuses", mal.Token, map[string]any{"status": "see https://news.example/a"})
		got := s.Must(t, 200, "POST", "/api/v1/statuses", mal.Token, map[string]any{"status": "see https://www.spam.example/a"}).Map(t)
		if got["agora_held"] != true {
			t.Fatalf("a link to a listed domain: agora_held %v, want true", got["agora_held"])
		}
	}, "AGORA_NEW_ACCOUNT_HOURS=0", "AGORA_SPAM_LINK_DOMAINS=spam.example")
}

package mastodon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/statuses"
)

// stFollow, stBlock and stMute write the social graph directly: the
// graph service is built separately and these tests must not depend on it.
func stFollow(t *testing.T, s *apitest.Server, from, to *apitest.User) {
	t.Helper()
	stExec(t, s, `INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, 0)`, int64(s.App.Store.IDs.Next()), int64(from.ID), int64(to.ID))
}

func stBlock(t *testing.T, s *apitest.Server, from, to *apitest.User) {
	t.Helper()
	stExec(t, s, `INSERT INTO blocks (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, 0)`, int64(s.App.Store.IDs.Next()), int64(from.ID), int64(to.ID))
}

func stMute(t *testing.T, s *apitest.Server, from, to *apitest.User) {
	t.Helper()
	stExec(t, s, `INSERT INTO mutes (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, 0)`, int64(s.App.Store.IDs.Next()), int64(from.ID), int64(to.ID))
}

func stExec(t *testing.T, s *apitest.Server, q string, args ...any) {
	t.Helper()
	if _, err := s.App.Store.DB.W.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// stPost creates a status and returns its id.
func stPost(t *testing.T, s *apitest.Server, u *apitest.User, body map[string]any) string {
	t.Helper()
	return s.Must(t, 200, "POST", "/api/v1/statuses", u.Token, body).Map(t)["id"].(string)
}

// stIDs returns the ids of a list of statuses (or accounts).
func stIDs(list []map[string]any) []string {
	out := []string{}
	for _, m := range list {
		out = append(out, m["id"].(string))
	}
	return out
}

func TestStatusPrivacyMatrix(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		author := s.NewUser(t, "author")
		follower := s.NewUser(t, "follower")
		mentioned := s.NewUser(t, "mentioned")
		stranger := s.NewUser(t, "stranger")
		blocked := s.NewUser(t, "blocked")
		stFollow(t, s, follower, author)
		stBlock(t, s, author, blocked)

		root := stPost(t, s, author, map[string]any{"status": "root", "visibility": "public"})
		vis := []string{"public", "unlisted", "private", "direct"}
		byVis := map[string]string{}
		for _, v := range vis {
			byVis[v] = stPost(t, s, author, map[string]any{"status": v + " for @mentioned", "visibility": v, "in_reply_to_id": root})
		}
		// The same status as every reader sees it through each endpoint.
		readers := []struct {
			name  string
			token string
			user  *apitest.User
			sees  []string // visibilities the reader may see
			home  []string // visibilities in the reader's home feed
			pub   bool     // sees the public timeline's post
		}{
			{"author", author.Token, author, vis, vis, true},
			{"follower", follower.Token, follower, []string{"public", "unlisted", "private"}, []string{"public", "unlisted", "private"}, true},
			{"mentioned", mentioned.Token, mentioned, vis, []string{"direct"}, true},
			{"stranger", stranger.Token, stranger, []string{"public", "unlisted"}, nil, true},
			{"blocked", blocked.Token, blocked, nil, nil, false},
			{"logged out", "", nil, []string{"public", "unlisted"}, nil, true},
		}
		for _, rd := range readers {
			t.Run(rd.name, func(t *testing.T) {
				var want []string
				for _, v := range vis {
					r := s.Do(t, "GET", "/api/v1/statuses/"+byVis[v], rd.token, nil)
					if sees := slices.Contains(rd.sees, v); sees != (r.Status == 200) {
						t.Errorf("GET %s status: got %d, want visible=%v", v, r.Status, sees)
					} else if !sees && r.Status != 404 {
						t.Errorf("GET hidden %s status: got %d, want 404", v, r.Status)
					}
					fb := s.Do(t, "GET", "/api/v1/statuses/"+byVis[v]+"/favourited_by", rd.token, nil)
					if sees := slices.Contains(rd.sees, v); sees != (fb.Status == 200) {
						t.Errorf("favourited_by %s: got %d, want visible=%v", v, fb.Status, sees)
					}
					if slices.Contains(rd.sees, v) {
						want = append(want, byVis[v])
					}
				}
				// Context of the root: only the visible replies.
				if rd.name == "blocked" {
					s.Must(t, 404, "GET", "/api/v1/statuses/"+root+"/context", rd.token, nil)
					s.Must(t, 404, "GET", "/api/v1/statuses/"+root, rd.token, nil)
				} else {
					c := s.Must(t, 200, "GET", "/api/v1/statuses/"+root+"/context", rd.token, nil).Map(t)
					var got []string
					for _, d := range c["descendants"].([]any) {
						got = append(got, d.(map[string]any)["id"].(string))
					}
					if !slices.Equal(got, want) {
						t.Errorf("context descendants = %v, want %v", got, want)
					}
				}
				// Batch get.
				q := url.Values{"id[]": {byVis["public"], byVis["unlisted"], byVis["private"], byVis["direct"]}}
				if got := stIDs(s.Must(t, 200, "GET", "/api/v1/statuses?"+q.Encode(), rd.token, nil).List(t)); !slices.Equal(got, want) {
					t.Errorf("batch = %v, want %v", got, want)
				}
				// Account statuses, newest first, with the root.
				wantAcct := []string{}
				if rd.name != "blocked" {
					wantAcct = append(append(wantAcct, want...), root)
					slices.Reverse(wantAcct[:len(wantAcct)-1])
				}
				if got := stIDs(s.Must(t, 200, "GET", "/api/v1/accounts/"+author.AccountID+"/statuses", rd.token, nil).List(t)); !slices.Equal(got, wantAcct) {
					t.Errorf("account statuses = %v, want %v", got, wantAcct)
				}
				// Public timeline: the public post (a self-reply) and the root.
				wantPub := []string{}
				if rd.pub {
					wantPub = []string{byVis["public"], root}
				}
				if got := stIDs(s.Must(t, 200, "GET", "/api/v1/timelines/public", rd.token, nil).List(t)); !slices.Equal(got, wantPub) {
					t.Errorf("public timeline = %v, want %v", got, wantPub)
				}
				if rd.user == nil {
					s.Must(t, 401, "GET", "/api/v1/timelines/home", "", nil)
					return
				}
				wantHome := []string{}
				for i := len(vis) - 1; i >= 0; i-- {
					if slices.Contains(rd.home, vis[i]) {
						wantHome = append(wantHome, byVis[vis[i]])
					}
				}
				if rd.name == "author" || rd.name == "follower" {
					wantHome = append(wantHome, root)
				}
				if got := stIDs(s.Must(t, 200, "GET", "/api/v1/timelines/home", rd.token, nil).List(t)); !slices.Equal(got, wantHome) {
					t.Errorf("home = %v, want %v", got, wantHome)
				}
				// Notifications: only the mentioned reader has any, one per
				// visibility (the direct one from a stranger is filtered by the
				// default notification policy, so filtered ones are asked for too).
				ns := s.Must(t, 200, "GET", "/api/v1/notifications?include_filtered=true", rd.token, nil).List(t)
				wantN := 0
				if rd.name == "mentioned" {
					wantN = 4
				}
				if len(ns) != wantN {
					t.Errorf("notifications = %d, want %d", len(ns), wantN)
				}
			})
		}
		// A block by the author also hides what the reader boosted from
		// them, and a block in the other direction hides the author too.
		stBlock(t, s, stranger, author)
		s.Must(t, 404, "GET", "/api/v1/statuses/"+byVis["public"], stranger.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/timelines/public", stranger.Token, nil).List(t); len(got) != 0 {
			t.Errorf("public timeline after blocking the author has %d statuses", len(got))
		}
		// A mute hides the author from home but not from a direct read.
		stMute(t, s, follower, author)
		if got := s.Must(t, 200, "GET", "/api/v1/timelines/home", follower.Token, nil).List(t); len(got) != 0 {
			t.Errorf("home after muting the author has %d statuses", len(got))
		}
		s.Must(t, 200, "GET", "/api/v1/statuses/"+byVis["private"], follower.Token, nil)
	})
}

func TestPostingContentAndEntity(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{
			"status":       {"Hi @bob and @nobody <b>&\n\nsee https://example.org/a_very_long_path/that/goes/on/and/on #Go #go"},
			"spoiler_text": {"cw"}, "language": {"en"},
		}).Map(t)
		base := s.URL
		wantContent := `<p>Hi <span class="h-card" translate="no"><a href="` + base + `/@bob" class="u-url mention">@<span>bob</span></a></span> and @nobody &lt;b&gt;&amp;</p>` +
			`<p>see <a href="https://example.org/a_very_long_path/that/goes/on/and/on" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">example.org/a_very_long_path/t</span><span class="invisible">hat/goes/on/and/on</span></a> ` +
			`<a href="` + base + `/tags/go" class="mention hashtag" rel="tag">#<span>Go</span></a> <a href="` + base + `/tags/go" class="mention hashtag" rel="tag">#<span>go</span></a></p>`
		if st["content"] != wantContent {
			t.Errorf("content =\n%s\nwant\n%s", st["content"], wantContent)
		}
		if st["sensitive"] != true || st["spoiler_text"] != "cw" || st["language"] != "en" || st["visibility"] != "public" {
			t.Errorf("fields: %v", st)
		}
		for _, k := range []string{"reblog", "card", "edited_at", "in_reply_to_id", "in_reply_to_account_id", "poll"} {
			if v, ok := st[k]; !ok || v != nil {
				t.Errorf("%s = %v (present %v), want null", k, v, ok)
			}
		}
		for _, k := range []string{"media_attachments", "emojis", "filtered"} {
			if l, ok := st[k].([]any); !ok || len(l) != 0 {
				t.Errorf("%s = %v, want []", k, st[k])
			}
		}
		ms := st["mentions"].([]any)
		if len(ms) != 1 || ms[0].(map[string]any)["acct"] != "bob" || ms[0].(map[string]any)["id"] != bob.AccountID {
			t.Errorf("mentions = %v", ms)
		}
		tags := st["tags"].([]any)
		if len(tags) != 1 || tags[0].(map[string]any)["name"] != "go" {
			t.Errorf("tags = %v", tags)
		}
		if st["favourited"] != false || st["pinned"] != false || st["muted"] != false {
			t.Errorf("viewer fields: favourited %v pinned %v muted %v", st["favourited"], st["pinned"], st["muted"])
		}
		anon := s.Must(t, 200, "GET", "/api/v1/statuses/"+st["id"].(string), "", nil).Map(t)
		if _, ok := anon["favourited"]; ok {
			t.Errorf("anonymous rendering has favourited")
		}
		acct := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID, "", nil).Map(t)
		if acct["statuses_count"] != float64(1) || acct["last_status_at"] == nil {
			t.Errorf("account counters: %v %v", acct["statuses_count"], acct["last_status_at"])
		}
		// Tag timeline: any/all/none.
		other := stPost(t, s, bob, map[string]any{"status": "#rust and #go"})
		cases := []struct {
			q    string
			want []string
		}{
			{"/api/v1/timelines/tag/go", []string{other, st["id"].(string)}},
			{"/api/v1/timelines/tag/GO?all[]=rust", []string{other}},
			{"/api/v1/timelines/tag/go?none[]=rust", []string{st["id"].(string)}},
			{"/api/v1/timelines/tag/nothing?any[]=rust", []string{other}},
		}
		for _, c := range cases {
			if got := stIDs(s.Must(t, 200, "GET", c.q, "", nil).List(t)); !slices.Equal(got, c.want) {
				t.Errorf("%s = %v, want %v", c.q, got, c.want)
			}
		}
		if got := stIDs(s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses?tagged=go", "", nil).List(t)); len(got) != 1 {
			t.Errorf("tagged = %v", got)
		}
		// Mention notification for bob.
		ns := s.Must(t, 200, "GET", "/api/v1/notifications", bob.Token, nil).List(t)
		if len(ns) != 1 || ns[0]["type"] != "mention" || ns[0]["status"].(map[string]any)["id"] != st["id"] {
			t.Errorf("notifications = %v", ns)
		}
	})
}

func TestPostingValidation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		cases := []struct {
			name string
			body map[string]any
			want int
		}{
			{"too long", map[string]any{"status": strings.Repeat("a", 501)}, 422},
			{"spoiler counts", map[string]any{"status": strings.Repeat("a", 490), "spoiler_text": strings.Repeat("b", 11)}, 422},
			{"blank", map[string]any{"status": "  "}, 422},
			{"bad visibility", map[string]any{"status": "x", "visibility": "secret"}, 422},
			{"bad language", map[string]any{"status": "x", "language": "english"}, 422},
			{"media", map[string]any{"status": "x", "media_ids": []string{"1"}}, 422},
			{"scheduled too soon", map[string]any{"status": "x", "scheduled_at": time.Now().Add(time.Minute).Format(time.RFC3339)}, 422},
			{"scheduled blank", map[string]any{"status": "", "scheduled_at": "2030-01-01T00:00:00Z"}, 422},
			{"bad scheduled", map[string]any{"status": "x", "scheduled_at": "tomorrow"}, 422},
			{"one option", map[string]any{"status": "x", "poll": map[string]any{"options": []string{"a"}, "expires_in": 600}}, 422},
			{"five options", map[string]any{"status": "x", "poll": map[string]any{"options": []string{"a", "b", "c", "d", "e"}, "expires_in": 600}}, 422},
			{"long option", map[string]any{"status": "x", "poll": map[string]any{"options": []string{"a", strings.Repeat("b", 51)}, "expires_in": 600}}, 422},
			{"short poll", map[string]any{"status": "x", "poll": map[string]any{"options": []string{"a", "b"}, "expires_in": 10}}, 422},
			{"long poll", map[string]any{"status": "x", "poll": map[string]any{"options": []string{"a", "b"}, "expires_in": 2629747}}, 422},
			{"bad reply id", map[string]any{"status": "x", "in_reply_to_id": "abc"}, 422},
			{"unknown reply", map[string]any{"status": "x", "in_reply_to_id": "12345"}, 404},
			{"bad sensitive", map[string]any{"status": "x", "sensitive": "maybe"}, 422},
			// Links count 23 and remote mentions their username only.
			{"long link fits", map[string]any{"status": strings.Repeat("a", 470) + " https://example.org/" + strings.Repeat("x", 100)}, 200},
			{"exactly 500", map[string]any{"status": strings.Repeat("é", 500)}, 200},
		}
		for _, c := range cases {
			r := s.Do(t, "POST", "/api/v1/statuses", alice.Token, c.body)
			if r.Status != c.want {
				t.Errorf("%s: got %d, want %d (%s)", c.name, r.Status, c.want, r.Body)
			} else if c.want == 422 && r.Map(t)["error"] == "" {
				t.Errorf("%s: 422 without a message", c.name)
			}
		}
		s.Must(t, 401, "POST", "/api/v1/statuses", "", map[string]any{"status": "x"})
		s.Must(t, 404, "GET", "/api/v1/statuses/nope", "", nil)
		s.Must(t, 422, "GET", "/api/v1/timelines/public?limit=abc", "", nil)
		s.Must(t, 422, "GET", "/api/v1/notifications?types[]=bogus", alice.Token, nil)
	})
}

func TestIdempotencyAndReplies(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		send := func(key, text string) string {
			req := map[string]any{"status": text}
			b, _ := json.Marshal(req)
			hr, _ := http.NewRequest("POST", s.URL+"/api/v1/statuses", bytes.NewReader(b))
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Authorization", "Bearer "+alice.Token)
			hr.Header.Set("Idempotency-Key", key)
			res, err := s.Client().Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var m map[string]any
			if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != 200 {
				t.Fatalf("post: %d %v %v", res.StatusCode, m, err)
			}
			return m["id"].(string)
		}
		a1, a2, b := send("k1", "one"), send("k1", "one again"), send("k2", "two")
		if a1 != a2 || a1 == b {
			t.Errorf("idempotency: %s %s %s", a1, a2, b)
		}
		acct := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID, "", nil).Map(t)
		if acct["statuses_count"] != float64(2) {
			t.Errorf("statuses_count = %v, want 2", acct["statuses_count"])
		}
		// A reply to a private status stays private; replies are counted.
		stFollow(t, s, bob, alice)
		priv := stPost(t, s, alice, map[string]any{"status": "secret", "visibility": "private"})
		reply := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "@alice yes", "in_reply_to_id": priv, "visibility": "public"}).Map(t)
		if reply["visibility"] != "private" || reply["in_reply_to_id"] != priv || reply["in_reply_to_account_id"] != alice.AccountID {
			t.Errorf("reply: %v %v %v", reply["visibility"], reply["in_reply_to_id"], reply["in_reply_to_account_id"])
		}
		if got := s.Must(t, 200, "GET", "/api/v1/statuses/"+priv, alice.Token, nil).Map(t)["replies_count"]; got != float64(1) {
			t.Errorf("replies_count = %v", got)
		}
		// Someone who cannot see the parent cannot reply to it.
		carol := s.NewUser(t, "carol")
		s.Must(t, 404, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "hi", "in_reply_to_id": priv})
		// Default visibility comes from the preferences.
		stExec(t, s, `UPDATE users SET preferences = $1 WHERE id = $2`, `{"posting:default:visibility":"unlisted"}`, int64(carol.UserID))
		if v := s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "hi"}).Map(t)["visibility"]; v != "unlisted" {
			t.Errorf("default visibility = %v", v)
		}
	})
}

func TestTimelinePagination(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		var all []string // newest first
		for i := range 5 {
			all = append([]string{stPost(t, s, alice, map[string]any{"status": fmt.Sprint("post ", i)})}, all...)
		}
		for _, path := range []string{"/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/accounts/" + alice.AccountID + "/statuses"} {
			r := s.Must(t, 200, "GET", path+"?limit=2", alice.Token, nil)
			if got := stIDs(r.List(t)); !slices.Equal(got, all[:2]) {
				t.Fatalf("%s first page = %v, want %v", path, got, all[:2])
			}
			link := r.Header.Get("Link")
			wantNext := "<" + s.URL + path + "?limit=2&max_id=" + all[1] + `>; rel="next"`
			wantPrev := "<" + s.URL + path + "?limit=2&min_id=" + all[0] + `>; rel="prev"`
			if link != wantNext+", "+wantPrev {
				t.Errorf("%s Link = %s, want %s, %s", path, link, wantNext, wantPrev)
			}
			pages := []struct {
				q    string
				want []string
			}{
				{"?limit=2&max_id=" + all[1], all[2:4]},
				{"?max_id=" + all[3], all[4:]},
				{"?since_id=" + all[3], all[:3]},
				{"?limit=2&since_id=" + all[4], all[:2]},
				{"?limit=2&min_id=" + all[4], all[2:4]},
				{"?min_id=" + all[0], nil},
			}
			for _, p := range pages {
				got := stIDs(s.Must(t, 200, "GET", path+p.q, alice.Token, nil).List(t))
				if !slices.Equal(got, append([]string{}, p.want...)) && !(len(got) == 0 && len(p.want) == 0) {
					t.Errorf("%s%s = %v, want %v", path, p.q, got, p.want)
				}
			}
		}
		// Limits are capped, not refused.
		if got := s.Must(t, 200, "GET", "/api/v1/timelines/public?limit=1000", "", nil).List(t); len(got) != 5 {
			t.Errorf("capped limit returned %d", len(got))
		}
	})
}

func TestEditAndHistory(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		id := stPost(t, s, alice, map[string]any{"status": "first #one"})
		// Bob boosts it, so he hears about the edit.
		s.Must(t, 200, "POST", "/api/v1/statuses/"+id+"/reblog", bob.Token, nil)
		s.Must(t, 403, "PUT", "/api/v1/statuses/"+id, bob.Token, map[string]any{"status": "hacked"})
		s.Must(t, 422, "PUT", "/api/v1/statuses/"+id, alice.Token, map[string]any{"status": strings.Repeat("x", 501)})
		ed := s.Must(t, 200, "PUT", "/api/v1/statuses/"+id, alice.Token, map[string]any{"status": "second #two @bob", "spoiler_text": "cw"}).Map(t)
		if ed["edited_at"] == nil || !strings.Contains(ed["content"].(string), "second") || ed["spoiler_text"] != "cw" {
			t.Errorf("edited: %v", ed)
		}
		if tags := ed["tags"].([]any); len(tags) != 1 || tags[0].(map[string]any)["name"] != "two" {
			t.Errorf("tags after edit = %v", tags)
		}
		h := s.Must(t, 200, "GET", "/api/v1/statuses/"+id+"/history", "", nil).List(t)
		if len(h) != 2 || !strings.Contains(h[0]["content"].(string), "first") || !strings.Contains(h[1]["content"].(string), "second") {
			t.Errorf("history = %v", h)
		}
		src := s.Must(t, 200, "GET", "/api/v1/statuses/"+id+"/source", alice.Token, nil).Map(t)
		if src["text"] != "second #two @bob" || src["spoiler_text"] != "cw" {
			t.Errorf("source = %v", src)
		}
		var types []string
		for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications", bob.Token, nil).List(t) {
			types = append(types, n["type"].(string))
		}
		slices.Sort(types)
		if !slices.Equal(types, []string{"mention", "update"}) {
			t.Errorf("bob's notifications = %v, want mention and update", types)
		}
		// Delete returns the text for redrafting and removes it everywhere.
		del := s.Must(t, 200, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil).Map(t)
		if del["text"] != "second #two @bob" {
			t.Errorf("deleted text = %v", del["text"])
		}
		s.Must(t, 404, "GET", "/api/v1/statuses/"+id, alice.Token, nil)
		for _, u := range []*apitest.User{alice, bob} {
			if got := s.Must(t, 200, "GET", "/api/v1/timelines/home", u.Token, nil).List(t); len(got) != 0 {
				t.Errorf("home of %s after delete = %v", u.Username, stIDs(got))
			}
			acct := s.Must(t, 200, "GET", "/api/v1/accounts/"+u.AccountID, "", nil).Map(t)
			if acct["statuses_count"] != float64(0) {
				t.Errorf("%s statuses_count = %v after delete", u.Username, acct["statuses_count"])
			}
		}
		s.Must(t, 404, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil)
	})
}

func TestScheduledStatuses(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		at := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Second)
		sch := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{
			"status": "later", "visibility": "unlisted", "scheduled_at": at.Format(time.RFC3339),
		}).Map(t)
		id := sch["id"].(string)
		params := sch["params"].(map[string]any)
		if params["text"] != "later" || params["visibility"] != "unlisted" || sch["scheduled_at"] != at.Format("2006-01-02T15:04:05.000Z") {
			t.Errorf("scheduled status = %v", sch)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/scheduled_statuses", alice.Token, nil).List(t); len(got) != 1 || got[0]["id"] != id {
			t.Errorf("list = %v", got)
		}
		s.Must(t, 404, "GET", "/api/v1/scheduled_statuses/"+id, bob.Token, nil)
		s.Must(t, 422, "PUT", "/api/v1/scheduled_statuses/"+id, alice.Token, map[string]any{"scheduled_at": time.Now().Format(time.RFC3339)})
		later := at.Add(time.Hour)
		moved := s.Must(t, 200, "PUT", "/api/v1/scheduled_statuses/"+id, alice.Token, map[string]any{"scheduled_at": later.Format(time.RFC3339)}).Map(t)
		if moved["scheduled_at"] != later.Format("2006-01-02T15:04:05.000Z") {
			t.Errorf("rescheduled to %v", moved["scheduled_at"])
		}
		if got := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses", alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("published early: %v", got)
		}
		// The job publishes it once it is due, once.
		svc := statuses.New(s.App.Cfg, s.App.Store)
		if n, err := svc.PublishDue(t.Context()); err != nil || n != 0 {
			t.Fatalf("PublishDue before due = %d, %v", n, err)
		}
		stExec(t, s, `UPDATE scheduled_statuses SET scheduled_at = 1`)
		for want := 1; want >= 0; want-- {
			if n, err := svc.PublishDue(t.Context()); err != nil || n != want {
				t.Fatalf("PublishDue = %d, %v; want %d", n, err, want)
			}
		}
		got := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/statuses", alice.Token, nil).List(t)
		if len(got) != 1 || got[0]["visibility"] != "unlisted" || got[0]["content"] != "<p>later</p>" {
			t.Errorf("published = %v", got)
		}
		s.Must(t, 404, "GET", "/api/v1/scheduled_statuses/"+id, alice.Token, nil)
		// Deleting a scheduled status.
		id2 := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x", "scheduled_at": at.Format(time.RFC3339)}).Map(t)["id"].(string)
		s.Must(t, 404, "DELETE", "/api/v1/scheduled_statuses/"+id2, bob.Token, nil)
		s.Must(t, 200, "DELETE", "/api/v1/scheduled_statuses/"+id2, alice.Token, nil)
		s.Must(t, 404, "DELETE", "/api/v1/scheduled_statuses/"+id2, alice.Token, nil)
	})
}

package federation_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/federation"
	"github.com/agora-social/agora/internal/store"
)

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }

func TestInboundFollowAndUndo(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		follow := r.send(t, s, jsonMap{"type": "Follow", "object": s.actorURI("alice")})
		bob := s.remoteAccount(t, r, alice.token)
		if rel := s.relationship(t, alice, bob); rel["followed_by"] != true {
			t.Fatalf("after Follow: %v", rel)
		}
		if n := s.notifications(t, alice, "follow"); len(n) != 1 {
			t.Fatalf("follow notifications: %d, want 1", len(n))
		}
		// The account was stored from its actor document.
		var acct jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/"+bob, alice.token, nil, &acct)
		if acct["acct"] != "bob@"+r.host() || acct["uri"] != r.actor {
			t.Errorf("account %v", acct)
		}
		r.send(t, s, jsonMap{"type": "Undo", "object": jsonMap{"id": follow, "type": "Follow", "actor": r.actor, "object": s.actorURI("alice")}})
		if rel := s.relationship(t, alice, bob); rel["followed_by"] != false {
			t.Fatalf("after Undo: %v", rel)
		}

		// A locked account gets a follow request.
		carol := s.newUserToken(t, "carol")
		var prof jsonMap
		s.mustAPI(t, "PATCH", "/api/v1/accounts/update_credentials", carol.token, url.Values{"locked": {"true"}}, &prof)
		r.send(t, s, jsonMap{"type": "Follow", "object": s.actorURI("carol")})
		var reqs []jsonMap
		s.mustAPI(t, "GET", "/api/v1/follow_requests", carol.token, nil, &reqs)
		if len(reqs) != 1 || reqs[0]["id"] != bob {
			t.Fatalf("follow requests %v", reqs)
		}
		if rel := s.relationship(t, carol, bob); rel["followed_by"] != false || rel["requested_by"] != true {
			t.Fatalf("locked: %v", rel)
		}
	})
}

func TestInboundAcceptRejectAndNotes(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		bob := s.followRemote(t, r, alice)
		mine := s.post(t, alice, "hello fediverse")

		// A public note with a content warning, a hashtag, a mention of
		// alice, a language and some HTML to sanitize.
		note := r.note("/notes/1", `<p>Hi <span class="h-card"><a href="`+s.actorURI("alice")+`" class="u-url mention">@alice</a></span> <a href="https://example.org/tags/agora" rel="tag">#agora</a><script>alert(1)</script><img src=x onerror=alert(2)></p>`, jsonMap{
			"summary": "spoilers", "sensitive": true, "contentMap": jsonMap{"fr": "ignored when content is set"},
			"tag":       []jsonMap{{"type": "Mention", "href": s.actorURI("alice"), "name": "@alice"}, {"type": "Hashtag", "name": "#Agora", "href": "https://example.org/tags/agora"}},
			"inReplyTo": mine["uri"],
		})
		r.create(t, s, note)
		st, ok := s.statusByURI(t, alice, r.URL+"/notes/1")
		if !ok {
			t.Fatal("note not stored")
		}
		content := st["content"].(string)
		if strings.Contains(content, "script") || strings.Contains(content, "alert") || strings.Contains(content, "<img") ||
			!strings.Contains(content, `rel="nofollow noreferrer noopener" target="_blank"`) || !strings.Contains(content, `class="u-url mention"`) {
			t.Errorf("content not sanitized: %s", content)
		}
		if st["spoiler_text"] != "spoilers" || st["sensitive"] != true || st["language"] != "fr" || st["visibility"] != "public" {
			t.Errorf("status %v", st)
		}
		if tags := st["tags"].([]any); len(tags) != 1 || tags[0].(jsonMap)["name"] != "agora" {
			t.Errorf("tags %v", st["tags"])
		}
		if st["in_reply_to_id"] != mine["id"] {
			t.Errorf("in_reply_to_id %v, want %v", st["in_reply_to_id"], mine["id"])
		}
		if n := s.notifications(t, alice, "mention"); len(n) != 1 {
			t.Errorf("mention notifications: %d, want 1", len(n))
		}
		if !inTimeline(s.home(t, alice), st["id"].(string)) {
			t.Error("a followed account's note is not in the home timeline")
		}

		// A reply to a note not known yet: the parent is fetched.
		r.serve("/notes/parent", r.note("/notes/parent", "<p>the parent</p>", nil))
		r.create(t, s, r.note("/notes/child", "<p>the child</p>", jsonMap{"inReplyTo": r.URL + "/notes/parent"}))
		child, ok := s.statusByURI(t, alice, r.URL+"/notes/child")
		if !ok {
			t.Fatal("reply not stored")
		}
		var thread struct{ Ancestors []jsonMap }
		s.mustAPI(t, "GET", "/api/v1/statuses/"+child["id"].(string)+"/context", alice.token, nil, &thread)
		if len(thread.Ancestors) != 1 || thread.Ancestors[0]["uri"] != r.URL+"/notes/parent" {
			t.Errorf("ancestors %v", thread.Ancestors)
		}

		// Update keeps the history.
		edited := r.note("/notes/1", "<p>edited</p>", jsonMap{"updated": "2099-01-01T00:00:00Z"})
		r.send(t, s, jsonMap{"type": "Update", "object": edited})
		st, _ = s.statusByURI(t, alice, r.URL+"/notes/1")
		if !strings.Contains(st["content"].(string), "edited") || st["edited_at"] == nil {
			t.Errorf("after Update: %v", st)
		}
		var history []jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+st["id"].(string)+"/history", alice.token, nil, &history)
		if len(history) != 2 {
			t.Errorf("history has %d versions, want 2", len(history))
		}

		// Delete removes it.
		r.send(t, s, jsonMap{"type": "Delete", "object": jsonMap{"id": r.URL + "/notes/1", "type": "Tombstone"}})
		if _, ok := s.statusByURI(t, alice, r.URL+"/notes/1"); ok {
			t.Error("note still there after Delete")
		}

		// Reject of the accepted follow ends it.
		r.send(t, s, jsonMap{"type": "Reject", "object": jsonMap{"type": "Follow", "actor": s.actorURI("alice"), "object": r.actor}})
		if rel := s.relationship(t, alice, bob); rel["following"] != false {
			t.Errorf("after Reject: %v", rel)
		}
	})
}

func inTimeline(items []jsonMap, id string) bool {
	for _, it := range items {
		if it["id"] == id {
			return true
		}
		if rb, ok := it["reblog"].(jsonMap); ok && rb["id"] == id {
			return true
		}
	}
	return false
}

func TestInboundVisibilityAndPolls(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		pub := "https://www.w3.org/ns/activitystreams#Public"
		followers := r.actor + "/followers"
		cases := []struct {
			path   string
			to, cc []string
			want   string
		}{
			{"/v/public", []string{pub}, []string{followers}, "public"},
			{"/v/unlisted", []string{followers}, []string{pub}, "unlisted"},
			{"/v/private", []string{followers}, nil, "private"},
			{"/v/direct", []string{s.actorURI("alice")}, nil, "direct"},
		}
		for _, c := range cases {
			r.create(t, s, r.note(c.path, "<p>"+c.want+"</p>", jsonMap{"to": c.to, "cc": c.cc}))
			st, ok := s.statusByURI(t, alice, r.URL+c.path)
			if !ok || st["visibility"] != c.want {
				t.Errorf("%s: %v, want visibility %s", c.path, st, c.want)
			}
		}
		// A poll (anyOf: several choices).
		r.create(t, s, r.note("/q/1", "<p>Which?</p>", jsonMap{"type": "Question", "endTime": "2099-01-01T00:00:00Z",
			"anyOf": []jsonMap{{"type": "Note", "name": "one"}, {"type": "Note", "name": "two"}}}))
		st, ok := s.statusByURI(t, alice, r.URL+"/q/1")
		if !ok {
			t.Fatal("question not stored")
		}
		poll, _ := st["poll"].(jsonMap)
		if poll == nil || poll["multiple"] != true || len(poll["options"].([]any)) != 2 {
			t.Errorf("poll %v", st["poll"])
		}
		// An article is a link post; a quote is a link at the end.
		r.create(t, s, r.note("/a/1", "<p>long text</p>", jsonMap{"type": "Article", "name": "A title", "url": "https://blog.example/a/1"}))
		if st, ok := s.statusByURI(t, alice, r.URL+"/a/1"); !ok || !strings.Contains(st["content"].(string), "A title") ||
			!strings.Contains(st["content"].(string), `href="https://blog.example/a/1"`) || strings.Contains(st["content"].(string), "long text") {
			t.Errorf("article %v", st)
		}
		r.create(t, s, r.note("/quote/1", "<p>look</p>", jsonMap{"quoteUri": "https://else.example/notes/9"}))
		if st, ok := s.statusByURI(t, alice, r.URL+"/quote/1"); !ok || !strings.Contains(st["content"].(string), `href="https://else.example/notes/9"`) {
			t.Errorf("quote %v", st)
		}
	})
}

func TestInboundAnnounceLikeBlock(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		bob := s.followRemote(t, r, alice)
		mine := s.post(t, alice, "boost me")

		like := r.send(t, s, jsonMap{"type": "Like", "object": mine["uri"]})
		var st jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+mine["id"].(string), alice.token, nil, &st)
		if st["favourites_count"] != float64(1) || len(s.notifications(t, alice, "favourite")) != 1 {
			t.Fatalf("after Like: %v", st)
		}
		r.send(t, s, jsonMap{"type": "Undo", "object": like})
		s.mustAPI(t, "GET", "/api/v1/statuses/"+mine["id"].(string), alice.token, nil, &st)
		if st["favourites_count"] != float64(0) || len(s.notifications(t, alice, "favourite")) != 0 {
			t.Fatalf("after Undo Like: %v", st)
		}

		boost := r.send(t, s, jsonMap{"type": "Announce", "object": mine["uri"], "to": []string{"https://www.w3.org/ns/activitystreams#Public"}})
		s.mustAPI(t, "GET", "/api/v1/statuses/"+mine["id"].(string), alice.token, nil, &st)
		if st["reblogs_count"] != float64(1) || len(s.notifications(t, alice, "reblog")) != 1 {
			t.Fatalf("after Announce: %v", st)
		}
		r.send(t, s, jsonMap{"type": "Undo", "object": jsonMap{"id": boost, "type": "Announce", "actor": r.actor, "object": mine["uri"]}})
		s.mustAPI(t, "GET", "/api/v1/statuses/"+mine["id"].(string), alice.token, nil, &st)
		if st["reblogs_count"] != float64(0) {
			t.Fatalf("after Undo Announce: %v", st)
		}

		// A boost of a remote note unknown here: fetched, and in the feed.
		other := newRemote(t)
		other.serve("/notes/x", other.note("/notes/x", "<p>from elsewhere</p>", nil))
		r.send(t, s, jsonMap{"type": "Announce", "object": other.URL + "/notes/x", "to": []string{"https://www.w3.org/ns/activitystreams#Public"}})
		orig, ok := s.statusByURI(t, alice, other.URL+"/notes/x")
		if !ok || !inTimeline(s.home(t, alice), orig["id"].(string)) {
			t.Fatalf("boosted remote note %v not in the home timeline", orig)
		}

		// Block: the follow ends both ways.
		r.send(t, s, jsonMap{"type": "Block", "object": s.actorURI("alice")})
		if rel := s.relationship(t, alice, bob); rel["following"] != false || rel["blocked_by"] != true {
			t.Fatalf("after Block: %v", rel)
		}
		r.send(t, s, jsonMap{"type": "Undo", "object": jsonMap{"type": "Block", "actor": r.actor, "object": s.actorURI("alice")}})
		if rel := s.relationship(t, alice, bob); rel["blocked_by"] != false {
			t.Fatalf("after Undo Block: %v", rel)
		}
	})
}

func TestInboundBlockedMentionNotifiesNobody(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		bob := s.remoteAccount(t, r, alice.token)
		s.mustAPI(t, "POST", "/api/v1/accounts/"+bob+"/block", alice.token, nil, nil)
		r.create(t, s, r.note("/notes/m", "<p>@alice hi</p>", jsonMap{
			"to": []string{s.actorURI("alice")}, "cc": nil,
			"tag": []jsonMap{{"type": "Mention", "href": s.actorURI("alice")}}}))
		if n := s.notifications(t, alice, "mention"); len(n) != 0 {
			t.Errorf("a blocked account's mention notified: %v", n)
		}
		if _, ok := s.statusByURI(t, alice, r.URL+"/notes/m"); ok {
			t.Error("a blocked account's direct message is visible to the blocker")
		}
	})
}

func TestInboundFlagDeleteActorAndMove(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		mine := s.post(t, alice, "reported")
		r.send(t, s, jsonMap{"type": "Flag", "content": "spam <b>here</b>", "object": []string{s.actorURI("alice"), mine["uri"].(string)}})
		reports, err := s.App.Store.Reports(ctx, store.ReportFilter{}, domain.Page{Limit: 10}, false)
		if err != nil || len(reports) != 1 {
			t.Fatalf("reports %v, %v", reports, err)
		}
		if rep := reports[0]; rep.Source != "remote" || rep.TargetAccountID != alice.ID || len(rep.StatusIDs) != 1 || rep.Comment != "spam here" {
			t.Errorf("report %+v", rep)
		}

		// Move: alice's follow of bob becomes a request to bob's new account.
		bob := s.followRemote(t, r, alice)
		newHome := newRemote(t)
		newHome.setProfile("alsoKnownAs", []string{r.actor})
		r.send(t, s, jsonMap{"type": "Move", "object": r.actor, "target": newHome.actor})
		if rel := s.relationship(t, alice, bob); rel["following"] != false {
			t.Errorf("still following the old account: %v", rel)
		}
		moved := s.remoteAccount(t, newHome, alice.token)
		if rel := s.relationship(t, alice, moved); rel["requested"] != true && rel["following"] != true {
			t.Errorf("no follow of the new account: %v", rel)
		}
		// A Move to an account that does not name the old one is ignored.
		third := newRemote(t)
		s.followRemote(t, third, alice)
		third.send(t, s, jsonMap{"type": "Move", "object": third.actor, "target": newHome.actor})
		if rel := s.relationship(t, alice, s.remoteAccount(t, third, alice.token)); rel["following"] != true {
			t.Errorf("unauthorised Move moved the follow: %v", rel)
		}

		// Delete of the actor removes its content.
		third.create(t, s, third.note("/notes/d", "<p>bye</p>", nil))
		if _, ok := s.statusByURI(t, alice, third.URL+"/notes/d"); !ok {
			t.Fatal("note not stored")
		}
		third.send(t, s, jsonMap{"type": "Delete", "object": third.actor})
		if _, ok := s.statusByURI(t, alice, third.URL+"/notes/d"); ok {
			t.Error("a deleted actor's note is still there")
		}
	})
}

// Forged and malformed activities change nothing and are marked processed.
func TestInboundForgedActivities(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		victim := newRemote(t)
		s.followRemote(t, r, alice)
		s.followRemote(t, victim, alice)
		victim.create(t, s, victim.note("/notes/v", "<p>original</p>", nil))

		// A note of another host embedded in bob's Create.
		r.create(t, s, victim.note("/notes/forged", "<p>forged</p>", nil))
		// A note attributed to the victim but on bob's host.
		r.create(t, s, r.note("/notes/forged2", "<p>forged</p>", jsonMap{"attributedTo": victim.actor}))
		// Update and Delete of the victim's note.
		r.send(t, s, jsonMap{"type": "Update", "object": victim.note("/notes/v", "<p>defaced</p>", jsonMap{"updated": "2099-01-01T00:00:00Z"})})
		r.send(t, s, jsonMap{"type": "Delete", "object": victim.URL + "/notes/v"})
		// An Update without "updated" is no edit (Mastodon's poll tallies).
		victim.send(t, s, jsonMap{"type": "Update", "object": victim.note("/notes/v", "<p>not an edit</p>", nil)})
		// Unknown type, malformed object.
		r.send(t, s, jsonMap{"type": "Dance", "object": r.URL + "/notes/1"})
		r.send(t, s, jsonMap{"type": "Create", "object": jsonMap{"id": r.URL + "/notes/bad", "type": "Note", "attributedTo": r.actor, "content": 42}})
		r.send(t, s, jsonMap{"type": "Create", "object": jsonMap{"type": "Note", "attributedTo": r.actor, "content": "no id"}})

		for _, id := range []string{victim.URL + "/notes/forged", r.URL + "/notes/forged2", r.URL + "/notes/bad"} {
			if _, ok := s.statusByURI(t, alice, id); ok {
				t.Errorf("forged %s stored", id)
			}
		}
		st, ok := s.statusByURI(t, alice, victim.URL+"/notes/v")
		if !ok || !strings.Contains(st["content"].(string), "original") {
			t.Errorf("victim's note changed: %v", st)
		}
	})
}

// Hand-written payloads in the shapes of Mastodon, GoToSocial,
// Pleroma/Akkoma, Misskey and Threads, each received and stored.
func TestInboundFixtures(t *testing.T) {
	cases := []struct {
		file, want string
		media      int
	}{
		{"mastodon_create_note.json", "Hello from Mastodon", 0},
		{"gotosocial_create_note.json", "Hello from GoToSocial", 1},
		{"pleroma_create_note.json", "Hello from Akkoma", 0},
		{"misskey_create_note.json", "Hello from Misskey", 0},
		{"threads_create_note.json", "Hello from Threads", 1},
	}
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		for i, c := range cases {
			id := r.URL + "/fixture/" + c.file
			body := fixture(t, c.file, map[string]string{"ACTOR": r.actor, "REMOTE": r.URL, "LOCAL": s.actorURI("alice"),
				"ID": id, "NOTE": r.URL + "/fixture-notes/" + string(rune('a'+i))})
			r.sendRaw(t, s, id, body)
			st, ok := s.statusByURI(t, alice, r.URL+"/fixture-notes/"+string(rune('a'+i)))
			if !ok {
				t.Errorf("%s: not stored", c.file)
				continue
			}
			if !strings.Contains(st["content"].(string), c.want) {
				t.Errorf("%s: content %q", c.file, st["content"])
			}
			if !inTimeline(s.home(t, alice), st["id"].(string)) {
				t.Errorf("%s: not in the home timeline", c.file)
			}
			media := st["media_attachments"].([]any)
			if len(media) != c.media {
				t.Errorf("%s: %d media attachments, want %d", c.file, len(media), c.media)
			}
			for _, m := range media {
				if u, _ := m.(jsonMap)["remote_url"].(string); !strings.HasPrefix(u, r.URL) || m.(jsonMap)["type"] != "image" {
					t.Errorf("%s: media %v", c.file, m)
				}
			}
		}
	})
}

// Missing ancestors of a reply are fetched up to MaxReplyDepth deep.
func TestInboundReplyBackfillIsBounded(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		const chain = federation.MaxReplyDepth + 2
		for i := 1; i <= chain; i++ {
			extra := jsonMap{}
			if i < chain {
				extra["inReplyTo"] = fmt.Sprintf("%s/chain/%d", r.URL, i+1)
			}
			r.serve(fmt.Sprintf("/chain/%d", i), r.note(fmt.Sprintf("/chain/%d", i), fmt.Sprintf("<p>%d</p>", i), extra))
		}
		r.create(t, s, r.note("/chain/0", "<p>leaf</p>", jsonMap{"inReplyTo": r.URL + "/chain/1"}))
		for i := 0; i <= chain; i++ {
			_, ok := s.statusByURI(t, alice, fmt.Sprintf("%s/chain/%d", r.URL, i))
			if want := i <= federation.MaxReplyDepth; ok != want {
				t.Errorf("ancestor %d stored: %v, want %v", i, ok, want)
			}
		}
		if n := r.served(fmt.Sprintf("/chain/%d", federation.MaxReplyDepth+1)); n != 0 {
			t.Errorf("ancestor beyond the depth fetched %d times", n)
		}
	})
}

func TestInboundRejectRequestAndUpdateActor(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		bob := s.remoteAccount(t, r, alice.token)
		var rel jsonMap
		s.mustAPI(t, "POST", "/api/v1/accounts/"+bob+"/follow", alice.token, nil, &rel)
		if rel["requested"] != true {
			t.Fatalf("follow of a remote account is not a request: %v", rel)
		}
		r.send(t, s, jsonMap{"type": "Reject", "object": jsonMap{"type": "Follow", "actor": s.actorURI("alice"), "object": r.actor}})
		if rel := s.relationship(t, alice, bob); rel["requested"] != false || rel["following"] != false {
			t.Fatalf("after Reject: %v", rel)
		}
		// An Accept naming someone else's Follow changes nothing.
		other := newRemote(t)
		s.remoteAccount(t, other, alice.token)
		s.mustAPI(t, "POST", "/api/v1/accounts/"+bob+"/follow", alice.token, nil, &rel)
		other.send(t, s, jsonMap{"type": "Accept", "object": jsonMap{"type": "Follow", "actor": s.actorURI("alice"), "object": r.actor}})
		if rel := s.relationship(t, alice, bob); rel["following"] != false || rel["requested"] != true {
			t.Fatalf("Accept by another actor: %v", rel)
		}

		r.setProfile("name", "Robert")
		r.send(t, s, jsonMap{"type": "Update", "object": r.actorDoc()})
		var a jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/"+bob, alice.token, nil, &a)
		if a["display_name"] != "Robert" {
			t.Fatalf("after Update of the actor: %v", a["display_name"])
		}
	})
}

// Votes in a local poll arrive as notes named after the option.
func TestInboundPollVotes(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		var st jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"pick"}, "poll[options][]": {"red", "blue"},
			"poll[expires_in]": {"3600"}, "poll[multiple]": {"true"}}, &st)
		for _, choice := range []string{"red", "blue", "red", "green"} {
			r.create(t, s, jsonMap{"id": r.URL + "/votes/" + choice + fmt.Sprint(activitySeq.Add(1)), "type": "Note", "name": choice,
				"attributedTo": r.actor, "to": []string{s.actorURI("alice")}, "inReplyTo": st["uri"]})
		}
		var poll jsonMap
		s.mustAPI(t, "GET", "/api/v1/polls/"+st["poll"].(jsonMap)["id"].(string), alice.token, nil, &poll)
		opts := poll["options"].([]any)
		if poll["voters_count"] != float64(1) || opts[0].(jsonMap)["votes_count"] != float64(1) || opts[1].(jsonMap)["votes_count"] != float64(1) {
			t.Errorf("poll %v", poll)
		}
		// No status was stored for the votes.
		var statuses []jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/"+s.remoteAccount(t, r, alice.token)+"/statuses", alice.token, nil, &statuses)
		if len(statuses) != 0 {
			t.Errorf("votes stored as statuses: %v", statuses)
		}
	})
}

// Domain blocks apply to what is received: rejected reports and media,
// nothing at all from a suspended domain.
func TestInboundDomainBlocks(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		block := &store.DomainBlock{Domain: "127.0.0.1", Severity: store.SeverityNoop, RejectMedia: true, RejectReports: true}
		if err := s.App.Store.SaveDomainBlock(ctx, block, nil); err != nil {
			t.Fatal(err)
		}
		r.send(t, s, jsonMap{"type": "Flag", "content": "spam", "object": []string{s.actorURI("alice")}})
		if reports, err := s.App.Store.Reports(ctx, store.ReportFilter{}, domain.Page{Limit: 10}, false); err != nil || len(reports) != 0 {
			t.Errorf("rejected report filed: %v, %v", reports, err)
		}
		r.create(t, s, r.note("/notes/pic", "<p>a picture</p>", jsonMap{"attachment": []jsonMap{{"type": "Document", "mediaType": "image/png", "url": r.URL + "/pic.png"}}}))
		st, ok := s.statusByURI(t, alice, r.URL+"/notes/pic")
		if !ok || len(st["media_attachments"].([]any)) != 0 {
			t.Errorf("rejected media kept: %v", st)
		}

		// A new account of a silenced domain is stored silenced.
		block.Severity = store.SeveritySilence
		if err := s.App.Store.SaveDomainBlock(ctx, block, nil); err != nil {
			t.Fatal(err)
		}
		newcomer := newRemote(t)
		var acct jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+newcomer.host(), alice.token, nil, &acct)
		if acct["limited"] != true {
			t.Errorf("account of a silenced domain: limited %v", acct["limited"])
		}

		block.Severity = store.SeveritySuspend
		if err := s.App.Store.SaveDomainBlock(ctx, block, nil); err != nil {
			t.Fatal(err)
		}
		body := r.activity("suspended", "Create")
		if code, msg := r.post(t, s.URL+"/inbox", body, nil); code != 202 {
			t.Fatalf("suspended domain: status %d (%s), want 202", code, msg)
		}
		if n, _ := s.App.Store.CountInboxActivities(ctx, r.URL+"/activities/suspended"); n != 0 {
			t.Error("an activity of a suspended domain was stored")
		}
	})
}

// Accept naming the Follow by its id (as agora's own Follows carry one), and
// an Undo of a Like given embedded rather than by id.
func TestInboundAcceptByIDAndEmbeddedUndo(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		bob := s.remoteAccount(t, r, alice.token)
		bobID, _ := domain.ParseID(bob)
		followID := s.URL + "/follows/1"
		if _, err := s.App.Store.RequestFollow(ctx, alice.ID, bobID, store.FollowOptions{URI: followID}); err != nil {
			t.Fatal(err)
		}
		r.send(t, s, jsonMap{"type": "Accept", "object": followID})
		if rel := s.relationship(t, alice, bob); rel["following"] != true {
			t.Fatalf("after Accept by id: %v", rel)
		}

		mine := s.post(t, alice, "like me")
		r.send(t, s, jsonMap{"type": "Like", "object": mine["uri"]})
		r.send(t, s, jsonMap{"type": "Undo", "object": jsonMap{"type": "Like", "actor": r.actor, "object": mine["uri"]}})
		var st jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+mine["id"].(string), alice.token, nil, &st)
		if st["favourites_count"] != float64(0) {
			t.Fatalf("after embedded Undo Like: %v", st["favourites_count"])
		}
	})
}

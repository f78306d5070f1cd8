package federation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/federation"
	"github.com/agora-social/agora/internal/httpsig"
)

func TestActorDocument(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUser(t, "alice")
		alice.DisplayName, alice.Note, alice.Bot = "Alice", "<p>hi</p>", false
		alice.Fields = []domain.Field{{Name: "Site", Value: "https://alice.example"}}
		if err := s.App.Store.UpdateProfile(ctx, alice); err != nil {
			t.Fatal(err)
		}
		for _, accept := range []string{
			"application/activity+json",
			`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`,
			"text/html;q=0.9, application/activity+json",
		} {
			code, h, _ := s.get(t, "/users/alice", accept)
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/activity+json") {
				t.Errorf("Accept %q: status %d, Content-Type %q", accept, code, h.Get("Content-Type"))
			}
		}
		m := s.getJSON(t, "/users/alice")
		id := s.URL + "/users/alice"
		want := map[string]any{
			"id": id, "type": "Person", "preferredUsername": "alice", "name": "Alice", "summary": "<p>hi</p>",
			"url": s.URL + "/@alice", "inbox": id + "/inbox", "outbox": id + "/outbox", "followers": id + "/followers",
			"following": id + "/following", "featured": id + "/collections/featured",
			"manuallyApprovesFollowers": false, "discoverable": true, "indexable": true,
		}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%s = %v, want %v", k, m[k], v)
			}
		}
		if ep := m["endpoints"].(map[string]any); ep["sharedInbox"] != s.URL+"/inbox" {
			t.Errorf("sharedInbox = %v", ep["sharedInbox"])
		}
		pk := m["publicKey"].(map[string]any)
		if pk["id"] != id+"#main-key" || pk["owner"] != id {
			t.Errorf("publicKey = %v", pk)
		}
		if _, err := httpsig.ParsePublicKey(pk["publicKeyPem"].(string)); err != nil {
			t.Errorf("publicKeyPem: %v", err)
		}
		// The key is created once: a second fetch shows the same.
		if again := s.getJSON(t, "/users/alice")["publicKey"].(map[string]any); again["publicKeyPem"] != pk["publicKeyPem"] {
			t.Error("the key changed between fetches")
		}
		att := m["attachment"].([]any)
		if len(att) != 1 || att[0].(map[string]any)["type"] != "PropertyValue" || att[0].(map[string]any)["name"] != "Site" {
			t.Errorf("attachment = %v", att)
		}
		if icon := m["icon"].(map[string]any); !strings.HasSuffix(icon["url"].(string), "/avatars/original/missing.png") {
			t.Errorf("icon = %v", icon)
		}
		if ctx := fmt.Sprint(m["@context"]); !strings.Contains(ctx, "https://w3id.org/security/v1") || !strings.Contains(ctx, "toot") {
			t.Errorf("@context = %s", ctx)
		}
		if _, ok := m["published"].(string); !ok {
			t.Error("published missing")
		}

		// Bots are Services.
		alice.Bot = true
		_ = s.App.Store.UpdateProfile(ctx, alice)
		if typ := s.getJSON(t, "/users/alice")["type"]; typ != "Service" {
			t.Errorf("bot type = %v, want Service", typ)
		}

		// Browsers are sent to the profile page.
		code, h, _ := s.get(t, "/users/alice", "text/html,application/xhtml+xml")
		if code != 302 || h.Get("Location") != "/@alice" {
			t.Errorf("browser: status %d, Location %q", code, h.Get("Location"))
		}
		if code, _, _ := s.get(t, "/users/nobody", "application/activity+json"); code != 404 {
			t.Errorf("unknown user: status %d, want 404", code)
		}
		if _, err := s.App.DB.W.ExecContext(ctx, `UPDATE accounts SET suspended_at = $2 WHERE id = $1`, int64(alice.ID), time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := s.get(t, "/users/alice", "application/activity+json"); code != 410 {
			t.Errorf("suspended user: status %d, want 410", code)
		}
	})
}

func TestInstanceActor(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		m := s.getJSON(t, "/actor")
		if m["id"] != s.URL+"/actor" || m["type"] != "Application" || m["preferredUsername"] != s.App.Cfg.Domain {
			t.Errorf("instance actor = %v", m)
		}
		pk := m["publicKey"].(map[string]any)
		if pk["id"] != s.URL+"/actor#main-key" {
			t.Errorf("publicKey.id = %v", pk["id"])
		}
		if _, err := httpsig.ParsePublicKey(pk["publicKeyPem"].(string)); err != nil {
			t.Error(err)
		}
	})
}

func TestFollowersCollections(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUser(t, "alice")
		bob := s.newUser(t, "bob")
		carol := s.newUser(t, "carol")
		for _, f := range []*domain.Account{bob, carol} {
			if _, err := s.App.DB.W.ExecContext(ctx, `INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4)`,
				int64(s.App.Store.IDs.Next()), int64(f.ID), int64(alice.ID), time.Now().UnixMilli()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.App.DB.W.ExecContext(ctx, `UPDATE accounts SET followers_count = 2 WHERE id = $1`, int64(alice.ID)); err != nil {
			t.Fatal(err)
		}
		c := s.getJSON(t, "/users/alice/followers")
		if c["type"] != "OrderedCollection" || c["totalItems"] != 2.0 || c["first"] != s.URL+"/users/alice/followers?page=1" {
			t.Fatalf("followers = %v", c)
		}
		p := s.getJSON(t, "/users/alice/followers?page=1")
		items := p["orderedItems"].([]any)
		if len(items) != 2 || items[0] != s.URL+"/users/carol" || items[1] != s.URL+"/users/bob" {
			t.Errorf("followers page = %v", items)
		}
		if f := s.getJSON(t, "/users/bob/following?page=1")["orderedItems"].([]any); len(f) != 1 || f[0] != s.URL+"/users/alice" {
			t.Errorf("bob's following = %v", f)
		}
		if code, _, _ := s.get(t, "/users/alice/followers?page=0", "application/activity+json"); code != 422 {
			t.Errorf("page=0: status %d, want 422", code)
		}

		// Hidden collections keep the count and hide the items.
		alice.HideCollections = true
		_ = s.App.Store.UpdateProfile(ctx, alice)
		c = s.getJSON(t, "/users/alice/followers")
		if c["totalItems"] != 2.0 || c["first"] != nil {
			t.Errorf("hidden followers = %v", c)
		}
		if code, _, _ := s.get(t, "/users/alice/followers?page=1", "application/activity+json"); code != 403 {
			t.Errorf("hidden page: status %d, want 403", code)
		}
		if m := s.getJSON(t, "/users/alice/collections/featured"); m["type"] != "OrderedCollection" || m["totalItems"] != 0.0 {
			t.Errorf("featured = %v", m)
		}
	})
}

func TestOutbox(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUser(t, "alice")
		s.newUser(t, "bob")
		insert := func(vis, content string, replyTo, reblogOf domain.ID) domain.ID {
			id := s.App.Store.IDs.Next()
			if _, err := s.App.DB.W.ExecContext(ctx, `INSERT INTO statuses (id, account_id, uri, url, content, visibility,
				language, in_reply_to_id, reblog_of_id, conversation_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'en', $7, $8, $1, $9)`,
				int64(id), int64(alice.ID), fmt.Sprintf("%s/users/alice/statuses/%d", s.URL, id), fmt.Sprintf("%s/@alice/%d", s.URL, id),
				content, vis, nullable(replyTo), nullable(reblogOf), time.Now().UnixMilli()); err != nil {
				t.Fatal(err)
			}
			return id
		}
		first := insert("public", "<p>first</p>", 0, 0)
		private := insert("private", "<p>followers only</p>", 0, 0)
		direct := insert("direct", "<p>secret</p>", 0, 0)
		reply := insert("unlisted", "<p>reply</p>", first, 0)
		boost := insert("public", "", 0, first)

		c := s.getJSON(t, "/users/alice/outbox")
		if c["totalItems"] != 3.0 || c["first"] != s.URL+"/users/alice/outbox?page=true" {
			t.Fatalf("outbox = %v", c)
		}
		p := s.getJSON(t, "/users/alice/outbox?page=true")
		items := p["orderedItems"].([]any)
		if len(items) != 3 {
			t.Fatalf("outbox page has %d items, want 3: %v", len(items), items)
		}
		body := fmt.Sprint(items)
		if strings.Contains(body, "secret") || strings.Contains(body, "followers only") {
			t.Fatalf("outbox leaks a private or direct status: %s", body)
		}
		ann := items[0].(map[string]any)
		if ann["type"] != "Announce" || ann["object"] != fmt.Sprintf("%s/users/alice/statuses/%d", s.URL, first) {
			t.Errorf("boost = %v", ann)
		}
		cr := items[1].(map[string]any)
		note := cr["object"].(map[string]any)
		if cr["type"] != "Create" || note["type"] != "Note" || note["inReplyTo"] != fmt.Sprintf("%s/users/alice/statuses/%d", s.URL, first) {
			t.Errorf("reply = %v", cr)
		}
		if to := fmt.Sprint(note["to"]); to != "["+s.URL+"/users/alice/followers]" {
			t.Errorf("unlisted to = %s", to)
		}
		if cc := fmt.Sprint(note["cc"]); cc != "[https://www.w3.org/ns/activitystreams#Public]" {
			t.Errorf("unlisted cc = %s", cc)
		}
		if cm := note["contentMap"].(map[string]any); cm["en"] != "<p>reply</p>" {
			t.Errorf("contentMap = %v", cm)
		}
		if p["next"] != fmt.Sprintf("%s/users/alice/outbox?page=true&max_id=%d", s.URL, first) {
			t.Errorf("next = %v", p["next"])
		}
		// Paging by max_id.
		p = s.getJSON(t, fmt.Sprintf("/users/alice/outbox?page=true&max_id=%d", reply))
		if items := p["orderedItems"].([]any); len(items) != 1 || items[0].(map[string]any)["object"].(map[string]any)["content"] != "<p>first</p>" {
			t.Errorf("page before the reply = %v", items)
		}

		// Single posts: Note, its Create, the boost's Announce; never a
		// followers-only or direct post.
		n := s.getJSON(t, fmt.Sprintf("/users/alice/statuses/%d", first))
		if n["type"] != "Note" || n["content"] != "<p>first</p>" || n["@context"] == nil {
			t.Errorf("note = %v", n)
		}
		if c := s.getJSON(t, fmt.Sprintf("/users/alice/statuses/%d/activity", first)); c["type"] != "Create" {
			t.Errorf("activity = %v", c)
		}
		if c := s.getJSON(t, fmt.Sprintf("/users/alice/statuses/%d/activity", boost)); c["type"] != "Announce" {
			t.Errorf("boost activity = %v", c)
		}
		for _, id := range []domain.ID{private, direct, boost} {
			if code, _, b := s.get(t, fmt.Sprintf("/users/alice/statuses/%d", id), "application/activity+json"); code != 404 {
				t.Errorf("status %d: code %d, want 404; body %s", id, code, b)
			}
		}
		if code, _, _ := s.get(t, fmt.Sprintf("/users/bob/statuses/%d", first), "application/activity+json"); code != 404 {
			t.Errorf("another account's path: code %d, want 404", code)
		}
		if code, h, _ := s.get(t, fmt.Sprintf("/users/alice/statuses/%d", first), "text/html"); code != 302 || h.Get("Location") != fmt.Sprintf("/@alice/%d", first) {
			t.Errorf("browser: code %d, Location %q", code, h.Get("Location"))
		}
		// The last page (min_id=0) holds the oldest posts.
		for i := range federation.OutboxPageSize {
			insert("public", fmt.Sprintf("<p>later %d</p>", i), 0, 0)
		}
		newest := fmt.Sprint(s.getJSON(t, "/users/alice/outbox?page=true")["orderedItems"])
		oldest := fmt.Sprint(s.getJSON(t, "/users/alice/outbox?page=true&min_id=0")["orderedItems"])
		if strings.Contains(newest, "<p>first</p>") || !strings.Contains(oldest, "<p>first</p>") || !strings.Contains(newest, "later 19") {
			t.Errorf("first page: %s\nlast page: %s", newest, oldest)
		}
		if code, _, _ := s.get(t, "/users/alice/outbox?page=true&max_id=abc", "application/activity+json"); code != 422 {
			t.Errorf("bad max_id: status %d, want 422", code)
		}
	})
}

func nullable(id domain.ID) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

package federation_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestThirdPartyAuthorizations: this server (alice's) is a third server
// for a post of server B (bob@B) that needs bob's approval of replies and
// of boosts by anyone but his followers, and for interactions of server C
// (bob@C) with it. A reply without authorization is dropped; one carrying
// a ReplyAuthorization that B serves (GoToSocial's shape) is stored, its
// check cached; authorizations naming another reply, on C's host, or
// refused by B (404, cached as refused) are dropped; a reply to a post
// open to everyone needs none. B's Accept of the first reply, addressed to
// its followers (GoToSocial's impolite form), is checked and the reply
// fetched from C and stored. A boost of the post by C needs an
// announceAuthorization the same way.
func TestThirdPartyAuthorizations(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		b, c := newRemote(t), newRemote(t)
		s.followRemote(t, b, alice)
		public := "https://www.w3.org/ns/activitystreams#Public"
		note := b.URL + "/users/bob/statuses/01POST"
		b.create(t, s, b.note("/users/bob/statuses/01POST", "<p>ask first</p>", jsonMap{"interactionPolicy": jsonMap{
			"canReply":    jsonMap{"automaticApproval": []string{b.actor}, "manualApproval": []string{public}},
			"canAnnounce": jsonMap{"automaticApproval": []string{b.actor, b.actor + "/followers"}},
		}}))
		open := b.URL + "/users/bob/statuses/01OPEN"
		b.create(t, s, b.note("/users/bob/statuses/01OPEN", "<p>open</p>", jsonMap{"interactionPolicy": jsonMap{
			"canReply": jsonMap{"automaticApproval": []string{public}}}}))
		stored := func(uri string) bool {
			_, err := s.App.Store.StatusByURI(ctx, uri)
			return err == nil
		}
		authPath := func(id string) (string, string) {
			return "/users/bob/authorizations/" + id, b.URL + "/users/bob/authorizations/" + id
		}
		serveAuth := func(id, reply string) string {
			path, uri := authPath(id)
			b.serve(path, fixture(t, "gotosocial_reply_authorization.json", map[string]string{
				"AUTHOR": b.actor, "ID": uri, "REPLY": reply, "NOTE": note}))
			return uri
		}
		sendReply := func(id, auth string) string {
			reply := c.URL + "/users/bob/statuses/" + id
			c.sendRaw(t, s, reply+"/activity", fixture(t, "gotosocial_create_approved_reply.json", map[string]string{
				"ACTOR": c.actor, "AUTHOR": b.actor, "REPLY": reply, "NOTE": note, "AUTHORIZATION": auth}))
			return reply
		}

		// No authorization: dropped. A post open to everyone: none needed.
		r1 := c.URL + "/users/bob/statuses/01R1"
		c.create(t, s, c.note("/users/bob/statuses/01R1", "<p>me too</p>", jsonMap{"inReplyTo": note}))
		if stored(r1) {
			t.Error("a reply without authorization was stored")
		}
		c.create(t, s, c.note("/users/bob/statuses/01R0", "<p>hi</p>", jsonMap{"inReplyTo": open}))
		if !stored(c.URL + "/users/bob/statuses/01R0") {
			t.Error("a reply to an open post was dropped")
		}

		// A valid authorization: stored in the thread, fetched once.
		r2 := c.URL + "/users/bob/statuses/01R2"
		auth2 := serveAuth("01A2", r2)
		sendReply("01R2", auth2)
		if st, ok := s.statusByURI(t, alice, r2); !ok || st["in_reply_to_id"] == nil {
			t.Fatalf("authorized reply = %v, %v", st, ok)
		}
		path2, _ := authPath("01A2")
		if n := b.served(path2); n != 1 {
			t.Errorf("authorization fetched %d times, want 1", n)
		}

		// Authorizations that do not authorize this reply.
		serveAuth("01A3", c.URL+"/users/bob/statuses/other")
		_, auth3 := authPath("01A3")
		_, missing := authPath("01GONE")
		for _, x := range []struct{ reply, auth string }{
			{"01R3", auth3},                          // names another reply
			{"01R4", c.URL + "/users/bob/auth/01A4"}, // not on the author's host
			{"01R5", missing},                        // B answers 404
			{"01R6", missing},                        // refused lately: not fetched again
		} {
			if reply := sendReply(x.reply, x.auth); stored(reply) {
				t.Errorf("reply %s with authorization %s stored", x.reply, x.auth)
			}
		}
		pathGone, _ := authPath("01GONE")
		if n := b.served(pathGone); n != 1 {
			t.Errorf("refused authorization fetched %d times, want 1", n)
		}

		// B's Accept of r1 to its followers: r1 is fetched and stored.
		c.serve("/users/bob/statuses/01R1", c.note("/users/bob/statuses/01R1", "<p>me too</p>", jsonMap{"inReplyTo": note}))
		auth1 := serveAuth("01A1", r1)
		accept := b.URL + "/users/bob/accepts/01A1"
		b.sendRaw(t, s, accept, fixture(t, "gotosocial_accept_reply.json", map[string]string{
			"ACTOR": b.actor, "ID": accept, "REPLY": r1, "RESULT": auth1, "NOTE": note, "REPLIER": c.actor}))
		if !stored(r1) {
			t.Error("the reply B accepted was not stored")
		}

		// Boosts by bob@C (alice follows him): announceAuthorization.
		s.followRemote(t, c, alice)
		announce := func(id, auth string) string {
			uri := c.URL + "/users/bob/statuses/" + id + "/activity"
			doc := jsonMap{"@context": []any{"https://www.w3.org/ns/activitystreams", "https://gotosocial.org/ns"},
				"id": uri, "type": "Announce", "actor": c.actor, "object": note, "to": []string{public}, "cc": []string{c.actor + "/followers"}}
			if auth != "" {
				doc["announceAuthorization"] = auth
			}
			c.serve(strings.TrimPrefix(uri, c.URL), doc)
			c.send(t, s, doc)
			return uri
		}
		if a := announce("01B1", ""); stored(a) {
			t.Error("a boost without authorization was stored")
		}
		ann2 := c.URL + "/users/bob/statuses/01B2/activity"
		pathB2, authB2 := authPath("01AB2")
		b.serve(pathB2, jsonMap{"@context": []any{"https://gotosocial.org/ns", "https://www.w3.org/ns/activitystreams"},
			"type": "AnnounceAuthorization", "id": authB2, "attributedTo": b.actor, "interactingObject": ann2, "interactionTarget": note})
		if a := announce("01B2", authB2); !stored(a) {
			t.Error("an authorized boost was dropped")
		}
		// A ReplyAuthorization does not authorize a boost.
		ann3 := c.URL + "/users/bob/statuses/01B3/activity"
		pathB3, authB3 := authPath("01AB3")
		b.serve(pathB3, fixture(t, "gotosocial_reply_authorization.json", map[string]string{
			"AUTHOR": b.actor, "ID": authB3, "REPLY": ann3, "NOTE": note}))
		if a := announce("01B3", authB3); stored(a) {
			t.Error("a boost authorized by a ReplyAuthorization was stored")
		}
	})
}

// TestAuthorizationsWithdrawn: the authorizations alice's server issued
// for bob's approved like, boost and reply are served while they last;
// the Undo of the Like or of the Announce makes theirs 410 Gone, the
// Delete of the reply makes its authorization 404.
func TestAuthorizationsWithdrawn(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.acceptPosts.Store(true)
		asking := url.Values{"status": {"ask me"}}
		for _, kind := range []string{"can_reply", "can_favourite", "can_reblog"} {
			asking.Add("interaction_policy["+kind+"][manual_approval][]", "public")
		}
		var post jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, asking, &post)
		postURI := post["uri"].(string)
		likeID, annID := r.URL+"/users/bob/likes/1", r.URL+"/users/bob/statuses/2/activity"
		r.send(t, s, jsonMap{"type": "Like", "id": likeID, "object": postURI})
		r.send(t, s, jsonMap{"type": "Announce", "id": annID, "object": postURI,
			"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []string{r.actor + "/followers"}})
		replyID := r.URL + "/users/bob/statuses/3"
		r.create(t, s, r.note("/users/bob/statuses/3", "<p>may I?</p>", jsonMap{"inReplyTo": postURI}))

		var reqs []jsonMap
		s.mustAPI(t, "GET", "/api/v1/interaction_requests", alice.token, nil, &reqs)
		if len(reqs) != 3 {
			t.Fatalf("requests = %d, want 3", len(reqs))
		}
		auths := map[string]string{}
		for _, q := range reqs {
			var ans jsonMap
			s.mustAPI(t, "POST", "/api/v1/interaction_requests/"+q["id"].(string)+"/authorize", alice.token, nil, &ans)
			auths[q["type"].(string)] = strings.TrimPrefix(ans["uri"].(string), s.URL)
		}
		for kind, path := range auths {
			if code, _, body := s.get(t, path, "application/activity+json"); code != 200 {
				t.Errorf("%s authorization: %d %s", kind, code, body)
			}
		}
		r.send(t, s, jsonMap{"type": "Undo", "object": likeID})
		r.send(t, s, jsonMap{"type": "Undo", "object": jsonMap{"type": "Announce", "id": annID, "actor": r.actor, "object": postURI}})
		r.send(t, s, jsonMap{"type": "Delete", "object": replyID})
		for kind, want := range map[string]int{"favourite": 410, "reblog": 410, "reply": 404} {
			if code, _, body := s.get(t, auths[kind], "application/activity+json"); code != want {
				t.Errorf("%s authorization after the undo: %d %s, want %d", kind, code, body, want)
			}
		}
		if st := s.getStatus(t, alice, post["id"].(string)); st["favourites_count"] != float64(0) || st["reblogs_count"] != float64(0) {
			t.Errorf("counts after the undos: %v %v", st["favourites_count"], st["reblogs_count"])
		}
	})
}

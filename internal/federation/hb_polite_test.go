package federation_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestGoToSocialAcceptResult: GoToSocial's Accept of an impolite reply
// names the authorization in result, on another URI than the Accept's
// id; the reply then goes out carrying that result, not the Accept.
func TestGoToSocialAcceptResult(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		r.acceptPosts.Store(true)
		public := "https://www.w3.org/ns/activitystreams#Public"
		note := r.URL + "/users/bob/statuses/01JASK"
		r.create(t, s, r.note("/users/bob/statuses/01JASK", "<p>ask first</p>", jsonMap{
			"id": note,
			"interactionPolicy": jsonMap{
				"canReply": jsonMap{"automaticApproval": []string{r.actor}, "manualApproval": []string{public}},
			},
		}))
		st, ok := s.statusByURI(t, alice, note)
		if !ok {
			t.Fatal("the remote note was not stored")
		}
		var reply jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"may I?"}, "in_reply_to_id": {st["id"].(string)}}, &reply)

		result := r.URL + "/users/bob/authorizations/01JAUTH"
		accept := r.URL + "/users/bob/accepts/01JACCEPT"
		r.sendRaw(t, s, accept, fixture(t, "gotosocial_accept_reply.json", map[string]string{
			"ACTOR": r.actor, "ID": accept, "REPLY": reply["uri"].(string), "RESULT": result, "NOTE": note,
			"REPLIER": s.actorURI("alice"),
		}))
		var approved jsonMap
		outWait(t, "the approved reply sent with its authorization", func() bool {
			for _, c := range r.postedOf("Create") {
				obj := c["object"].(map[string]any)
				if obj["id"] == reply["uri"] && obj["replyAuthorization"] != nil {
					approved = obj
					return true
				}
			}
			return false
		})
		if approved["replyAuthorization"] != result || approved["approvedBy"] != result {
			t.Errorf("approved reply carries %v / %v, want the result %s", approved["replyAuthorization"], approved["approvedBy"], result)
		}
	})
}

// TestPoliteRequestsReceived: GoToSocial 0.21's LikeRequest,
// AnnounceRequest and ReplyRequest get what the impolite Like, Announce
// and reply would: allowed at once, stored and answered with an Accept
// whose result is an authorization served here; needing approval,
// pending for alice (and an Undo of the pending Announce withdraws it);
// refused, a Reject and nothing stored. An instrument by someone else is
// dropped.
func TestPoliteRequestsReceived(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.acceptPosts.Store(true)
		public := "https://www.w3.org/ns/activitystreams#Public"

		// asking: likes at once, boosts and replies with approval;
		// closed: replies from followers only; open: the defaults.
		asking := url.Values{"status": {"ask me"}}
		asking.Add("interaction_policy[can_reblog][automatic_approval][]", "followers")
		asking.Add("interaction_policy[can_reblog][manual_approval][]", "public")
		asking.Add("interaction_policy[can_reply][automatic_approval][]", "followers")
		asking.Add("interaction_policy[can_reply][manual_approval][]", "public")
		var post, closed jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, asking, &post)
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"followers only"},
			"interaction_policy[can_reply][automatic_approval][]":     {"followers"},
			"interaction_policy[can_favourite][automatic_approval][]": {"followers"},
			"interaction_policy[can_favourite][manual_approval][]":    {"public"}}, &closed)
		open := s.post(t, alice, "open")
		postURI, closedURI, openURI := post["uri"].(string), closed["uri"].(string), open["uri"].(string)

		// An answer names the request (GoToSocial matches on its id) and
		// its instrument.
		answerOf := func(typ, what, request, instrument string) jsonMap {
			t.Helper()
			var got jsonMap
			outWait(t, "the "+typ+" of "+what, func() bool {
				for _, a := range r.postedOf(typ) {
					if o, ok := a["object"].(map[string]any); ok && o["id"] == request {
						got = a
						return true
					}
				}
				return false
			})
			if o := got["object"].(map[string]any); o["instrument"] != instrument || o["actor"] != r.actor || !strings.HasSuffix(o["type"].(string), "Request") {
				t.Errorf("%s of %s names %v", typ, what, o)
			}
			return got
		}
		acceptOf := func(what, request, instrument string) jsonMap {
			t.Helper()
			return answerOf("Accept", what, request, instrument)
		}

		// LikeRequest allowed at once: favourited, Accept with result.
		likeID := r.URL + "/users/bob/likes/1"
		likeReq := r.send(t, s, jsonMap{"type": "LikeRequest", "object": postURI, "to": s.actorURI("alice"),
			"instrument": jsonMap{"type": "Like", "id": likeID, "object": postURI, "attributedTo": r.actor,
				"to": []string{public, s.actorURI("alice")}}})
		if st := s.getStatus(t, alice, post["id"].(string)); st["favourites_count"] != float64(1) {
			t.Errorf("favourites after an allowed LikeRequest = %v, want 1", st["favourites_count"])
		}
		acc := acceptOf("the like", likeReq, likeID)
		auth, _ := acc["result"].(string)
		if !strings.HasPrefix(auth, s.URL+"/users/alice/authorizations/") || acc["target"] != postURI {
			t.Fatalf("Accept of the LikeRequest = %v", acc)
		}
		if doc := s.getJSON(t, strings.TrimPrefix(auth, s.URL)); doc["type"] != "LikeAuthorization" ||
			doc["interactingObject"] != likeID || doc["interactionTarget"] != postURI {
			t.Errorf("like authorization = %v", doc)
		}
		if n := len(s.notifications(t, alice, "pending.favourite")); n != 0 {
			t.Errorf("pending.favourite notifications for an allowed like = %d", n)
		}

		// AnnounceRequest needing approval: pending, then undone.
		annID := r.URL + "/users/bob/statuses/9/activity"
		r.send(t, s, jsonMap{"type": "AnnounceRequest", "object": postURI, "instrument": jsonMap{"type": "Announce",
			"id": annID, "actor": r.actor, "object": postURI, "to": []string{public}, "cc": []string{r.actor + "/followers"}}})
		var reqs []jsonMap
		s.mustAPI(t, "GET", "/api/v1/interaction_requests", alice.token, nil, &reqs)
		if len(reqs) != 1 || reqs[0]["type"] != "reblog" {
			t.Fatalf("requests after an AnnounceRequest = %v, want one reblog", reqs)
		}
		if st := s.getStatus(t, alice, post["id"].(string)); st["reblogs_count"] != float64(0) {
			t.Errorf("pending boost counted: %v", st["reblogs_count"])
		}
		if n := len(s.notifications(t, alice, "pending.reblog")); n != 1 {
			t.Errorf("pending.reblog notifications = %d, want 1", n)
		}
		r.send(t, s, jsonMap{"type": "Undo", "object": annID})
		s.mustAPI(t, "GET", "/api/v1/interaction_requests", alice.token, nil, &reqs)
		if len(reqs) != 0 {
			t.Errorf("requests after the Undo = %v, want none", reqs)
		}
		if n := len(s.notifications(t, alice, "pending.reblog")); n != 0 {
			t.Errorf("pending.reblog notifications after the Undo = %d, want 0", n)
		}

		// A plain Like needing approval, undone in the embedded form
		// (no id): withdrawn too.
		r.send(t, s, jsonMap{"type": "Like", "id": r.URL + "/users/bob/likes/4", "object": closedURI})
		if n := len(s.notifications(t, alice, "pending.favourite")); n != 1 {
			t.Errorf("pending.favourite notifications = %d, want 1", n)
		}
		r.send(t, s, jsonMap{"type": "Undo", "object": jsonMap{"type": "Like", "actor": r.actor, "object": closedURI}})
		if n := len(s.notifications(t, alice, "pending.favourite")); n != 0 {
			t.Errorf("pending.favourite notifications after the embedded Undo = %d, want 0", n)
		}
		if _, err := s.App.Store.InteractionRequestByURI(ctx, r.URL+"/users/bob/likes/4"); err == nil {
			t.Error("the undone pending like's request is still there")
		}

		// ReplyRequest needing approval: held with its request.
		pendingReply := r.note("/users/bob/statuses/10", "<p>may I?</p>", jsonMap{"inReplyTo": postURI})
		replyReq := r.send(t, s, jsonMap{"type": "ReplyRequest", "object": postURI, "instrument": pendingReply})
		s.mustAPI(t, "GET", "/api/v1/interaction_requests", alice.token, nil, &reqs)
		if len(reqs) != 1 || reqs[0]["type"] != "reply" {
			t.Fatalf("requests after a ReplyRequest = %v, want one reply", reqs)
		}
		if req, err := s.App.Store.InteractionRequestByURI(ctx, r.URL+"/users/bob/statuses/10"); err != nil || !req.Pending() || req.RequestURI != replyReq {
			t.Errorf("the reply's request = %+v, %v (want request_uri %s)", req, err, replyReq)
		}
		// alice accepts it: the Accept names the ReplyRequest, goes to bob
		// alone (his server distributes the reply with the authorization).
		s.mustAPI(t, "POST", "/api/v1/interaction_requests/"+reqs[0]["id"].(string)+"/authorize", alice.token, nil, nil)
		if acc := acceptOf("the pending reply", replyReq, r.URL+"/users/bob/statuses/10"); acc["cc"] != nil || acc["result"] == nil {
			t.Errorf("Accept of a polite reply = %v, want no cc and a result", acc)
		}

		// ReplyRequest allowed at once: stored, shown, Accept with result.
		openReply := r.note("/users/bob/statuses/11", "<p>hello</p>", jsonMap{"inReplyTo": openURI})
		openReq := r.send(t, s, jsonMap{"type": "ReplyRequest", "object": openURI, "instrument": openReply})
		if st, ok := s.statusByURI(t, alice, r.URL+"/users/bob/statuses/11"); !ok || st["in_reply_to_id"] != open["id"] {
			t.Errorf("allowed polite reply = %v, %v", st, ok)
		}
		if acc := acceptOf("the reply", openReq, r.URL+"/users/bob/statuses/11"); !strings.HasPrefix(jsonString(acc["result"]), `"`+s.URL+"/users/alice/authorizations/") {
			t.Errorf("Accept of the ReplyRequest = %v", acc)
		}

		// ReplyRequest refused: a Reject, nothing stored.
		refused := r.note("/users/bob/statuses/12", "<p>no?</p>", jsonMap{"inReplyTo": closedURI})
		refusedReq := r.send(t, s, jsonMap{"type": "ReplyRequest", "object": closedURI, "instrument": refused})
		answerOf("Reject", "the refused reply", refusedReq, r.URL+"/users/bob/statuses/12")
		if _, err := s.App.Store.StatusByURI(ctx, r.URL+"/users/bob/statuses/12"); err == nil {
			t.Error("a refused polite reply was stored")
		}

		// An instrument by someone else (or aimed elsewhere) is dropped.
		r.send(t, s, jsonMap{"type": "LikeRequest", "object": openURI, "instrument": jsonMap{"type": "Like",
			"id": r.URL + "/users/bob/likes/2", "object": openURI, "actor": r.URL + "/users/eve"}})
		r.send(t, s, jsonMap{"type": "LikeRequest", "object": openURI, "instrument": jsonMap{"type": "Like",
			"id": r.URL + "/users/bob/likes/3", "object": postURI, "actor": r.actor}})
		if st := s.getStatus(t, alice, open["id"].(string)); st["favourites_count"] != float64(0) {
			t.Errorf("forged LikeRequests counted: %v", st["favourites_count"])
		}
		if st := s.getStatus(t, alice, post["id"].(string)); st["favourites_count"] != float64(1) {
			t.Errorf("a LikeRequest aimed elsewhere counted on its instrument's post: %v", st["favourites_count"])
		}
	})
}

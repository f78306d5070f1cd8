package federation_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// TestTwoServersInteractionApprovals runs two whole agora servers (SQLite
// on 127.0.0.1, PostgreSQL on 127.0.0.2): alice on one asks for approval
// of replies, favourites and boosts; bob on two replies, favourites and
// boosts her post. Each stays pending on both servers until alice
// answers: her Accepts release bob's reply, favourite and boost on two
// (the reply then reaches bob's followers with its authorization, which
// one serves); her Reject of a second reply leaves it with bob.
func TestTwoServersInteractionApprovals(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	alice, dave := one.newUserToken(t, "alice"), one.newUserToken(t, "dave") // dave reads the thread on one
	bob, carol := two.newUserToken(t, "bob"), two.newUserToken(t, "carol")   // carol follows bob on two
	followLocal(t, two, carol, bob)

	list := func(s *server, path, token string) []jsonMap {
		t.Helper()
		var l []jsonMap
		s.mustAPI(t, "GET", path, token, nil, &l)
		return l
	}
	get := func(s *server, path, token string) jsonMap {
		t.Helper()
		var m jsonMap
		s.mustAPI(t, "GET", path, token, nil, &m)
		return m
	}
	manual := url.Values{"status": {"ask me first"}}
	for _, kind := range []string{"can_reply", "can_favourite", "can_reblog"} {
		manual.Add("interaction_policy["+kind+"][automatic_approval][]", "followers")
		manual.Add("interaction_policy["+kind+"][manual_approval][]", "public")
	}
	var post jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, manual, &post)
	var found struct{ Statuses []jsonMap }
	two.mustAPI(t, "GET", "/api/v2/search?"+url.Values{"q": {post["uri"].(string)}, "resolve": {"true"}}.Encode(), bob.token, nil, &found)
	if len(found.Statuses) != 1 {
		t.Fatalf("alice's post not found on two: %v", found.Statuses)
	}
	onTwo := found.Statuses[0]["id"].(string)

	// bob replies, favourites and boosts: pending on two.
	var reply jsonMap
	two.mustAPI(t, "POST", "/api/v1/statuses", bob.token, url.Values{"status": {"may I join?"}, "in_reply_to_id": {onTwo}}, &reply)
	two.mustAPI(t, "POST", "/api/v1/statuses/"+onTwo+"/favourite", bob.token, nil, nil)
	two.mustAPI(t, "POST", "/api/v1/statuses/"+onTwo+"/reblog", bob.token, nil, nil)
	if code := two.api(t, "GET", "/api/v1/statuses/"+reply["id"].(string), carol.token, nil, nil); code != 404 {
		t.Errorf("bob's pending reply shown to his follower: %d", code)
	}
	if st := get(two, "/api/v1/statuses/"+onTwo, bob.token); st["favourited"] != false || st["reblogged"] != false {
		t.Errorf("pending favourite/boost done on two: %v %v", st["favourited"], st["reblogged"])
	}

	// alice gets the three requests.
	var reqs []jsonMap
	outWait(t, "alice's three requests", func() bool {
		reqs = list(one, "/api/v1/interaction_requests", alice.token)
		return len(reqs) == 3
	})
	byType := map[string]string{}
	for _, r := range reqs {
		byType[r["type"].(string)] = r["id"].(string)
		if acct := r["account"].(map[string]any)["acct"].(string); !strings.HasPrefix(acct, "bob@") {
			t.Errorf("request from %s", acct)
		}
		// two asked politely: one keeps the id of each request.
		id, _ := domain.ParseID(r["id"].(string))
		if q, err := one.App.Store.InteractionRequestByID(context.Background(), id); err != nil ||
			!strings.HasPrefix(q.RequestURI, two.URL+"/users/bob/interaction_requests/") {
			t.Errorf("%s request on one = %+v, %v; want a polite request's id", r["type"], q, err)
		}
	}
	var replyOnOne string
	for _, r := range reqs {
		if r["type"] == "reply" {
			replyOnOne = r["reply"].(map[string]any)["id"].(string)
		}
	}
	if code := one.api(t, "GET", "/api/v1/statuses/"+replyOnOne, dave.token, nil, nil); code != 404 {
		t.Errorf("pending remote reply shown on one: %d", code)
	}
	if n := len(list(one, "/api/v1/notifications?types[]=pending.reply&types[]=pending.favourite&types[]=pending.reblog", alice.token)); n != 3 {
		t.Errorf("pending notifications on one = %d, want 3", n)
	}

	// alice accepts all three.
	var accepted jsonMap
	one.mustAPI(t, "POST", "/api/v1/interaction_requests/"+byType["reply"]+"/authorize", alice.token, nil, &accepted)
	one.mustAPI(t, "POST", "/api/v1/interaction_requests/"+byType["favourite"]+"/authorize", alice.token, nil, nil)
	one.mustAPI(t, "POST", "/api/v1/interaction_requests/"+byType["reblog"]+"/authorize", alice.token, nil, nil)
	ctx := get(one, "/api/v1/statuses/"+post["id"].(string)+"/context", dave.token)
	if d := ctx["descendants"].([]any); len(d) != 1 {
		t.Errorf("thread on one after approval = %v", d)
	}
	if st := get(one, "/api/v1/statuses/"+post["id"].(string), alice.token); st["favourites_count"] != float64(1) || st["reblogs_count"] != float64(1) {
		t.Errorf("counts on one: favourites %v reblogs %v", st["favourites_count"], st["reblogs_count"])
	}

	// The authorization is served for third servers to check.
	auth := accepted["uri"].(string)
	doc := one.getJSON(t, strings.TrimPrefix(auth, one.URL))
	if doc["type"] != "ReplyAuthorization" || doc["interactingObject"] != reply["uri"] || doc["interactionTarget"] != post["uri"] {
		t.Errorf("authorization = %v", doc)
	}

	// On two: the Accepts release the reply (carol sees it), the
	// favourite and the boost.
	outWait(t, "bob's reply released on two", func() bool {
		return two.api(t, "GET", "/api/v1/statuses/"+reply["id"].(string), carol.token, nil, nil) == 200
	})
	outWait(t, "bob's favourite recorded on two", func() bool {
		return get(two, "/api/v1/statuses/"+onTwo, bob.token)["favourited"] == true
	})
	outWait(t, "bob's boost done on two", func() bool {
		return get(two, "/api/v1/statuses/"+onTwo, bob.token)["reblogged"] == true
	})
	var home []jsonMap
	outWait(t, "bob's reply in carol's home", func() bool {
		home = list(two, "/api/v1/timelines/home", carol.token)
		for _, st := range home {
			if st["id"] == reply["id"] {
				return true
			}
		}
		return false
	})

	// A second reply, declined: it stays with bob on two.
	var second jsonMap
	two.mustAPI(t, "POST", "/api/v1/statuses", bob.token, url.Values{"status": {"and now?"}, "in_reply_to_id": {onTwo}}, &second)
	outWait(t, "the second request on one", func() bool {
		reqs = list(one, "/api/v1/interaction_requests", alice.token)
		return len(reqs) == 1
	})
	one.mustAPI(t, "POST", "/api/v1/interaction_requests/"+reqs[0]["id"].(string)+"/reject", alice.token, nil, nil)
	outWait(t, "the Reject on two", func() bool {
		r, err := two.App.Store.InteractionRequestByURI(context.Background(), second["uri"].(string))
		return err == nil && r.RejectedAt != nil
	})
	two.mustAPI(t, "GET", "/api/v1/statuses/"+second["id"].(string), bob.token, nil, nil)
	if code := two.api(t, "GET", "/api/v1/statuses/"+second["id"].(string), carol.token, nil, nil); code != 404 {
		t.Errorf("declined reply shown to carol: %d", code)
	}
}

// followLocal makes from follow to on the same server.
func followLocal(t *testing.T, s *server, from, to *user) {
	t.Helper()
	s.mustAPI(t, "POST", "/api/v1/accounts/"+to.ID.String()+"/follow", from.token, nil, nil)
}

// TestLocalInteractionsWaitForRemoteApproval: a remote post (GoToSocial's
// shape) asks for approval of replies and likes. alice's reply and like
// go to its author alone as polite requests (ReplyRequest, LikeRequest,
// the interaction embedded as instrument) and stay pending; the author's
// Accept of the ReplyRequest (GoToSocial's polite form: the request
// embedded, naming its instrument) releases the reply to her followers
// with the authorization; the Reject naming the LikeRequest by id leaves
// the like undone.
func TestLocalInteractionsWaitForRemoteApproval(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		r.send(t, s, jsonMap{"type": "Follow", "object": s.actorURI("alice")}) // bob follows alice back
		r.acceptPosts.Store(true)
		public := "https://www.w3.org/ns/activitystreams#Public"
		r.create(t, s, r.note("/notes/ask", "<p>ask first</p>", jsonMap{
			"@context": []any{"https://gotosocial.org/ns", "https://www.w3.org/ns/activitystreams"},
			"interactionPolicy": jsonMap{
				"canReply": jsonMap{"automaticApproval": []string{r.actor}, "manualApproval": []string{public}},
				"canLike":  jsonMap{"automaticApproval": []string{r.actor}, "manualApproval": []string{public}},
			},
		}))
		st, ok := s.statusByURI(t, alice, r.URL+"/notes/ask")
		if !ok {
			t.Fatal("the remote note was not stored")
		}
		id := st["id"].(string)
		var reply jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"may I?"}, "in_reply_to_id": {id}}, &reply)
		s.mustAPI(t, "POST", "/api/v1/statuses/"+id+"/favourite", alice.token, nil, nil)

		// Asked: a ReplyRequest and a LikeRequest reach bob, the reply and
		// the Like embedded, without authorization; nothing else.
		var asked, likeReq jsonMap
		outWait(t, "the ReplyRequest and the LikeRequest sent to bob", func() bool {
			if l := r.postedOf("ReplyRequest"); len(l) > 0 {
				asked = l[0]
			}
			if l := r.postedOf("LikeRequest"); len(l) > 0 {
				likeReq = l[0]
			}
			return asked != nil && likeReq != nil
		})
		if n := len(r.postedOf("Create")) + len(r.postedOf("Like")); n != 0 {
			t.Errorf("impolite interactions sent too: %d", n)
		}
		for _, req := range []jsonMap{asked, likeReq} {
			if req["object"] != r.URL+"/notes/ask" || req["actor"] != s.actorURI("alice") || jsonString(req["to"]) != jsonString([]string{r.actor}) ||
				!strings.HasPrefix(req["id"].(string), s.actorURI("alice")+"/interaction_requests/") {
				t.Errorf("request = %v", req)
			}
		}
		obj := asked["instrument"].(map[string]any)
		if obj["id"] != reply["uri"] || obj["replyAuthorization"] != nil || obj["inReplyTo"] != r.URL+"/notes/ask" {
			t.Errorf("asked reply = %v", obj)
		}
		if to := obj["to"]; !strings.Contains(jsonString(to), public) {
			t.Errorf("asked reply addressed %v, want its real audience", to)
		}
		like := likeReq["instrument"].(map[string]any)
		if like["type"] != "Like" || like["actor"] != s.actorURI("alice") || like["object"] != r.URL+"/notes/ask" {
			t.Errorf("asked like = %v", like)
		}
		if st := s.getStatus(t, alice, id); st["favourited"] != false || st["replies_count"] != float64(0) {
			t.Errorf("pending like/reply done: favourited %v replies %v", st["favourited"], st["replies_count"])
		}

		// bob accepts the reply (GoToSocial's polite form).
		authURI := r.URL + "/users/bob/authorizations/1"
		accept := r.URL + "/users/bob/accepts/1"
		r.sendRaw(t, s, accept, fixture(t, "gotosocial_accept_reply_request.json", map[string]string{
			"ID": accept, "ACTOR": r.actor, "REPLIER": s.actorURI("alice"), "REQUEST": asked["id"].(string),
			"REPLY": reply["uri"].(string), "NOTE": r.URL + "/notes/ask", "RESULT": authURI}))
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
		if approved["replyAuthorization"] != authURI || approved["approvedBy"] != authURI {
			t.Errorf("approved reply carries %v / %v, want %s", approved["replyAuthorization"], approved["approvedBy"], authURI)
		}
		if st := s.getStatus(t, alice, id); st["replies_count"] != float64(1) {
			t.Errorf("replies_count after approval = %v", st["replies_count"])
		}
		// alice deletes the approved reply: bob's server is told (its
		// authorization goes with the reply there).
		s.mustAPI(t, "DELETE", "/api/v1/statuses/"+reply["id"].(string), alice.token, nil, nil)
		outWait(t, "the Delete of the approved reply", func() bool {
			for _, d := range r.postedOf("Delete") {
				if o, ok := d["object"].(map[string]any); ok && o["id"] == reply["uri"] || d["object"] == reply["uri"] {
					return true
				}
			}
			return false
		})

		// bob rejects the like, naming the LikeRequest by id.
		r.send(t, s, jsonMap{"type": "Reject", "object": likeReq["id"]})
		if st := s.getStatus(t, alice, id); st["favourited"] != false || st["favourites_count"] != float64(0) {
			t.Errorf("rejected like done: %v %v", st["favourited"], st["favourites_count"])
		}
		req, err := s.App.Store.InteractionRequestByURI(context.Background(), like["id"].(string))
		if err != nil || req.RejectedAt == nil || req.RequestURI != likeReq["id"] {
			t.Errorf("like request after the Reject: %+v, %v", req, err)
		}

		// A pending reply deleted by alice: bob, who got it, gets the Delete.
		var second jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"second try"}, "in_reply_to_id": {id}}, &second)
		s.mustAPI(t, "DELETE", "/api/v1/statuses/"+second["id"].(string), alice.token, nil, nil)
		outWait(t, "the Delete of the pending reply", func() bool {
			for _, d := range r.postedOf("Delete") {
				if o, ok := d["object"].(map[string]any); ok && o["id"] == second["uri"] || d["object"] == second["uri"] {
					return true
				}
			}
			return false
		})
	})
}

func (s *server) getStatus(t *testing.T, u *user, id string) jsonMap {
	t.Helper()
	var st jsonMap
	s.mustAPI(t, "GET", "/api/v1/statuses/"+id, u.token, nil, &st)
	return st
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

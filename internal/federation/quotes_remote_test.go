package federation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

const asPublic = "https://www.w3.org/ns/activitystreams#Public"

// resolveStatus finds a remote post through search with resolve=true (the
// way a member finds a post to quote) and returns it as u sees it.
func (s *server) resolveStatus(t *testing.T, u *user, uri string) jsonMap {
	t.Helper()
	var res struct{ Statuses []jsonMap }
	s.mustAPI(t, "GET", "/api/v2/search?"+url.Values{"q": {uri}, "resolve": {"true"}}.Encode(), u.token, nil, &res)
	if len(res.Statuses) != 1 {
		t.Fatalf("resolve %s: %v", uri, res.Statuses)
	}
	return res.Statuses[0]
}

// quoteOf posts u's quote of id and returns the API's answer: the status,
// or the error.
func (s *server) quoteOf(t *testing.T, u *user, id, text string) (jsonMap, int) {
	t.Helper()
	form := url.Values{"status": {text}, "quoted_status_id": {id}}
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/statuses", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+u.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out jsonMap
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("quote: status %d, %v", res.StatusCode, err)
	}
	return out, res.StatusCode
}

// quoteState is the state of the quote status id makes, as u sees it.
func (s *server) quoteState(t *testing.T, u *user, id string) (string, jsonMap) {
	t.Helper()
	var st jsonMap
	s.mustAPI(t, "GET", "/api/v1/statuses/"+id, u.token, nil, &st)
	q, _ := st["quote"].(jsonMap)
	if q == nil {
		return "", st
	}
	state, _ := q["state"].(string)
	return state, st
}

// storedQuoteState reads the state of the quote status id makes from the
// store (waits poll it without spending the API's rate limit).
func (s *server) storedQuoteState(t *testing.T, id string) string {
	t.Helper()
	sid, ok := domain.ParseID(id)
	if !ok {
		t.Fatalf("status id %q", id)
	}
	quotes, err := s.App.Store.QuotesOf(context.Background(), []domain.ID{sid})
	if err != nil {
		t.Fatal(err)
	}
	if q := quotes[sid]; q != nil {
		return q.State
	}
	return ""
}

// TestQuoteRemotePostBetweenServers quotes a post of a second agora
// server: its author's policy lets anyone quote, so the quote is accepted
// at once, the QuoteRequest reaches the second server, which records the
// quote and answers with a QuoteAuthorization the first server then names
// in its note. When the quoted author detaches their post, the first
// server's quote is revoked. A post nobody may quote is refused.
func TestQuoteRemotePostBetweenServers(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.SQLite)
	alice := one.newUserToken(t, "alice")
	carol := two.newUserToken(t, "carol")
	orig := two.post(t, carol, "quote me from afar")
	origURI := orig["uri"].(string)

	quoted := one.resolveStatus(t, alice, origURI)
	if qa := quoted["quote_approval"].(jsonMap); qa["current_user"] != "automatic" || !slices.Equal(qa["automatic"].([]any), []any{"public"}) {
		t.Errorf("quote_approval of the remote post = %v", qa)
	}
	q, code := one.quoteOf(t, alice, quoted["id"].(string), "worth reading")
	if code != 200 {
		t.Fatalf("quote of a remote post: status %d (%v)", code, q)
	}
	if st := q["quote"].(jsonMap); st["state"] != "accepted" || st["quoted_status"].(jsonMap)["id"] != quoted["id"] {
		t.Errorf("quote = %v, want accepted with the quoted post", st)
	}

	// The second server recorded the quote and counts it.
	origID, _ := domain.ParseID(orig["id"].(string))
	outWait(t, "the quote counted on the second server", func() bool {
		st, err := two.App.Store.Status(context.Background(), origID)
		return err == nil && st.QuotesCount == 1
	})
	if n := two.notifications(t, carol, "quote"); len(n) != 1 {
		t.Errorf("quote notifications on the second server = %d, want 1", len(n))
	}
	// Its authorization, fetched and checked, is named in the quote's note.
	quoteURI := q["uri"].(string)
	var auth string
	outWait(t, "the QuoteAuthorization in the quote's note", func() bool {
		auth, _ = one.getJSON(t, strings.TrimPrefix(quoteURI, one.URL))["quoteAuthorization"].(string)
		return auth != ""
	})
	if !strings.HasPrefix(auth, origURI+"/quotes/") {
		t.Errorf("quoteAuthorization = %s, want one of %s", auth, origURI)
	}
	a := two.getJSON(t, strings.TrimPrefix(auth, two.URL))
	if a["interactingObject"] != quoteURI || a["interactionTarget"] != origURI || a["attributedTo"] != two.actorURI("carol") {
		t.Errorf("authorization = %v", a)
	}

	// carol detaches her post: the first server's quote is revoked.
	var quotes []jsonMap
	two.mustAPI(t, "GET", "/api/v1/statuses/"+orig["id"].(string)+"/quotes", carol.token, nil, &quotes)
	if len(quotes) != 1 {
		t.Fatalf("quotes on the second server = %v", quotes)
	}
	two.mustAPI(t, "POST", "/api/v1/statuses/"+orig["id"].(string)+"/quotes/"+quotes[0]["id"].(string)+"/revoke", carol.token, nil, nil)
	outWait(t, "the quote revoked on the first server", func() bool { return one.storedQuoteState(t, q["id"].(string)) == "revoked" })
	if state, st := one.quoteState(t, alice, q["id"].(string)); state != "revoked" || st["quote"].(jsonMap)["quoted_status"] != nil {
		t.Errorf("a revoked quote: %v", st["quote"])
	}
	if n := one.getJSON(t, strings.TrimPrefix(quoteURI, one.URL)); n["quote"] != nil || n["quoteAuthorization"] != nil {
		t.Errorf("the note still quotes after revocation: %v %v", n["quote"], n["quoteAuthorization"])
	}

	// A post its author lets nobody quote is refused, as a local one.
	var closed jsonMap
	two.mustAPI(t, "POST", "/api/v1/statuses", carol.token, url.Values{"status": {"not for quoting"}, "quote_approval_policy": {"nobody"}}, &closed)
	closedHere := one.resolveStatus(t, alice, closed["uri"].(string))
	if cu := closedHere["quote_approval"].(jsonMap)["current_user"]; cu != "denied" {
		t.Errorf("current_user of a post nobody may quote = %v", cu)
	}
	if _, code := one.quoteOf(t, alice, closedHere["id"].(string), "trying"); code != 403 {
		t.Errorf("quote of a post nobody may quote: status %d, want 403", code)
	}
}

// remoteAuthorization is a QuoteAuthorization as r's server would serve it.
func remoteAuthorization(id, author, quoting, quoted string) jsonMap {
	return jsonMap{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "QuoteAuthorization",
		"attributedTo": author, "interactingObject": quoting, "interactionTarget": quoted}
}

// TestQuoteRemotePostApproval quotes posts of another server whose
// canQuote asks for approval: the quote is pending and its QuoteRequest
// names the quote (embedded) and the post. Accepts whose authorization
// is on another server or for another quote are refused; a genuine one
// accepts the quote, which the note then names, and an Update tells the
// quoted server. A Reject, and the Delete of the authorization, leave the
// quote without the quoted post.
func TestQuoteRemotePostApproval(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.acceptPosts.Store(true)
		manualPolicy := jsonMap{"canQuote": jsonMap{"automaticApproval": []string{r.actor}, "manualApproval": []string{asPublic}}}
		r.serve("/notes/m", r.note("/notes/m", "<p>ask first</p>", jsonMap{"interactionPolicy": manualPolicy}))
		post := s.resolveStatus(t, alice, r.URL+"/notes/m")
		qa := post["quote_approval"].(jsonMap)
		if qa["current_user"] != "manual" || len(qa["automatic"].([]any)) != 0 || !slices.Equal(qa["manual"].([]any), []any{"public"}) {
			t.Errorf("quote_approval = %v", qa)
		}
		q, code := s.quoteOf(t, alice, post["id"].(string), "asking")
		if code != 200 {
			t.Fatalf("quote: status %d (%v)", code, q)
		}
		if st := q["quote"].(jsonMap); st["state"] != "pending" || st["quoted_status"] != nil {
			t.Errorf("quote = %v, want pending without the quoted post", st)
		}
		quoteURI := q["uri"].(string)
		req := awaitPosted(t, r, "QuoteRequest", 1)[0]
		inst, _ := req["instrument"].(jsonMap)
		if req["actor"] != s.actorURI("alice") || req["object"] != r.URL+"/notes/m" || inst["id"] != quoteURI || inst["quote"] != r.URL+"/notes/m" {
			t.Errorf("QuoteRequest = %v", req)
		}
		accept := func(id, result string) {
			r.send(t, s, jsonMap{"id": r.URL + "/answers/" + id, "type": "Accept", "object": req["id"], "result": result})
		}

		// Forged: an authorization on another server, or for another quote.
		other := newRemote(t)
		other.serve("/auth/1", remoteAuthorization(other.URL+"/auth/1", r.actor, quoteURI, r.URL+"/notes/m"))
		accept("forged-origin", other.URL+"/auth/1")
		r.serve("/auth/wrong", remoteAuthorization(r.URL+"/auth/wrong", r.actor, r.URL+"/notes/another", r.URL+"/notes/m"))
		accept("forged-object", r.URL+"/auth/wrong")
		if state, _ := s.quoteState(t, alice, q["id"].(string)); state != "pending" {
			t.Fatalf("after forged Accepts the quote is %q, want pending", state)
		}
		if other.served("/auth/1") != 0 {
			t.Errorf("an authorization on another server was fetched")
		}

		// Genuine: accepted, counted, named in the note and its Update.
		r.serve("/auth/1", remoteAuthorization(r.URL+"/auth/1", r.actor, quoteURI, r.URL+"/notes/m"))
		accept("genuine", r.URL+"/auth/1")
		state, st := s.quoteState(t, alice, q["id"].(string))
		if state != "accepted" || st["quote"].(jsonMap)["quoted_status"].(jsonMap)["id"] != post["id"] {
			t.Fatalf("after the Accept: %v", st["quote"])
		}
		note := s.getJSON(t, strings.TrimPrefix(quoteURI, s.URL))
		if note["quote"] != r.URL+"/notes/m" || note["quoteAuthorization"] != r.URL+"/auth/1" {
			t.Errorf("note quote %v, authorization %v", note["quote"], note["quoteAuthorization"])
		}
		upd := awaitPosted(t, r, "Update", 1)[0]
		if obj, _ := upd["object"].(jsonMap); obj["id"] != quoteURI || obj["quoteAuthorization"] != r.URL+"/auth/1" {
			t.Errorf("Update = %v", upd)
		}

		// The author withdraws the authorization: revoked.
		r.send(t, s, jsonMap{"id": r.URL + "/auth/1#delete", "type": "Delete", "object": r.URL + "/auth/1"})
		if state, st := s.quoteState(t, alice, q["id"].(string)); state != "revoked" || st["quote"].(jsonMap)["quoted_status"] != nil {
			t.Errorf("after the Delete: state %q, quoted_status %v", state, st["quote"].(jsonMap)["quoted_status"] != nil)
		}

		// Accepted at once by a public policy, then rejected: no longer shown.
		r.serve("/notes/p", r.note("/notes/p", "<p>anyone</p>", jsonMap{"interactionPolicy": jsonMap{"canQuote": jsonMap{"automaticApproval": []string{asPublic}}}}))
		open := s.resolveStatus(t, alice, r.URL+"/notes/p")
		q2, code := s.quoteOf(t, alice, open["id"].(string), "sure")
		if code != 200 || q2["quote"].(jsonMap)["state"] != "accepted" {
			t.Fatalf("quote of a public policy: %d %v", code, q2["quote"])
		}
		req2 := awaitPosted(t, r, "QuoteRequest", 2)[1]
		r.send(t, s, jsonMap{"id": r.URL + "/answers/reject", "type": "Reject", "object": req2["id"]})
		if state, _ := s.quoteState(t, alice, q2["id"].(string)); state != "rejected" {
			t.Errorf("after the Reject the quote is %q", state)
		}
		var quotedNow jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+open["id"].(string), alice.token, nil, &quotedNow)
		if quotedNow["quotes_count"] != 0.0 {
			t.Errorf("a rejected quote is still counted: %v", quotedNow["quotes_count"])
		}
	})
}

// TestQuoteRemotePostRefused refuses quotes that a remote post's canQuote
// does not allow: only its author, followers only (not followed), and no
// canQuote at all (as Mastodon reads it).
func TestQuoteRemotePostRefused(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.acceptPosts.Store(true)
		for _, c := range []struct {
			path   string
			policy any
			msg    string
		}{
			{"/notes/author", jsonMap{"canQuote": jsonMap{"automaticApproval": []string{r.actor}}}, "does not accept"},
			{"/notes/followers", jsonMap{"canQuote": jsonMap{"automaticApproval": []string{r.actor + "/followers"}}}, "followers"},
			{"/notes/none", nil, "does not accept"},
		} {
			extra := jsonMap{}
			if c.policy != nil {
				extra["interactionPolicy"] = c.policy
			}
			r.serve(c.path, r.note(c.path, "<p>mine</p>", extra))
			post := s.resolveStatus(t, alice, r.URL+c.path)
			if cu := post["quote_approval"].(jsonMap)["current_user"]; cu != "denied" {
				t.Errorf("%s: current_user = %v, want denied", c.path, cu)
			}
			out, code := s.quoteOf(t, alice, post["id"].(string), "no")
			if msg, _ := out["error"].(string); code != 403 || !strings.Contains(msg, c.msg) {
				t.Errorf("%s: status %d %v, want 403 saying %q", c.path, code, out, c.msg)
			}
		}
		if n := len(r.postedOf("QuoteRequest")); n != 0 {
			t.Errorf("%d QuoteRequests sent for refused quotes", n)
		}
	})
}

// TestRemoteQuoteClaimingAuthorization stores a remote note that quotes a
// local post and claims a quoteAuthorization this server never issued: the
// quote stays pending (not shown, not counted) until this server accepts
// its QuoteRequest.
func TestRemoteQuoteClaimingAuthorization(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.acceptPosts.Store(true)
		orig := s.post(t, alice, "mine")
		forged := orig["uri"].(string) + "/quotes/1234"
		r.serve("/notes/q", r.note("/notes/q", "<p>see</p>", jsonMap{"quote": orig["uri"], "quoteAuthorization": forged}))
		quoting := s.resolveStatus(t, alice, r.URL+"/notes/q")
		if q, _ := quoting["quote"].(jsonMap); q == nil || q["state"] != "pending" || q["quoted_status"] != nil {
			t.Errorf("quote claiming a forged authorization = %v, want pending", quoting["quote"])
		}
		var st jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+orig["id"].(string), alice.token, nil, &st)
		if st["quotes_count"] != 0.0 {
			t.Errorf("quotes_count = %v, want 0", st["quotes_count"])
		}
		if code, _, _ := s.get(t, strings.TrimPrefix(forged, s.URL), "application/activity+json"); code != 404 {
			t.Errorf("forged authorization served: %d", code)
		}

		// Its QuoteRequest, accepted by alice's policy, makes it accepted.
		r.send(t, s, jsonMap{"id": r.URL + "/requests/q", "type": "QuoteRequest", "object": orig["uri"], "instrument": r.URL + "/notes/q"})
		acc := awaitPosted(t, r, "Accept", 1)[0]
		if state, _ := s.quoteState(t, alice, quoting["id"].(string)); state != "accepted" {
			t.Errorf("after the QuoteRequest: %q, want accepted", state)
		}
		if acc["result"] == forged {
			t.Errorf("the authorization issued is the forged one")
		}
	})
}

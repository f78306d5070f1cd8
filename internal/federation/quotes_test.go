package federation_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestQuoteNoteAndAuthorization checks what a local quote federates: the
// quoting note names the quoted post (FEP-044f's quote, quoteUri,
// _misskey_quote) with an inline RE: link and the QuoteAuthorization
// served by the quoted post's server, gone once the quoted author
// detaches it; every note carries its canQuote policy.
func TestQuoteNoteAndAuthorization(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice, bob := s.newUserToken(t, "alice"), s.newUserToken(t, "bob")
		orig := s.post(t, alice, "quote me")
		var q jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", bob.token, map[string][]string{"status": {"indeed"}, "quoted_status_id": {orig["id"].(string)}}, &q)
		origURI, quoteURI := orig["uri"].(string), q["uri"].(string)
		note := s.getJSON(t, strings.TrimPrefix(quoteURI, s.URL))
		auth := origURI + "/quotes/" + q["id"].(string)
		for _, k := range []string{"quote", "quoteUri", "_misskey_quote"} {
			if note[k] != origURI {
				t.Errorf("note %s = %v, want %s", k, note[k], origURI)
			}
		}
		if note["quoteAuthorization"] != auth {
			t.Errorf("quoteAuthorization = %v, want %s", note["quoteAuthorization"], auth)
		}
		if c, _ := note["content"].(string); !strings.Contains(c, `<p class="quote-inline">RE: <a href="`) {
			t.Errorf("content lacks the RE: link: %s", c)
		}
		a := s.getJSON(t, strings.TrimPrefix(auth, s.URL))
		if a["type"] != "QuoteAuthorization" || a["attributedTo"] != s.actorURI("alice") || a["interactingObject"] != quoteURI || a["interactionTarget"] != origURI {
			t.Errorf("authorization = %v", a)
		}
		canQuote := func(uri string) []any {
			n := s.getJSON(t, strings.TrimPrefix(uri, s.URL))
			return n["interactionPolicy"].(map[string]any)["canQuote"].(map[string]any)["automaticApproval"].([]any)
		}
		if got := canQuote(origURI); !slices.Equal(got, []any{"https://www.w3.org/ns/activitystreams#Public"}) {
			t.Errorf("canQuote of a public post = %v", got)
		}
		var f jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, map[string][]string{"status": {"followers may"}, "quote_approval_policy": {"followers"}}, &f)
		if got := canQuote(f["uri"].(string)); !slices.Equal(got, []any{s.actorURI("alice"), s.actorURI("alice") + "/followers"}) {
			t.Errorf("canQuote of a followers policy = %v", got)
		}

		// Detached: the authorization is gone, the note quotes nothing.
		s.mustAPI(t, "POST", "/api/v1/statuses/"+orig["id"].(string)+"/quotes/"+q["id"].(string)+"/revoke", alice.token, nil, nil)
		if code, _, _ := s.get(t, strings.TrimPrefix(auth, s.URL), "application/activity+json"); code != 404 {
			t.Errorf("authorization after revoke: status %d, want 404", code)
		}
		if n := s.getJSON(t, strings.TrimPrefix(quoteURI, s.URL)); n["quote"] != nil || n["quoteAuthorization"] != nil {
			t.Errorf("note after revoke still quotes: %v %v", n["quote"], n["quoteAuthorization"])
		}
	})
}

// TestQuoteBetweenServers delivers a local quote to a follower on a second
// agora server, which shows it as one RE: link to the quoted post.
func TestQuoteBetweenServers(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.SQLite)
	alice, bob := one.newUserToken(t, "alice"), one.newUserToken(t, "bob")
	carol := two.newUserToken(t, "carol")
	var bobOnTwo jsonMap
	two.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+strings.TrimPrefix(one.URL, "http://"), carol.token, nil, &bobOnTwo)
	two.mustAPI(t, "POST", "/api/v1/accounts/"+bobOnTwo["id"].(string)+"/follow", carol.token, nil, nil)
	outWait(t, "the Accept of carol's follow", func() bool {
		var rels []jsonMap
		two.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+bobOnTwo["id"].(string), carol.token, nil, &rels)
		return rels[0]["following"] == true
	})
	orig := one.post(t, alice, "the original")
	var q jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", bob.token, map[string][]string{"status": {"well said"}, "quoted_status_id": {orig["id"].(string)}}, &q)
	var got jsonMap
	outWait(t, "the quote on the second server", func() bool {
		var tl []jsonMap
		two.mustAPI(t, "GET", "/api/v1/timelines/home", carol.token, nil, &tl)
		if len(tl) > 0 {
			got = tl[0]
		}
		return got != nil
	})
	if got == nil {
		t.Fatal("the quote did not arrive")
	}
	c := got["content"].(string)
	if n := strings.Count(c, "quote-inline"); n != 1 || !strings.Contains(c, orig["url"].(string)) {
		t.Errorf("content on the second server = %s, want one RE: link to %s", c, orig["url"])
	}
}

// TestQuoteRequestAnswered sends FEP-044f QuoteRequests from another
// server: allowed by the local post's policy, they get an Accept whose
// result is a QuoteAuthorization that checks out, the quote is recorded
// (counted, notified, shown with the quoted post); refused, a Reject.
func TestQuoteRequestAnswered(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		r.acceptPosts.Store(true)
		s.followRemote(t, r, alice) // alice follows bob; bob does not follow alice
		open := s.post(t, alice, "quote me")
		var closed jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, map[string][]string{"status": {"followers only may quote"}, "quote_approval_policy": {"followers"}}, &closed)

		note := r.note("/notes/q1", `<p>so true</p><p class="quote-inline">RE: <a href="x">x</a></p>`, jsonMap{"quote": open["uri"]})
		r.serve("/notes/q1", note)
		r.send(t, s, jsonMap{"id": r.URL + "/requests/1", "type": "QuoteRequest", "object": open["uri"], "instrument": note})
		acc := awaitPosted(t, r, "Accept", 1)[0]
		if acc["object"] != r.URL+"/requests/1" || acc["actor"] != s.actorURI("alice") {
			t.Errorf("Accept = %v", acc)
		}
		auth, _ := acc["result"].(string)
		a := s.getJSON(t, strings.TrimPrefix(auth, s.URL))
		if a["interactingObject"] != r.URL+"/notes/q1" || a["interactionTarget"] != open["uri"] || a["attributedTo"] != s.actorURI("alice") {
			t.Errorf("authorization = %v", a)
		}
		var st jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+open["id"].(string), alice.token, nil, &st)
		if st["quotes_count"] != 1.0 {
			t.Errorf("quotes_count = %v", st["quotes_count"])
		}
		if n := s.notifications(t, alice, "quote"); len(n) != 1 {
			t.Errorf("quote notifications = %d, want 1", len(n))
		}
		var quotes []jsonMap
		s.mustAPI(t, "GET", "/api/v1/statuses/"+open["id"].(string)+"/quotes", alice.token, nil, &quotes)
		if len(quotes) != 1 {
			t.Fatalf("quotes = %v", quotes)
		}
		if q := quotes[0]["quote"].(map[string]any); q["state"] != "accepted" || q["quoted_status"].(map[string]any)["id"] != open["id"] {
			t.Errorf("quote = %v", q)
		}
		if c := quotes[0]["content"].(string); strings.Count(c, "quote-inline") != 1 {
			t.Errorf("content = %s, want one RE: link", c)
		}

		// alice detaches her post: bob's server is told, the authorization is gone.
		s.mustAPI(t, "POST", "/api/v1/statuses/"+open["id"].(string)+"/quotes/"+quotes[0]["id"].(string)+"/revoke", alice.token, nil, nil)
		if del := awaitPosted(t, r, "Delete", 1)[0]; del["object"] != auth || del["actor"] != s.actorURI("alice") {
			t.Errorf("Delete = %v, want the authorization %s", del, auth)
		}
		if code, _, _ := s.get(t, strings.TrimPrefix(auth, s.URL), "application/activity+json"); code != 404 {
			t.Errorf("authorization after detach: status %d", code)
		}
		// Asked again, a detached quote stays detached: Reject.
		r.send(t, s, jsonMap{"id": r.URL + "/requests/1b", "type": "QuoteRequest", "object": open["uri"], "instrument": r.URL + "/notes/q1"})
		if rej := awaitPosted(t, r, "Reject", 1)[0]; rej["object"] != r.URL+"/requests/1b" {
			t.Errorf("Reject = %v", rej)
		}

		// bob does not follow alice: her followers-only policy refuses.
		note2 := r.note("/notes/q2", "<p>me too</p>", jsonMap{"quote": closed["uri"]})
		r.serve("/notes/q2", note2)
		r.send(t, s, jsonMap{"id": r.URL + "/requests/2", "type": "QuoteRequest", "object": closed["uri"], "instrument": r.URL + "/notes/q2"})
		if rej := awaitPosted(t, r, "Reject", 2)[1]; rej["object"] != r.URL+"/requests/2" || rej["result"] != nil {
			t.Errorf("Reject = %v", rej)
		}
		s.mustAPI(t, "GET", "/api/v1/statuses/"+closed["id"].(string), alice.token, nil, &st)
		if st["quotes_count"] != 0.0 {
			t.Errorf("refused quote counted: %v", st["quotes_count"])
		}
	})
}

func awaitPosted(t *testing.T, r *remote, typ string, n int) []map[string]any {
	t.Helper()
	outWait(t, typ+" at the remote", func() bool { return len(r.postedOf(typ)) >= n })
	return r.postedOf(typ)
}

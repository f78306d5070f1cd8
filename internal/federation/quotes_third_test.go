package federation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// thirdQuote is how the server shows a remote note: its quote state ("" for
// none) and whether the quoted post comes with it.
func (s *server) thirdQuote(t *testing.T, u *user, uri string) (state string, withPost bool, st jsonMap) {
	t.Helper()
	st, ok := s.statusByURI(t, u, uri)
	if !ok {
		t.Fatalf("%s not stored", uri)
	}
	q, _ := st["quote"].(jsonMap)
	if q == nil {
		return "", false, st
	}
	state, _ = q["state"].(string)
	return state, q["quoted_status"] != nil, st
}

// TestQuoteOfRemotePostByThirdServer receives notes of one remote server
// (quoter) quoting a post of another (quoted) whose canQuote asks for
// approval. Only the note whose quoteAuthorization is served by the quoted
// post's server, attributed to its author, for that note and that post, is
// shown as a quote; forged ones (another host, another quote, another
// author, none) keep the RE: link only. An Update bringing the
// authorization accepts the quote; the authorization's Delete revokes it.
// A post whose canQuote lets anyone quote it needs no authorization.
func TestQuoteOfRemotePostByThirdServer(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		quoted, quoter := newRemote(t), newRemote(t)
		s.followRemote(t, quoter, alice) // the quoter's notes are stored here
		manual := jsonMap{"canQuote": jsonMap{"automaticApproval": []string{quoted.actor}, "manualApproval": []string{asPublic}}}
		post := quoted.URL + "/notes/orig"
		quoted.serve("/notes/orig", quoted.note("/notes/orig", "<p>ask first</p>", jsonMap{"interactionPolicy": manual}))
		auth := func(path, author, quoting, target string) string {
			quoted.serve(path, remoteAuthorization(quoted.URL+path, author, quoting, target))
			return quoted.URL + path
		}
		send := func(path, authorization string) string {
			t.Helper()
			extra := jsonMap{"quote": post}
			if authorization != "" {
				extra["quoteAuthorization"] = authorization
			}
			n := quoter.note(path, "<p>look</p>", extra)
			quoter.serve(path, n)
			quoter.create(t, s, n)
			return quoter.URL + path
		}

		// Forgeries: none is shown as a quote.
		elsewhere := quoter.URL + "/auth/1" // on the quoter's own server
		quoter.serve("/auth/1", remoteAuthorization(elsewhere, quoted.actor, quoter.URL+"/notes/host", post))
		forged := map[string]string{
			send("/notes/none", ""):        "no authorization",
			send("/notes/host", elsewhere): "an authorization on another host",
			send("/notes/other", auth("/auth/other", quoted.actor, quoter.URL+"/notes/x", post)):                         "an authorization of another quote",
			send("/notes/target", auth("/auth/target", quoted.actor, quoter.URL+"/notes/target", quoted.URL+"/notes/x")): "an authorization of another post",
			send("/notes/author", auth("/auth/author", quoted.URL+"/users/eve", quoter.URL+"/notes/author", post)):       "an authorization by someone else",
		}
		for uri, what := range forged {
			state, withPost, st := s.thirdQuote(t, alice, uri)
			if state != "" || withPost {
				t.Errorf("%s: quote %q (with post %v), want none", what, state, withPost)
			}
			if c, _ := st["content"].(string); !strings.Contains(c, "RE: <a href=\""+post) {
				t.Errorf("%s: content %q lacks the RE: link", what, c)
			}
		}
		if quoter.served("/auth/1") != 0 {
			t.Errorf("an authorization on the quoter's server was fetched")
		}

		// Genuine: accepted, with the quoted post, counted.
		good := send("/notes/good", auth("/auth/good", quoted.actor, quoter.URL+"/notes/good", post))
		state, withPost, st := s.thirdQuote(t, alice, good)
		if state != "accepted" || !withPost {
			t.Fatalf("genuine authorization: quote %v", st["quote"])
		}
		if qs := st["quote"].(jsonMap)["quoted_status"].(jsonMap); qs["uri"] != post {
			t.Errorf("quoted_status = %v, want %s", qs["uri"], post)
		}
		orig, err := s.App.Store.StatusByURI(context.Background(), post)
		if err != nil || orig.QuotesCount != 1 {
			t.Errorf("quoted post: %v, quotes_count %d, want 1", err, orig.QuotesCount)
		}

		// An Update that brings the authorization accepts a quote first
		// received without one.
		later := quoter.URL + "/notes/none"
		n := quoter.note("/notes/none", "<p>look</p>", jsonMap{"quote": post, "updated": "2026-01-01T00:00:00Z",
			"quoteAuthorization": auth("/auth/later", quoted.actor, later, post)})
		quoter.serve("/notes/none", n)
		quoter.send(t, s, jsonMap{"type": "Update", "object": n})
		if state, withPost, _ := s.thirdQuote(t, alice, later); state != "accepted" || !withPost {
			t.Errorf("after the Update with the authorization: %q (with post %v)", state, withPost)
		}

		// The quoted author withdraws the authorization: revoked, uncounted.
		quoted.send(t, s, jsonMap{"id": quoted.URL + "/auth/good#delete", "type": "Delete", "object": quoted.URL + "/auth/good"})
		if state, withPost, _ := s.thirdQuote(t, alice, good); state != "revoked" || withPost {
			t.Errorf("after the Delete of the authorization: %q (with post %v)", state, withPost)
		}
		// Someone else's Delete of an authorization does nothing.
		quoter.send(t, s, jsonMap{"type": "Delete", "object": quoted.URL + "/auth/later"})
		if state, _, _ := s.thirdQuote(t, alice, later); state != "accepted" {
			t.Errorf("after a Delete by another server: %q", state)
		}
		if orig, _ := s.App.Store.StatusByURI(context.Background(), post); orig.QuotesCount != 1 {
			t.Errorf("quotes_count = %d, want 1 (the later quote)", orig.QuotesCount)
		}

		// The quoter's note stops quoting (its author detached): revoked.
		plain := quoter.note("/notes/none", "<p>look</p>", nil)
		quoter.serve("/notes/none", plain)
		quoter.send(t, s, jsonMap{"type": "Update", "object": plain})
		if state, withPost, st := s.thirdQuote(t, alice, later); state != "revoked" || withPost || strings.Contains(st["content"].(string), "RE:") {
			t.Errorf("after an Update without the quote: %q (with post %v) %v", state, withPost, st["content"])
		}

		// A post anyone may quote needs no authorization; the quoted post,
		// unknown here, is fetched.
		open := quoted.URL + "/notes/open"
		quoted.serve("/notes/open", quoted.note("/notes/open", "<p>anyone</p>", jsonMap{"interactionPolicy": jsonMap{"canQuote": jsonMap{"automaticApproval": []string{asPublic}}}}))
		n = quoter.note("/notes/free", "<p>free</p>", jsonMap{"quote": open})
		quoter.create(t, s, n)
		if state, withPost, _ := s.thirdQuote(t, alice, quoter.URL+"/notes/free"); state != "accepted" || !withPost {
			t.Errorf("quote of a post anyone may quote: %q (with post %v)", state, withPost)
		}
		if quoter.served("/notes/free") != 0 {
			t.Errorf("the note was fetched again though no authorization was needed")
		}
	})
}

// TestQuoteOfRemotePostThreeServers runs three agora servers: carol (two)
// lets only her followers quote a post; dave (three), who follows her,
// quotes it, and his server gets her server's QuoteAuthorization; alice
// (one) follows both, and her server shows dave's post as a real quote
// once it verified that authorization with carol's server. When carol
// detaches dave's quote, her server's Delete of the authorization revokes
// it on alice's server too.
func TestQuoteOfRemotePostThreeServers(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.SQLite)
	three := startOn(t, "127.0.0.3", db.SQLite)
	alice, carol, dave := one.newUserToken(t, "alice"), two.newUserToken(t, "carol"), three.newUserToken(t, "dave")
	hostTwo, hostThree := strings.TrimPrefix(two.URL, "http://"), strings.TrimPrefix(three.URL, "http://")

	follow := func(s *server, u *user, acct string) {
		t.Helper()
		var a, rel jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct="+acct, u.token, nil, &a)
		s.mustAPI(t, "POST", "/api/v1/accounts/"+a["id"].(string)+"/follow", u.token, nil, &rel)
		outWait(t, u.Username+" following "+acct, func() bool { return s.relationship(t, u, a["id"].(string))["following"] == true })
	}
	follow(three, dave, "carol@"+hostTwo)
	follow(one, alice, "carol@"+hostTwo)
	follow(one, alice, "dave@"+hostThree)

	var orig jsonMap
	two.mustAPI(t, "POST", "/api/v1/statuses", carol.token, map[string][]string{"status": {"followers may quote"}, "quote_approval_policy": {"followers"}}, &orig)
	onThree := three.resolveStatus(t, dave, orig["uri"].(string))
	q, code := three.quoteOf(t, dave, onThree["id"].(string), "carol is right")
	if code != 200 {
		t.Fatalf("dave's quote: %d %v", code, q)
	}
	quoteURI := q["uri"].(string)
	outWait(t, "carol's authorization on dave's server", func() bool {
		id, _ := domain.ParseID(q["id"].(string))
		qs, err := three.App.Store.QuotesOf(context.Background(), []domain.ID{id})
		return err == nil && qs[id] != nil && qs[id].AuthorizationURI != ""
	})

	// alice's server shows dave's post as a quote of carol's.
	var onOne jsonMap
	outWait(t, "dave's quote accepted on alice's server", func() bool {
		st, err := one.App.Store.StatusByURI(context.Background(), quoteURI)
		if err != nil || one.storedQuoteState(t, st.ID.String()) != "accepted" {
			return false
		}
		one.mustAPI(t, "GET", "/api/v1/statuses/"+st.ID.String(), alice.token, nil, &onOne)
		return true
	})
	qd := onOne["quote"].(jsonMap)
	if qs, _ := qd["quoted_status"].(jsonMap); qs == nil || qs["uri"] != orig["uri"] {
		t.Errorf("quote on alice's server = %v", qd)
	}

	// carol detaches it: revoked on alice's server too.
	var quotes []jsonMap
	two.mustAPI(t, "GET", "/api/v1/statuses/"+orig["id"].(string)+"/quotes", carol.token, nil, &quotes)
	if len(quotes) != 1 {
		t.Fatalf("quotes of carol's post on her server = %v", quotes)
	}
	two.mustAPI(t, "POST", "/api/v1/statuses/"+orig["id"].(string)+"/quotes/"+quotes[0]["id"].(string)+"/revoke", carol.token, nil, nil)
	outWait(t, "dave's quote revoked on alice's server", func() bool {
		return one.storedQuoteState(t, onOne["id"].(string)) == "revoked"
	})
	var after jsonMap
	one.mustAPI(t, "GET", "/api/v1/statuses/"+onOne["id"].(string), alice.token, nil, &after)
	if qd, _ := after["quote"].(jsonMap); qd == nil || qd["quoted_status"] != nil {
		t.Errorf("revoked quote on alice's server = %v", after["quote"])
	}
}

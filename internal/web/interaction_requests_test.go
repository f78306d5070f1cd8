package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestInteractionRequestsPage: alice lets others ask to reply ("others may
// ask"); bob's reply waits (his flash says so, carol does not see it),
// alice finds it from her notifications (a link with the count, the
// pending notification with the reply) and approves it on
// /interaction_requests with a plain form; carol then reads it in the
// thread. The page is in French too.
func TestInteractionRequestsPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		s.NewUser(t, "bob")
		s.NewUser(t, "carol")
		ab, bb, cb := newBrowser(t, s), newBrowser(t, s), newBrowser(t, s)
		ab.signIn("alice")
		bb.signIn("bob")
		cb.signIn("carol")
		contains(t, ab.get("/", 200), `<option value="followers_ask">Your followers; others may ask</option>`)
		ab.post("/", "/web/statuses", url.Values{"status": {"Ask before replying"}, "visibility": {"public"}, "reply_policy": {"followers_ask"}}, http.StatusSeeOther)
		id, st := rdStatusOf(t, s, alice)
		if got := rdCanReply(st); len(got) == 0 || got[0] == "public" {
			t.Fatalf("can_reply automatic %v", got)
		}
		path := "/@alice/" + id

		// bob may ask: the form is there, with the sentence.
		p := bb.get(path, 200)
		contains(t, p, html.EscapeString("replies from others wait for the author’s approval"), `id="reply"`)
		p = bb.post(path, "/web/statuses", url.Values{"status": {"@alice may I join?"}, "in_reply_to_id": {id}, "return_to": {path}}, http.StatusSeeOther)
		contains(t, bb.get(p.Header.Get("Location"), 200), "it waits for the approval of the author you reply to")
		if strings.Contains(cb.get(path, 200).Body, "may I join?") {
			t.Error("the pending reply is shown to carol")
		}

		// alice: the link, the notification, the page.
		n := ab.get("/notifications", 200)
		contains(t, n, `<a href="/interaction_requests">Interaction requests (1)</a>`, "bob asks to reply to your post", "may I join?")
		rq := ab.get("/interaction_requests", 200)
		contains(t, rq, "<h1>Interaction requests</h1>", "bob asks to reply to your post", "may I join?", "Ask before replying",
			`<button name="do" value="authorize">Approve`)
		if strings.Contains(ab.get("/interaction_requests", 200).Body, "Nothing waits") {
			t.Error("empty message with a request")
		}
		ab.lang = "fr"
		contains(t, ab.get("/interaction_requests", 200), "<h1>Demandes d’interaction</h1>", "bob demande à répondre à votre message")
		ab.lang = "en"
		action := strings.SplitN(strings.SplitN(rq.Body, `<form method="post" action="/interaction_requests/`, 2)[1], `"`, 2)[0]
		p = ab.post("/interaction_requests", "/interaction_requests/"+action, url.Values{"do": {"authorize"}, "return_to": {"/interaction_requests"}}, http.StatusSeeOther)
		if p.Header.Get("Location") != "/interaction_requests" {
			t.Errorf("went to %q", p.Header.Get("Location"))
		}
		contains(t, ab.get("/interaction_requests", 200), "Approved.", "Nothing waits for your approval.")
		// Answering again (another tab) says so.
		ab.post("/interaction_requests", "/interaction_requests/"+action, url.Values{"do": {"reject"}}, http.StatusSeeOther)
		contains(t, ab.get("/interaction_requests", 200), "This request was already answered.")
		contains(t, cb.get(path, 200), "may I join?")
		// Someone else's request is not found.
		bb.post(path, "/interaction_requests/"+action, url.Values{"do": {"authorize"}}, http.StatusNotFound)
	})
}

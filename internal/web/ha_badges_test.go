package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestPendingReplyBadges checks that a reply waiting for the approval of
// the author it replies to says so to its author, in their language, then
// says that it was declined; and that it is not called "held for review"
// (no moderator holds it).
func TestPendingReplyBadges(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob")
		ab, bb := newBrowser(t, s), newBrowser(t, s)
		ab.signIn("alice")
		bb.signIn("bob")
		bb.lang = "fr"
		ab.post("/", "/web/statuses", url.Values{"status": {"Ask before replying"}, "visibility": {"public"}, "reply_policy": {"followers_ask"}}, http.StatusSeeOther)
		id, _ := rdStatusOf(t, s, alice)
		path := "/@alice/" + id
		bb.post(path, "/web/statuses", url.Values{"status": {"@alice puis-je ?"}, "in_reply_to_id": {id}, "visibility": {"unlisted"}, "return_to": {path}}, http.StatusSeeOther)
		replyID, _ := rdStatusOf(t, s, bob)
		replyPath := "/@bob/" + replyID

		for _, where := range []string{replyPath, "/@bob/with_replies"} {
			p := bb.get(where, 200)
			contains(t, p, `<span class="vis">En attente d’accord</span>`, `<span class="vis">Non listé</span>`)
			if strings.Contains(p.Body, "En attente de vérification") {
				t.Errorf("%s: the pending reply is called held for review", where)
			}
		}
		bb.lang = "en"
		contains(t, bb.get(replyPath, 200), `<span class="vis">Waiting for approval</span>`)
		// Posts that wait for nothing have no badge.
		if p := ab.get(path, 200); strings.Contains(p.Body, "Waiting for approval") || strings.Contains(p.Body, "Declined by") {
			t.Error("a badge on a post that waits for nothing")
		}

		// alice declines: bob sees it.
		rq := ab.get("/interaction_requests", 200)
		action := strings.SplitN(strings.SplitN(rq.Body, `<form method="post" action="/interaction_requests/`, 2)[1], `"`, 2)[0]
		ab.post("/interaction_requests", "/interaction_requests/"+action, url.Values{"do": {"reject"}}, http.StatusSeeOther)
		p := bb.get(replyPath, 200)
		contains(t, p, `<span class="vis">Declined by the author</span>`)
		if strings.Contains(p.Body, "Waiting for approval") {
			t.Error("a declined reply still waits")
		}
		bb.lang = "fr"
		contains(t, bb.get(replyPath, 200), `<span class="vis">Refusée par l’auteur·rice</span>`)
	})
}

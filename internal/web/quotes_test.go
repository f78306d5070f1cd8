package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestQuoteFlow quotes a post with JavaScript off (the quote page's form),
// shows the quote inside the quoting post, lets the quoted author detach
// it, and the author change who may quote, in English and French.
func TestQuoteFlow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		s.NewUser(t, "bob")
		s.NewUser(t, "carol")
		orig := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "the original words"}).Map(t)["id"].(string)
		origPath := "/@alice/" + orig

		bob := newBrowser(t, s)
		bob.signIn("bob")
		page := bob.get(origPath, 200)
		if !strings.Contains(page.Body, `href="/web/statuses/`+orig+`/quote"`) {
			t.Fatalf("no Quote link on the status page")
		}
		qp := bob.get("/web/statuses/"+orig+"/quote", 200)
		for _, want := range []string{`name="quoted_status_id" value="` + orig + `"`, "Quote @alice", `id="quote_policy"`, "the original words"} {
			if !strings.Contains(qp.Body, want) {
				t.Errorf("quote page lacks %q", want)
			}
		}
		res := bob.post("/web/statuses/"+orig+"/quote", "/web/statuses", url.Values{"status": {"my comment"},
			"quoted_status_id": {orig}, "quote_policy": {"nobody"}, "visibility": {"public"}}, http.StatusSeeOther)
		_ = res
		home := bob.get("/", 200).Body
		if !strings.Contains(home, `<article class="quote" aria-label="Quoted post by @alice"`) || !strings.Contains(home, "the original words") {
			t.Fatalf("home does not show the quote:\n%s", home)
		}
		quoteID := s.Must(t, 200, "GET", "/api/v1/statuses/"+orig+"/quotes", alice.Token, nil).List(t)[0]["id"].(string)
		quotePath := "/@bob/" + quoteID
		// bob chose nobody: carol gets no Quote link on bob's post.
		carol := newBrowser(t, s)
		carol.signIn("carol")
		if p := carol.get(quotePath, 200).Body; strings.Contains(p, "/web/statuses/"+quoteID+"/quote") || !strings.Contains(p, "Only @bob can quote this post.") {
			t.Errorf("carol's view of bob's quote offers quoting or lacks the rule")
		}

		// The quoted author detaches; everyone then sees the sentence.
		ab := newBrowser(t, s)
		ab.signIn("alice")
		if p := ab.get(quotePath, 200).Body; !strings.Contains(p, "Remove my post from this quote") {
			t.Fatalf("alice has no detach button")
		}
		ab.post(quotePath, "/web/statuses/"+orig, url.Values{"do": {"detach_quote"}, "quoting": {quoteID}}, http.StatusSeeOther)
		carol.lang = "fr"
		if p := carol.get(quotePath, 200).Body; strings.Contains(p, "the original words") || !strings.Contains(p, "L’auteur·rice du message cité l’a retiré de cette citation.") {
			t.Errorf("after detach, carol's page still quotes or lacks the French sentence")
		}

		// The author changes who may quote; a refused quote comes back
		// with a readable message.
		ab.post(origPath, "/web/statuses/"+orig, url.Values{"do": {"quote_policy"}, "quote_policy": {"followers"}}, http.StatusSeeOther)
		if p := carol.get(origPath, 200).Body; strings.Contains(p, "/web/statuses/"+orig+"/quote") || !strings.Contains(p, "Seuls les abonné·es de @alice peuvent citer ce message.") {
			t.Errorf("carol is offered to quote a followers-only quotable post")
		}
		carol.lang = "en"
		p := carol.post(origPath, "/web/statuses", url.Values{"status": {"sneaky"}, "quoted_status_id": {orig}}, http.StatusForbidden)
		if !strings.Contains(p.Body, "The author of this post does not let you quote it.") {
			t.Errorf("refusal page lacks the message")
		}

		// The default for new posts, in the settings.
		ab.post("/settings", "/settings/preferences", url.Values{"visibility": {"public"}, "quote_policy": {"nobody"}}, http.StatusSeeOther)
		if p := ab.get("/settings", 200).Body; !strings.Contains(p, `<option value="nobody" selected>`) {
			t.Errorf("settings do not show the saved quote default")
		}
		fresh := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "newer"}).Map(t)
		if a := fresh["quote_approval"].(map[string]any)["automatic"].([]any); len(a) != 0 {
			t.Errorf("a new post after the nobody default: automatic = %v", a)
		}
		ab.post("/settings", "/settings/preferences", url.Values{"visibility": {"public"}, "quote_policy": {"everyone"}}, http.StatusUnprocessableEntity)
	})
}

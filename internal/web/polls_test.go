package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestPollComposeAndVote posts a poll from the compose form and votes in
// it without JavaScript.
func TestPollComposeAndVote(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		s.NewUser(t, "bob")
		a := newBrowser(t, s)
		a.signIn("alice")
		contains(t, a.get("/", 200), `name="poll_option_0"`, `name="poll_expires_in"`, `name="poll_multiple"`)

		// One choice is not a poll: the form comes back open, as typed.
		p := a.post("/", "/web/statuses", url.Values{"status": {"Lunch?"}, "poll_option_0": {"Pizza"}, "poll_expires_in": {"3600"}}, 422)
		contains(t, p, "A poll needs 2 to 4 choices.", `value="Pizza"`, `<details class="poll-compose" open>`)
		p = a.post("/", "/web/statuses", url.Values{"status": {"Lunch?"}, "poll_option_0": {"Pizza"}, "poll_option_1": {"Pizza"},
			"poll_expires_in": {"3600"}}, 422)
		contains(t, p, "The choices of a poll must be different.")
		a.post("/", "/web/statuses", url.Values{"status": {"Lunch?"}, "poll_option_0": {"Pizza"}, "poll_option_1": {"Salad"},
			"poll_option_2": {"  "}, "poll_option_3": {"Soup"}, "poll_expires_in": {"3600"}}, 303)
		mine := a.get("/@alice", 200)
		contains(t, mine, "Lunch?", "Pizza", "Salad", "Soup", "0 people voted", `<progress max="100" value="0">`)
		if strings.Contains(mine.Body, `/votes"`) {
			t.Error("the author is offered to vote in their own poll")
		}
		m := regexp.MustCompile(`href="/@alice/(\d+)"`).FindStringSubmatch(mine.Body)
		if m == nil {
			t.Fatal("no link to the post")
		}
		post := "/@alice/" + m[1]

		b := newBrowser(t, s)
		b.signIn("bob")
		page := b.get(post, 200)
		contains(t, page, `action="/web/polls/`+m[1]+`/votes"`, `type="radio"`, "Poll: choose one answer")
		contains(t, b.post(post, "/web/polls/"+m[1]+"/votes", url.Values{"return_to": {post}}, 422), "Choose an answer before voting.")
		b.post(post, "/web/polls/"+m[1]+"/votes", url.Values{"choices": {"9"}, "return_to": {post}}, 422)
		p = b.post(post, "/web/polls/"+m[1]+"/votes", url.Values{"choices": {"2"}, "return_to": {post}}, 303)
		if loc := p.Header.Get("Location"); loc != post {
			t.Errorf("vote went back to %q", loc)
		}
		after := b.get(post, 200)
		contains(t, after, "Your vote is counted.", "1 person voted", "(your choice)", `<progress max="100" value="100">`)
		if strings.Contains(after.Body, `/votes"`) {
			t.Error("the vote form is still offered after voting")
		}
		// Anonymous visitors see the results without a form.
		anon := newBrowser(t, s).get(post, 200)
		contains(t, anon, "1 person voted", "Soup")
		if strings.Contains(anon.Body, `/votes"`) {
			t.Error("an anonymous visitor is offered to vote")
		}
	})
}

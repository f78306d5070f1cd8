package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
)

// TestServiceRefusalsInFrench posts French forms that the statuses
// service refuses (a poll's expiry, a language code, a second choice in a
// single-choice poll, a boost the author's policy refuses, hiding a reply
// in someone else's thread) and checks that each page says why in French,
// while the API keeps the English message.
func TestServiceRefusalsInFrench(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice := s.NewUser(t, "alice")
	bob := s.NewUser(t, "bob")
	b := newBrowser(t, s)
	b.lang = "fr"
	b.signIn("bob")

	refused := func(p *page, want, english string) {
		t.Helper()
		contains(t, p, want)
		if strings.Contains(p.Body, english) {
			t.Errorf("the English message %q is on the French page", english)
		}
	}

	// Posting: the poll's duration and the language, from the compose form.
	p := b.post("/", "/web/statuses", url.Values{"status": {"Sondage"}, "poll_option_0": {"oui"}, "poll_option_1": {"non"},
		"poll_expires_in": {"5"}}, http.StatusUnprocessableEntity)
	refused(p, "Un sondage dure de 300 à 2629746 secondes.", "expires_in must be")
	p = b.post("/", "/web/statuses", url.Values{"status": {"Bonjour"}, "language": {"zz9"}}, http.StatusUnprocessableEntity)
	refused(p, "« zz9 » n’est pas un code de langue (ISO 639-1).", "is not an ISO 639-1 code")

	// Voting twice in a single-choice poll.
	st := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "Thé ou café ?",
		"poll": map[string]any{"options": []string{"thé", "café"}, "expires_in": 3600}}).Map(t)
	pollID := st["poll"].(map[string]any)["id"].(string)
	path := "/@alice/" + st["id"].(string)
	p = b.post(path, "/web/polls/"+pollID+"/votes", url.Values{"choices": {"0", "1"}}, http.StatusUnprocessableEntity)
	refused(p, "Ce sondage n’accepte qu’un seul choix.", "This poll allows a single choice")

	// A boost of a post whose author accepts boosts from followers only.
	form := url.Values{"status": {"Partages entre amis"}}
	form.Add("interaction_policy[can_reblog][automatic_approval][]", "followers")
	st = s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, form).Map(t)
	path = "/@alice/" + st["id"].(string)
	p = b.post(path, "/web/statuses/"+st["id"].(string), url.Values{"do": {"boost"}, "return_to": {path}}, http.StatusForbidden)
	refused(p, "L’auteur n’accepte les partages que de ses abonnés.", "only accepts boosts")
	// The API says it in English, as before.
	r := s.Must(t, 403, "POST", "/api/v1/statuses/"+st["id"].(string)+"/reblog", bob.Token, nil)
	if msg := r.Map(t)["error"]; msg != "The author only accepts boosts from their followers" {
		t.Errorf("API refusal = %q", msg)
	}

	// Refusals naming several groups, some of them asked for approval.
	for _, c := range []struct {
		auto, manual []string
		want         string
	}{
		{[]string{"followers", "following", "mentioned"}, nil,
			"L’auteur n’accepte les partages que de ses abonnés, des personnes qu’il suit ou des personnes mentionnées dans le message."},
		{[]string{"followers"}, []string{"mentioned", "following"},
			"L’auteur n’accepte les partages que de ses abonnés ; les partages des personnes mentionnées dans le message ou des personnes qu’il suit demandent son accord."},
		{nil, []string{"followers"},
			"L’auteur n’accepte pas les partages sur ce message ; les partages de ses abonnés demandent son accord."},
	} {
		form := url.Values{"status": {"Partages"}}
		for _, v := range c.auto {
			form.Add("interaction_policy[can_reblog][automatic_approval][]", v)
		}
		for _, v := range c.manual {
			form.Add("interaction_policy[can_reblog][manual_approval][]", v)
		}
		if c.auto == nil {
			form.Add("interaction_policy[can_reblog][automatic_approval][]", "author")
		}
		id := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, form).Map(t)["id"].(string)
		p = b.post(path, "/web/statuses/"+id, url.Values{"do": {"boost"}, "return_to": {path}}, http.StatusForbidden)
		refused(p, c.want, "The author")
	}

	// Hiding a reply in a thread bob did not start.
	carol := s.NewUser(t, "carol")
	reply := s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "@alice oui", "in_reply_to_id": st["id"]}).Map(t)
	p = b.post(path, "/web/statuses/"+reply["id"].(string), url.Values{"do": {"hide_reply"}, "return_to": {path}}, http.StatusForbidden)
	refused(p, "Seul l’auteur d’une conversation peut en masquer les réponses.", "Only the author of a thread")
}

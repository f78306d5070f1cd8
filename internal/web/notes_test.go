package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/notes"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

func TestCommunityNotesPages(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		bob := s.NewUser(t, "bob")
		s.NewUser(t, "alice")
		s.NewUser(t, "carol")
		bobAcct, _ := s.App.Store.Account(ctx, bob.ID)
		svc := statuses.New(s.App.Cfg, s.App.Store)
		post, err := svc.Post(ctx, bobAcct, domain.Preferences{}, statuses.PostInput{Text: "The moon is made of cheese"})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := svc.Post(ctx, bobAcct, domain.Preferences{}, statuses.PostInput{Text: "followers only", Visibility: "private"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/@bob/" + post.String()

		// Alice writes a note; an empty one comes back with the error.
		alice := newBrowser(t, s)
		alice.signIn("alice")
		contains(t, alice.get(path, 200), "Write a note", `action="/web/statuses/`+post.String()+`/notes"`)
		p := alice.post(path, "/web/statuses/"+post.String()+"/notes", url.Values{"classification": {"misinformed_or_potentially_misleading"},
			"text": {" "}, "return_to": {path}}, 422)
		contains(t, p, `role="alert"`, `id="note-error"`)
		alice.post(path, "/web/statuses/"+post.String()+"/notes", url.Values{"classification": {"misinformed_or_potentially_misleading"},
			"text": {"Samples brought back in 1969 are rock."}, "return_to": {path}}, http.StatusSeeOther)
		p = alice.get(path, 200)
		contains(t, p, "Your note: it waits for ratings.")
		if strings.Contains(p.Body, "Write a note") {
			t.Error("one may write a second note on the same post")
		}
		// No notes on a followers-only post.
		if strings.Contains(bobBrowser(t, s).get("/@bob/"+secret.String(), 200).Body, "Write a note") {
			t.Error("a note form on a followers-only post")
		}

		// Carol rates it from /notes; anonymous readers do not see it yet.
		carol := newBrowser(t, s)
		carol.signIn("carol")
		p = carol.get("/notes", 200)
		contains(t, p, "Samples brought back in 1969 are rock.", "The moon is made of cheese", "Is this note helpful?")
		id := regexp.MustCompile(`action="/web/notes/(\d+)/rating"`).FindStringSubmatch(p.Body)[1]
		carol.post("/notes", "/web/notes/"+id+"/rating", url.Values{"helpfulness": {"helpful"}, "tags": {"clear", "good_sources"},
			"return_to": {"/notes"}}, http.StatusSeeOther)
		contains(t, carol.get("/notes", 200), "No notes wait for your rating.")
		anon := newBrowser(t, s)
		if strings.Contains(anon.get(path, 200).Body, "1969") {
			t.Error("an undecided note is shown to everyone")
		}

		// Once rated helpful by the model, everyone sees it with its reasons.
		nid, _ := domain.ParseID(id)
		for _, name := range []string{"dave", "erin"} {
			u := s.NewUser(t, name)
			if err := s.App.Store.RateCommunityNote(ctx, &store.NoteRating{NoteID: nid, AccountID: u.ID, Helpfulness: "helpful",
				Tags: []string{"good_sources"}}); err != nil {
				t.Fatal(err)
			}
		}
		score := 0.5
		if err := s.App.Store.SaveNoteScores(ctx, []store.NoteScore{{NoteID: nid, Status: notes.RatedHelpful, Intercept: &score}}); err != nil {
			t.Fatal(err)
		}
		p = anon.get(path, 200)
		contains(t, p, "Readers added context", "Samples brought back in 1969 are rock.", "Rated helpful by people who usually disagree.",
			"Good, trustworthy sources")
		anon.lang = "fr"
		contains(t, anon.get(path, 200), "Des lecteurs ont ajouté du contexte")
	}, "AGORA_NOTES_MIN_ACCOUNT_DAYS=0", "AGORA_RATE_LIMITS=false")
}

// bobBrowser is bob, signed in.
func bobBrowser(t *testing.T, s *apitest.Server) *browser {
	b := newBrowser(t, s)
	b.signIn("bob")
	return b
}

func TestNotesNeedAccountAge(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		b := newBrowser(t, s)
		b.signIn("alice")
		contains(t, b.get("/notes", 200), `role="alert"`, "30 days after joining")
	})
}

package mastodon_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/notes"
	"github.com/agora-social/agora/internal/statuses"
)

// TestCommunityNotes runs the "tiny" fixture of the reference scorer
// through the API: six notes on a post, rated by two camps of six; after
// scoring, the two notes both camps found helpful are shown to everyone
// with their reasons, the others stay with the raters.
func TestCommunityNotes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		poster := s.NewUser(t, "poster")
		post := s.Must(t, 200, "POST", "/api/v1/statuses", poster.Token, map[string]any{"status": "The moon is made of cheese"}).Map(t)["id"].(string)
		private := s.Must(t, 200, "POST", "/api/v1/statuses", poster.Token, map[string]any{"status": "friends only", "visibility": "private"}).Map(t)["id"].(string)

		// The fixture's ratings: note 2001..2006, raters L000..L005 and R000..R005.
		f, err := os.Open("../../notes/testdata/tiny.ratings.tsv")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		type rating struct{ note, rater, level string }
		var ratings []rating
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			c := strings.Split(sc.Text(), "\t")
			ratings = append(ratings, rating{c[0], c[1], map[string]string{"1.0": "helpful", "0.5": "somewhat_helpful", "0.0": "not_helpful"}[c[2]]})
		}
		users := map[string]*apitest.User{}
		user := func(name string) *apitest.User {
			if users[name] == nil {
				users[name] = s.NewUser(t, strings.ToLower(name))
			}
			return users[name]
		}
		noteIDs := map[string]string{}
		for i := 1; i <= 6; i++ {
			ref := fmt.Sprint(2000 + i)
			n := s.Must(t, 200, "POST", "/api/agora/v1/statuses/"+post+"/notes", user(fmt.Sprint("writer", i)).Token, map[string]any{
				"classification": "misinformed_or_potentially_misleading", "text": "Context " + ref + ": it is rock.", "language": "en"}).Map(t)
			if n["status"] != notes.NeedsMoreRatings || n["mine"] != true || n["account"] != nil {
				t.Fatalf("new note = %v", n)
			}
			noteIDs[ref] = n["id"].(string)
		}
		if got := s.Must(t, 200, "GET", "/api/agora/v1/statuses/"+post+"/notes", "", nil).List(t); len(got) != 0 {
			t.Errorf("anonymous readers see undecided notes: %v", got)
		}
		toRate := s.Must(t, 200, "GET", "/api/agora/v1/notes", user("L000").Token, nil).List(t)
		if len(toRate) != 6 {
			t.Errorf("notes to rate = %d, want 6", len(toRate))
		}
		for _, r := range ratings {
			body := map[string]any{"helpfulness": r.level}
			if r.level == "helpful" {
				body["tags"] = []string{"clear", "good_sources"}
			}
			s.Must(t, 200, "POST", "/api/agora/v1/notes/"+noteIDs[r.note]+"/rating", user(r.rater).Token, body)
		}
		if got := s.Must(t, 200, "GET", "/api/agora/v1/notes", user("L000").Token, nil).List(t); len(got) != 0 {
			t.Errorf("rated notes still offered: %v", got)
		}

		svc := notes.New(s.App.Store, statuses.New(s.App.Cfg, s.App.Store), nil)
		svc.MinRatingsPerRater = 1 // the fixture's raters rate 6 notes each
		if n, err := svc.Score(context.Background()); err != nil || n != 6 {
			t.Fatalf("Score = %d, %v", n, err)
		}
		shown := s.Must(t, 200, "GET", "/api/agora/v1/statuses/"+post+"/notes", "", nil).List(t)
		if len(shown) != 2 {
			t.Fatalf("helpful notes shown = %v, want the two bridging ones", shown)
		}
		for _, n := range shown {
			if n["id"] != noteIDs["2001"] && n["id"] != noteIDs["2002"] {
				t.Errorf("shown note %v is not a bridging one", n["text"])
			}
			if n["status"] != notes.RatedHelpful || n["helpful_score"].(float64) < 0.4 || n["ratings_count"] != float64(12) ||
				strings.Join(toStrings(n["top_reasons"]), ",") != "clear,good_sources" || n["mine"] != false {
				t.Errorf("shown note = %v", n)
			}
		}
		all := s.Must(t, 200, "GET", "/api/agora/v1/statuses/"+post+"/notes", user("R001").Token, nil).List(t)
		if len(all) != 6 || all[0]["status"] != notes.RatedHelpful || all[0]["my_rating"] == nil {
			t.Errorf("a rater's view = %v", all)
		}
		s.Must(t, 200, "GET", "/api/agora/v1/notes/"+noteIDs["2001"], "", nil)
		s.Must(t, 404, "GET", "/api/agora/v1/notes/"+noteIDs["2006"], "", nil)

		// Rules and errors.
		w1 := user("writer1").Token
		s.Must(t, 422, "POST", "/api/agora/v1/statuses/"+post+"/notes", w1, map[string]any{"classification": "not_misleading", "text": "again"})
		s.Must(t, 422, "POST", "/api/agora/v1/statuses/"+post+"/notes", poster.Token, map[string]any{"classification": "not_misleading", "text": "mine"})
		s.Must(t, 404, "POST", "/api/agora/v1/statuses/"+private+"/notes", w1, map[string]any{"classification": "not_misleading", "text": "x"})
		s.Must(t, 422, "POST", "/api/agora/v1/statuses/"+post+"/notes", user("L003").Token, map[string]any{"classification": "maybe", "text": "x"})
		s.Must(t, 422, "POST", "/api/agora/v1/statuses/"+post+"/notes", user("L003").Token, map[string]any{"classification": "not_misleading", "text": strings.Repeat("a", 501)})
		s.Must(t, 422, "POST", "/api/agora/v1/notes/"+noteIDs["2001"]+"/rating", w1, map[string]any{"helpfulness": "helpful"})
		s.Must(t, 422, "POST", "/api/agora/v1/notes/"+noteIDs["2003"]+"/rating", w1, map[string]any{"helpfulness": "great"})
		s.Must(t, 422, "POST", "/api/agora/v1/notes/"+noteIDs["2003"]+"/rating", w1, map[string]any{"helpfulness": "helpful", "tags": []string{"funny"}})
		s.Must(t, 422, "DELETE", "/api/agora/v1/notes/"+noteIDs["2001"], w1, nil)
		s.Must(t, 404, "DELETE", "/api/agora/v1/notes/"+noteIDs["2003"], w1, nil)
		s.Must(t, 200, "DELETE", "/api/agora/v1/notes/"+noteIDs["2003"], user("writer3").Token, nil)
		s.Must(t, 401, "POST", "/api/agora/v1/statuses/"+post+"/notes", "", map[string]any{"classification": "not_misleading", "text": "x"})
	}, "AGORA_NOTES_MIN_ACCOUNT_DAYS=0", "AGORA_RATE_LIMITS=false")
}

// TestCommunityNotesNeedSeniority: new accounts can neither write nor rate.
func TestCommunityNotesNeedSeniority(t *testing.T) {
	s := apitest.Start(t, "sqlite")
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	post := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "hello"}).Map(t)["id"].(string)
	r := s.Must(t, 403, "POST", "/api/agora/v1/statuses/"+post+"/notes", bob.Token, map[string]any{"classification": "not_misleading", "text": "x"})
	if !strings.Contains(string(r.Body), "30 days") {
		t.Errorf("error = %s", r.Body)
	}
	s.Must(t, 403, "GET", "/api/agora/v1/notes", bob.Token, nil)
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

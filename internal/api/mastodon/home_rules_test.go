package mastodon_test

import (
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func homeIDs(t *testing.T, s *apitest.Server, u *apitest.User) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, st := range s.Must(t, 200, "GET", "/api/v1/timelines/home", u.Token, nil).List(t) {
		out[st["id"].(string)] = true
	}
	return out
}

// Rules that other features add to the home timeline: members of an
// exclusive list are read in the list only, and a "hide" filter removes
// matching posts while a "warn" filter only marks them.
func TestHomeTimelineRules(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/follow", alice.Token, nil)
		fromBob := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "bob on the news"}).Map(t)["id"].(string)
		spoiler := s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "the ending of the film"}).Map(t)["id"].(string)
		warned := s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "a football result"}).Map(t)["id"].(string)

		home := homeIDs(t, s, alice)
		if !home[fromBob] || !home[spoiler] || !home[warned] {
			t.Fatalf("home before rules = %v", home)
		}
		list := s.Must(t, 200, "POST", "/api/v1/lists", alice.Token, map[string]any{"title": "News", "exclusive": true}).Map(t)["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/lists/"+list+"/accounts", alice.Token, map[string]any{"account_ids": []string{bob.AccountID}})
		s.Must(t, 200, "POST", "/api/v2/filters", alice.Token, map[string]any{"title": "spoilers", "context": []string{"home"}, "filter_action": "hide",
			"keywords_attributes": []map[string]any{{"keyword": "ending", "whole_word": true}}})
		s.Must(t, 200, "POST", "/api/v2/filters", alice.Token, map[string]any{"title": "sport", "context": []string{"home"}, "filter_action": "warn",
			"keywords_attributes": []map[string]any{{"keyword": "football"}}})

		home = homeIDs(t, s, alice)
		if home[fromBob] {
			t.Errorf("a member of an exclusive list is still in home")
		}
		if home[spoiler] {
			t.Errorf("a post matched by a hide filter is still in home")
		}
		if !home[warned] {
			t.Errorf("a post matched by a warn filter left home; it should be marked")
		}
		for _, st := range s.Must(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil).List(t) {
			if st["id"] == warned && len(st["filtered"].([]any)) != 1 {
				t.Errorf("warned post filtered = %v", st["filtered"])
			}
		}
		inList := s.Must(t, 200, "GET", "/api/v1/timelines/list/"+list, alice.Token, nil).List(t)
		if len(inList) != 1 || inList[0]["id"] != fromBob {
			t.Errorf("list timeline = %v, want bob's post", inList)
		}
		// Asked for by id, a hidden post is shown, marked as filtered.
		one := s.Must(t, 200, "GET", "/api/v1/statuses/"+spoiler, alice.Token, nil).Map(t)
		if one["id"] != spoiler {
			t.Errorf("get by id = %v", one["id"])
		}
	})
}

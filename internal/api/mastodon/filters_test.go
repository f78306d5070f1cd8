package mastodon_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestFiltersV2API(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		f := s.Must(t, 200, "POST", "/api/v2/filters", alice.Token, map[string]any{
			"title": "TV", "context": []string{"home", "public"}, "filter_action": "warn", "expires_in": 3600,
			"keywords_attributes": []map[string]any{{"keyword": "finale", "whole_word": true}, {"keyword": "spoil", "whole_word": false}},
		}).Map(t)
		if f["title"] != "TV" || f["filter_action"] != "warn" || f["expires_at"] == nil || len(f["keywords"].([]any)) != 2 ||
			len(f["context"].([]any)) != 2 || f["statuses"] == nil {
			t.Fatalf("created filter = %v", f)
		}
		id := f["id"].(string)
		kw := f["keywords"].([]any)[1].(map[string]any)

		// Form encoding with Rails-indexed keyword attributes; no expiry.
		f2 := s.Must(t, 200, "POST", "/api/v2/filters", alice.Token, url.Values{
			"title": {"Politics"}, "context[]": {"home"}, "filter_action": {"hide"},
			"keywords_attributes[0][keyword]": {"election"},
		}).Map(t)
		if f2["expires_at"] != nil || f2["filter_action"] != "hide" || f2["keywords"].([]any)[0].(map[string]any)["whole_word"] != true {
			t.Errorf("form-created filter = %v", f2)
		}

		// Update: rename, destroy a keyword, keep the other, add one; clear the expiry.
		up := s.Must(t, 200, "PUT", "/api/v2/filters/"+id, alice.Token, map[string]any{
			"title": "Television", "expires_in": "",
			"keywords_attributes": []map[string]any{{"id": kw["id"], "_destroy": true}, {"keyword": "season"}},
		}).Map(t)
		kws := up["keywords"].([]any)
		if up["title"] != "Television" || up["expires_at"] != nil || len(kws) != 2 ||
			kws[0].(map[string]any)["keyword"] != "finale" || kws[1].(map[string]any)["keyword"] != "season" {
			t.Errorf("updated filter = %v", up)
		}

		// An edit naming only whole_word keeps the keyword's text.
		finaleID := kws[0].(map[string]any)["id"]
		up = s.Must(t, 200, "PUT", "/api/v2/filters/"+id, alice.Token, map[string]any{
			"keywords_attributes": []map[string]any{{"id": finaleID, "whole_word": false}},
		}).Map(t)
		if k0 := up["keywords"].([]any)[0].(map[string]any); k0["keyword"] != "finale" || k0["whole_word"] != false {
			t.Errorf("whole_word-only edit = %v", k0)
		}
		// A keyword of another filter cannot be edited through this one.
		otherKw := f2["keywords"].([]any)[0].(map[string]any)["id"]
		s.Must(t, 404, "PUT", "/api/v2/filters/"+id, alice.Token, map[string]any{
			"keywords_attributes": []map[string]any{{"id": otherKw, "keyword": "stolen"}},
		})

		// Keyword and status sub-resources.
		k := s.Must(t, 200, "POST", "/api/v2/filters/"+id+"/keywords", alice.Token, url.Values{"keyword": {"episode"}, "whole_word": {"false"}}).Map(t)
		if k["keyword"] != "episode" || k["whole_word"] != false {
			t.Errorf("added keyword = %v", k)
		}
		if got := s.Must(t, 200, "GET", "/api/v2/filters/"+id+"/keywords", alice.Token, nil).List(t); len(got) != 3 {
			t.Errorf("keywords = %v", got)
		}
		k = s.Must(t, 200, "PUT", "/api/v2/filters/keywords/"+k["id"].(string), alice.Token, url.Values{"keyword": {"episodes"}}).Map(t)
		if k["keyword"] != "episodes" || k["whole_word"] != false {
			t.Errorf("edited keyword = %v", k)
		}
		s.Must(t, 200, "GET", "/api/v2/filters/keywords/"+k["id"].(string), alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v2/filters/keywords/"+k["id"].(string), bob.Token, nil)
		s.Must(t, 404, "PUT", "/api/v2/filters/keywords/"+k["id"].(string), bob.Token, url.Values{"keyword": {"x"}})
		s.Must(t, 404, "DELETE", "/api/v2/filters/keywords/"+k["id"].(string), bob.Token, nil)
		s.Must(t, 200, "DELETE", "/api/v2/filters/keywords/"+k["id"].(string), alice.Token, nil)

		post := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"hello"}}).Map(t)
		fs := s.Must(t, 200, "POST", "/api/v2/filters/"+id+"/statuses", alice.Token, url.Values{"status_id": {post["id"].(string)}}).Map(t)
		if fs["status_id"] != post["id"] {
			t.Errorf("filter status = %v", fs)
		}
		s.Must(t, 422, "POST", "/api/v2/filters/"+id+"/statuses", alice.Token, url.Values{"status_id": {post["id"].(string)}})
		s.Must(t, 404, "POST", "/api/v2/filters/"+id+"/statuses", alice.Token, url.Values{"status_id": {"12345"}})
		secret := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"followers only"}, "visibility": {"private"}}).Map(t)
		s.Must(t, 404, "POST", "/api/v2/filters/"+id+"/statuses", alice.Token, url.Values{"status_id": {secret["id"].(string)}})
		if got := s.Must(t, 200, "GET", "/api/v2/filters/"+id+"/statuses", alice.Token, nil).List(t); len(got) != 1 {
			t.Errorf("filter statuses = %v", got)
		}
		s.Must(t, 404, "GET", "/api/v2/filters/statuses/"+fs["id"].(string), bob.Token, nil)
		s.Must(t, 200, "GET", "/api/v2/filters/statuses/"+fs["id"].(string), alice.Token, nil)
		s.Must(t, 200, "DELETE", "/api/v2/filters/statuses/"+fs["id"].(string), alice.Token, nil)

		// Bad input.
		for _, body := range []map[string]any{
			{"context": []string{"home"}},
			{"title": "x"},
			{"title": "x", "context": []string{"home", "everywhere"}},
			{"title": "x", "context": []string{"home"}, "filter_action": "delete"},
			{"title": strings.Repeat("x", 257), "context": []string{"home"}},
			{"title": "x", "context": []string{"home"}, "expires_in": -5},
			{"title": "x", "context": []string{"home"}, "keywords_attributes": []map[string]any{{"keyword": ""}}},
			{"title": "x", "context": []string{"home"}, "keywords_attributes": []map[string]any{{"keyword": strings.Repeat("k", 257)}}},
		} {
			if r := s.Must(t, 422, "POST", "/api/v2/filters", alice.Token, body).Map(t); r["error"] == "" {
				t.Errorf("422 without message for %v", body)
			}
		}
		s.Must(t, 422, "PUT", "/api/v2/filters/"+id, alice.Token, url.Values{"context[]": {"nowhere"}})

		// Other users' filters do not exist for them.
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			s.Must(t, 404, m, "/api/v2/filters/"+id, bob.Token, url.Values{"title": {"x"}})
		}
		s.Must(t, 404, "GET", "/api/v2/filters/"+id+"/keywords", bob.Token, nil)
		s.Must(t, 404, "POST", "/api/v2/filters/"+id+"/keywords", bob.Token, url.Values{"keyword": {"x"}})
		if got := s.Must(t, 200, "GET", "/api/v2/filters", bob.Token, nil).List(t); len(got) != 0 {
			t.Errorf("bob's filters = %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/v2/filters", alice.Token, nil).List(t); len(got) != 2 {
			t.Errorf("alice's filters = %v", got)
		}

		// Scopes.
		read := lfToken(t, s, alice, "read:filters")
		s.Must(t, 200, "GET", "/api/v2/filters/"+id, read, nil)
		s.Must(t, 403, "DELETE", "/api/v2/filters/"+id, read, nil)
		s.Must(t, 403, "GET", "/api/v2/filters", lfToken(t, s, alice, "read:lists"), nil)

		s.Must(t, 200, "DELETE", "/api/v2/filters/"+id, alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v2/filters/"+id, alice.Token, nil)
	})
}

func TestFiltersV1API(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		f := s.Must(t, 200, "POST", "/api/v1/filters", alice.Token, url.Values{
			"phrase": {"Finale"}, "context[]": {"home", "notifications"}, "irreversible": {"true"}, "whole_word": {"false"},
		}).Map(t)
		if f["phrase"] != "Finale" || f["irreversible"] != true || f["whole_word"] != false || len(f["context"].([]any)) != 2 {
			t.Fatalf("v1 filter = %v", f)
		}
		id := f["id"].(string)
		// The v1 filter is a v2 filter with one keyword and the hide action.
		v2 := s.Must(t, 200, "GET", "/api/v2/filters", alice.Token, nil).List(t)
		if len(v2) != 1 || v2[0]["title"] != "Finale" || v2[0]["filter_action"] != "hide" {
			t.Fatalf("v2 view of a v1 filter = %v", v2)
		}
		up := s.Must(t, 200, "PUT", "/api/v1/filters/"+id, alice.Token, url.Values{"phrase": {"Ending"}, "irreversible": {"false"}, "context[]": {"public"}}).Map(t)
		if up["phrase"] != "Ending" || up["irreversible"] != false || up["context"].([]any)[0] != "public" {
			t.Errorf("updated v1 filter = %v", up)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/filters", alice.Token, nil).List(t); len(got) != 1 || got[0]["id"] != id {
			t.Errorf("v1 filters = %v", got)
		}
		s.Must(t, 404, "GET", "/api/v1/filters/"+id, bob.Token, nil)
		s.Must(t, 404, "PUT", "/api/v1/filters/"+id, bob.Token, url.Values{"phrase": {"x"}})
		s.Must(t, 404, "DELETE", "/api/v1/filters/"+id, bob.Token, nil)
		s.Must(t, 422, "POST", "/api/v1/filters", alice.Token, url.Values{"phrase": {"x"}})
		s.Must(t, 422, "POST", "/api/v1/filters", alice.Token, url.Values{"context[]": {"home"}})
		s.Must(t, 422, "POST", "/api/v1/filters", alice.Token, url.Values{"phrase": {"x"}, "context[]": {"inbox"}})
		// v1 cannot change the filter-wide settings of a filter with several keywords.
		v2id := v2[0]["id"].(string)
		s.Must(t, 200, "POST", "/api/v2/filters/"+v2id+"/keywords", alice.Token, url.Values{"keyword": {"credits"}})
		s.Must(t, 422, "PUT", "/api/v1/filters/"+id, alice.Token, url.Values{"context[]": {"home"}})
		s.Must(t, 200, "PUT", "/api/v1/filters/"+id, alice.Token, url.Values{"phrase": {"Epilogue"}})
		if got := s.Must(t, 200, "GET", "/api/v1/filters", alice.Token, nil).List(t); len(got) != 2 {
			t.Errorf("v1 filters of a two-keyword filter = %v, want 2", got)
		}
		s.Must(t, 200, "DELETE", "/api/v2/filters/keywords/"+lfKeywordID(t, s, alice.Token, v2id, "credits"), alice.Token, nil)
		s.Must(t, 200, "DELETE", "/api/v1/filters/"+id, alice.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v2/filters", alice.Token, nil).List(t); len(got) != 0 {
			t.Errorf("deleting the only keyword left its filter: %v", got)
		}
	})
}

// TestFilteredStatuses checks filterResults through rendered statuses:
// warn filters mark statuses, hide filters remove them once the renderer
// uses hiddenByFilter.
func TestFilteredStatuses(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v2/filters", alice.Token, map[string]any{
			"title": "TV", "context": []string{"home"}, "keywords_attributes": []map[string]any{{"keyword": "finale"}},
		})
		st := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"The FINALE tonight"}}).Map(t)
		other := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"finales"}}).Map(t)
		poll := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "vote",
			"poll": map[string]any{"options": []string{"pilot", "finale"}, "expires_in": 3600}}).Map(t)
		home := s.Must(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil).List(t)
		byID := map[string]map[string]any{}
		for _, x := range home {
			byID[x["id"].(string)] = x
		}
		if x := byID[st["id"].(string)]; x == nil {
			t.Fatalf("status missing from home: %v", lfIDs(home))
		} else if fl := x["filtered"].([]any); len(fl) != 1 {
			t.Errorf("filtered = %v, want one result", fl)
		} else {
			r := fl[0].(map[string]any)
			if r["filter"].(map[string]any)["title"] != "TV" || r["keyword_matches"].([]any)[0] != "finale" || r["status_matches"] != nil {
				t.Errorf("filter result = %v", r)
			}
		}
		if x := byID[poll["id"].(string)]; x == nil || len(x["filtered"].([]any)) != 1 {
			t.Errorf("poll options not matched: %v", x)
		}
		if x := byID[other["id"].(string)]; x == nil || len(x["filtered"].([]any)) != 0 {
			t.Errorf("whole-word keyword matched %v", x)
		}
		// Bob's own view is not filtered by alice's filters.
		mine := s.Must(t, 200, "GET", "/api/v1/statuses/"+st["id"].(string), bob.Token, nil).Map(t)
		if len(mine["filtered"].([]any)) != 0 {
			t.Errorf("bob sees alice's filter: %v", mine["filtered"])
		}
	})
}

// lfKeywordID finds the id of a keyword of a v2 filter.
func lfKeywordID(t *testing.T, s *apitest.Server, token, filterID, keyword string) string {
	t.Helper()
	for _, k := range s.Must(t, 200, "GET", "/api/v2/filters/"+filterID+"/keywords", token, nil).List(t) {
		if k["keyword"] == keyword {
			return k["id"].(string)
		}
	}
	t.Fatalf("no keyword %q in filter %s", keyword, filterID)
	return ""
}

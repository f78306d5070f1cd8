package mastodon_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestTagsAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		tag := s.Must(t, 200, "GET", "/api/v1/tags/GoLang", alice.Token, nil).Map(t)
		if tag["name"] != "GoLang" || tag["following"] != false || len(tag["history"].([]any)) != 0 || !strings.HasSuffix(tag["url"].(string), "/tags/golang") {
			t.Errorf("unknown tag = %v", tag)
		}
		if anon := s.Must(t, 200, "GET", "/api/v1/tags/golang", "", nil).Map(t); anon["following"] != nil {
			t.Errorf("anonymous tag has following: %v", anon)
		}
		for _, bad := range []string{"not-a-tag", "123", strings.Repeat("a", 101), "%F0%9F%98%80"} {
			s.Must(t, 404, "GET", "/api/v1/tags/"+bad, alice.Token, nil)
		}
		s.Must(t, 200, "GET", "/api/v1/tags/caf%C3%A9_2", alice.Token, nil)

		f := s.Must(t, 200, "POST", "/api/v1/tags/GoLang/follow", alice.Token, nil).Map(t)
		if f["following"] != true || f["name"] != "GoLang" || f["id"] == "" {
			t.Errorf("followed tag = %v", f)
		}
		s.Must(t, 200, "POST", "/api/v1/tags/rust/follow", alice.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/tags/golang", bob.Token, nil).Map(t); got["following"] != false {
			t.Errorf("bob follows alice's tag: %v", got)
		}
		page := s.Must(t, 200, "GET", "/api/v1/followed_tags?limit=1", alice.Token, nil)
		if got := page.List(t); len(got) != 1 || got[0]["name"] != "rust" || got[0]["following"] != true {
			t.Errorf("followed tags page = %v", got)
		}
		if !strings.Contains(page.Header.Get("Link"), `rel="next"`) {
			t.Errorf("followed_tags Link = %q", page.Header.Get("Link"))
		}
		if got := s.Must(t, 200, "POST", "/api/v1/tags/golang/unfollow", alice.Token, nil).Map(t); got["following"] != false {
			t.Errorf("unfollowed tag = %v", got)
		}
		s.Must(t, 404, "POST", "/api/v1/tags/no-pe/follow", alice.Token, nil)
		s.Must(t, 401, "POST", "/api/v1/tags/golang/follow", "", nil)
		s.Must(t, 403, "POST", "/api/v1/tags/golang/follow", lfToken(t, s, alice, "read"), nil)

		// Featured tags.
		s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"hello #Cats"}})
		sugg := s.Must(t, 200, "GET", "/api/v1/featured_tags/suggestions", alice.Token, nil).List(t)
		if len(sugg) != 1 || !strings.EqualFold(sugg[0]["name"].(string), "cats") {
			t.Errorf("suggestions = %v", sugg)
		}
		ft := s.Must(t, 200, "POST", "/api/v1/featured_tags", alice.Token, url.Values{"name": {"cats"}}).Map(t)
		if ft["statuses_count"] != "1" || ft["last_status_at"] == nil || !strings.Contains(ft["url"].(string), "/tagged/cats") {
			t.Errorf("featured tag = %v", ft)
		}
		s.Must(t, 422, "POST", "/api/v1/featured_tags", alice.Token, url.Values{"name": {"cats"}})
		s.Must(t, 422, "POST", "/api/v1/featured_tags", alice.Token, url.Values{"name": {"bad tag"}})
		s.Must(t, 422, "POST", "/api/v1/featured_tags", alice.Token, url.Values{})
		for i := range 9 {
			s.Must(t, 200, "POST", "/api/v1/featured_tags", alice.Token, url.Values{"name": {"tag" + string(rune('a'+i))}})
		}
		if r := s.Must(t, 422, "POST", "/api/v1/featured_tags", alice.Token, url.Values{"name": {"eleventh"}}).Map(t); !strings.Contains(r["error"].(string), "10") {
			t.Errorf("11th featured tag error = %v", r)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID+"/featured_tags", "", nil).List(t); len(got) != 10 {
			t.Errorf("alice's featured tags seen anonymously: %d, want 10", len(got))
		}
		if got := s.Must(t, 200, "GET", "/api/v1/featured_tags", bob.Token, nil).List(t); len(got) != 0 {
			t.Errorf("bob's featured tags = %v", got)
		}
		s.Must(t, 404, "DELETE", "/api/v1/featured_tags/"+ft["id"].(string), bob.Token, nil)
		s.Must(t, 200, "DELETE", "/api/v1/featured_tags/"+ft["id"].(string), alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v1/accounts/123/featured_tags", "", nil)
	})
}

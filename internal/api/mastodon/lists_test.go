package mastodon_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// lfToken returns a new token of u limited to scopes.
func lfToken(t *testing.T, s *apitest.Server, u *apitest.User, scopes ...string) string {
	t.Helper()
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(context.Background(), auth.HashSecret(tok), &domain.Token{UserID: u.UserID, Scopes: domain.Scopes(scopes)}); err != nil {
		t.Fatal(err)
	}
	return tok
}

// lfIDs returns the "id" of each object.
func lfIDs(list []map[string]any) []string {
	out := []string{}
	for _, m := range list {
		out = append(out, m["id"].(string))
	}
	return out
}

func TestListsAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		l := s.Must(t, 200, "POST", "/api/v1/lists", alice.Token, url.Values{"title": {"Friends"}}).Map(t)
		if l["title"] != "Friends" || l["replies_policy"] != "list" || l["exclusive"] != false || l["id"] == "" {
			t.Fatalf("created list = %v", l)
		}
		id := l["id"].(string)
		l2 := s.Must(t, 200, "POST", "/api/v1/lists", alice.Token, map[string]any{"title": "News", "replies_policy": "none", "exclusive": true}).Map(t)
		if l2["replies_policy"] != "none" || l2["exclusive"] != true {
			t.Errorf("JSON-created list = %v", l2)
		}
		if got := lfIDs(s.Must(t, 200, "GET", "/api/v1/lists", alice.Token, nil).List(t)); len(got) != 2 || got[0] != id {
			t.Errorf("GET lists = %v", got)
		}
		up := s.Must(t, 200, "PUT", "/api/v1/lists/"+id, alice.Token, url.Values{"title": {"Close friends"}, "replies_policy": {"followed"}}).Map(t)
		if up["title"] != "Close friends" || up["replies_policy"] != "followed" {
			t.Errorf("updated list = %v", up)
		}

		// Bad input.
		for _, body := range []url.Values{
			{},
			{"title": {"  "}},
			{"title": {strings.Repeat("x", 101)}},
			{"title": {"ok"}, "replies_policy": {"everyone"}},
			{"title": {"ok"}, "exclusive": {"maybe"}},
		} {
			if r := s.Must(t, 422, "POST", "/api/v1/lists", alice.Token, body).Map(t); r["error"] == "" {
				t.Errorf("422 without a message for %v", body)
			}
		}
		s.Must(t, 422, "PUT", "/api/v1/lists/"+id, alice.Token, url.Values{"title": {strings.Repeat("é", 101)}})

		// Another user's list does not exist for bob.
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			s.Must(t, 404, m, "/api/v1/lists/"+id, bob.Token, url.Values{"title": {"mine"}})
		}
		s.Must(t, 404, "GET", "/api/v1/lists/"+id+"/accounts", bob.Token, nil)
		s.Must(t, 404, "POST", "/api/v1/lists/"+id+"/accounts", bob.Token, url.Values{"account_ids[]": {alice.AccountID}})
		s.Must(t, 404, "GET", "/api/v1/timelines/list/"+id, bob.Token, nil)
		s.Must(t, 404, "GET", "/api/v1/lists/nope", alice.Token, nil)

		// Members must be followed.
		s.Must(t, 422, "POST", "/api/v1/lists/"+id+"/accounts", alice.Token, url.Values{"account_ids[]": {bob.AccountID}})
		s.Must(t, 422, "POST", "/api/v1/lists/"+id+"/accounts", alice.Token, url.Values{})
		s.Must(t, 422, "POST", "/api/v1/lists/"+id+"/accounts", alice.Token, url.Values{"account_ids[]": {"abc"}})
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/lists/"+id+"/accounts", alice.Token, map[string]any{"account_ids": []string{bob.AccountID, carol.AccountID}})
		members := s.Must(t, 200, "GET", "/api/v1/lists/"+id+"/accounts?limit=1", alice.Token, nil)
		if got := lfIDs(members.List(t)); len(got) != 1 || got[0] != carol.AccountID {
			t.Errorf("first page of members = %v, want [carol]", got)
		}
		if link := members.Header.Get("Link"); !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "max_id=") {
			t.Errorf("members Link = %q", link)
		}
		if got := lfIDs(s.Must(t, 200, "GET", "/api/v1/lists/"+id+"/accounts?limit=0", alice.Token, nil).List(t)); len(got) != 2 {
			t.Errorf("limit=0 members = %v, want both", got)
		}
		if got := lfIDs(s.Must(t, 200, "GET", "/api/v1/accounts/"+bob.AccountID+"/lists", alice.Token, nil).List(t)); len(got) != 1 || got[0] != id {
			t.Errorf("lists containing bob = %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/accounts/"+bob.AccountID+"/lists", carol.Token, nil).List(t); len(got) != 0 {
			t.Errorf("carol sees alice's lists: %v", got)
		}
		s.Must(t, 200, "DELETE", "/api/v1/lists/"+id+"/accounts?account_ids[]="+carol.AccountID, alice.Token, nil)
		if got := lfIDs(s.Must(t, 200, "GET", "/api/v1/lists/"+id+"/accounts", alice.Token, nil).List(t)); len(got) != 1 || got[0] != bob.AccountID {
			t.Errorf("after removing carol: %v", got)
		}

		// The list timeline holds bob's posts, not carol's.
		bp := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, url.Values{"status": {"from bob"}}).Map(t)
		s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, url.Values{"status": {"from carol"}})
		tl := s.Must(t, 200, "GET", "/api/v1/timelines/list/"+id, alice.Token, nil)
		if got := lfIDs(tl.List(t)); len(got) != 1 || got[0] != bp["id"] {
			t.Errorf("list timeline = %v, want [%v]", got, bp["id"])
		}
		if !strings.Contains(tl.Header.Get("Link"), "max_id="+bp["id"].(string)) {
			t.Errorf("list timeline Link = %q", tl.Header.Get("Link"))
		}

		s.Must(t, 200, "DELETE", "/api/v1/lists/"+id, alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v1/lists/"+id, alice.Token, nil)
	})
}

func TestListsLimitAndScopes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		for i := range 50 {
			s.Must(t, 200, "POST", "/api/v1/lists", alice.Token, url.Values{"title": {"list " + string(rune('A'+i%26))}})
		}
		if r := s.Must(t, 422, "POST", "/api/v1/lists", alice.Token, url.Values{"title": {"one too many"}}).Map(t); !strings.Contains(r["error"].(string), "50") {
			t.Errorf("51st list error = %v", r)
		}
		read := lfToken(t, s, alice, "read:lists")
		s.Must(t, 200, "GET", "/api/v1/lists", read, nil)
		s.Must(t, 403, "POST", "/api/v1/lists", read, url.Values{"title": {"x"}})
		other := lfToken(t, s, alice, "read:statuses")
		s.Must(t, 403, "GET", "/api/v1/lists", other, nil)
		s.Must(t, 401, "GET", "/api/v1/lists", "", nil)
	})
}

package mastodon_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// gRel fetches u's relationship to the account id.
func gRel(t *testing.T, s *apitest.Server, u *apitest.User, id string) map[string]any {
	t.Helper()
	rs := s.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+id, u.Token, nil).List(t)
	if len(rs) != 1 {
		t.Fatalf("relationships for %s: got %d, want 1", id, len(rs))
	}
	return rs[0]
}

// gWant checks boolean flags of a relationship.
func gWant(t *testing.T, rel map[string]any, want map[string]bool) {
	t.Helper()
	for k, v := range want {
		if rel[k] != v {
			t.Errorf("relationship %s = %v, want %v (%v)", k, rel[k], v, rel)
		}
	}
}

// gInt runs a query returning one integer.
func gInt(t *testing.T, s *apitest.Server, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.App.DB.R.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// gCounts returns an account's followers and following counts as the API shows them.
func gCounts(t *testing.T, s *apitest.Server, u *apitest.User) (followers, following float64) {
	t.Helper()
	m := s.Must(t, 200, "GET", "/api/v1/accounts/"+u.AccountID, "", nil).Map(t)
	return m["followers_count"].(float64), m["following_count"].(float64)
}

// gStatus inserts a status row directly (the statuses service is built
// elsewhere) and returns its id.
func gStatus(t *testing.T, s *apitest.Server, author domain.ID, vis domain.Visibility, reblogOf domain.ID, imported bool) domain.ID {
	t.Helper()
	id := s.App.Store.IDs.Next()
	var reblog any
	if reblogOf != 0 {
		reblog = int64(reblogOf)
	}
	_, err := s.App.DB.W.ExecContext(context.Background(), `INSERT INTO statuses (id, account_id, visibility, reblog_of_id,
		conversation_id, imported, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		int64(id), int64(author), string(vis), reblog, int64(id), imported, int64(id)>>16)
	if err != nil {
		t.Fatalf("insert status: %v", err)
	}
	return id
}

// gFeed lists the status ids in reader's home feed.
func gFeed(t *testing.T, s *apitest.Server, reader domain.ID) []domain.ID {
	t.Helper()
	rows, err := s.App.DB.R.QueryContext(context.Background(), `SELECT status_id FROM home_feed WHERE account_id = $1 ORDER BY status_id`, int64(reader))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []domain.ID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, domain.ID(id))
	}
	return out
}

func TestFollowPublicAccount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		rel := s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"following": true, "showing_reblogs": true, "notifying": false, "requested": false, "followed_by": false})
		if rel["id"] != bob.AccountID || rel["languages"] != nil || rel["note"] != "" {
			t.Errorf("relationship = %v", rel)
		}
		gWant(t, gRel(t, s, bob, alice.AccountID), map[string]bool{"followed_by": true, "following": false})
		if f, g := gCounts(t, s, bob); f != 1 || g != 0 {
			t.Errorf("bob counts = %v/%v, want 1/0", f, g)
		}
		if f, g := gCounts(t, s, alice); f != 0 || g != 1 {
			t.Errorf("alice counts = %v/%v, want 0/1", f, g)
		}
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND type = 'follow'`, int64(bob.ID), int64(alice.ID)); n != 1 {
			t.Errorf("follow notifications = %d, want 1", n)
		}

		// Following again updates the options, not the counters.
		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token,
			map[string]any{"reblogs": false, "notify": true, "languages": []string{"fr", "en"}}).Map(t)
		gWant(t, rel, map[string]bool{"following": true, "showing_reblogs": false, "notifying": true})
		if langs, _ := rel["languages"].([]any); len(langs) != 2 || langs[0] != "fr" {
			t.Errorf("languages = %v", rel["languages"])
		}
		if f, _ := gCounts(t, s, bob); f != 1 {
			t.Errorf("bob followers after refollow = %v, want 1", f)
		}
		if n := gInt(t, s, `SELECT count(*) FROM notifications WHERE account_id = $1`, int64(bob.ID)); n != 1 {
			t.Errorf("notifications after refollow = %d, want 1", n)
		}

		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/unfollow", alice.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"following": false, "showing_reblogs": false})
		if f, _ := gCounts(t, s, bob); f != 0 {
			t.Errorf("bob followers after unfollow = %v, want 0", f)
		}
		if _, g := gCounts(t, s, alice); g != 0 {
			t.Errorf("alice following after unfollow = %v, want 0", g)
		}
		// Unfollowing again changes nothing.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/unfollow", alice.Token, nil)
		if f, _ := gCounts(t, s, bob); f != 0 {
			t.Errorf("bob followers after second unfollow = %v, want 0", f)
		}
	})
}

func TestFollowErrors(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		cases := []struct {
			name, path string
			body       any
			want       int
		}{
			{"self", "/api/v1/accounts/" + alice.AccountID + "/follow", nil, 422},
			{"unknown id", "/api/v1/accounts/123456/follow", nil, 404},
			{"malformed id", "/api/v1/accounts/abc/follow", nil, 404},
			{"bad reblogs", "/api/v1/accounts/" + bob.AccountID + "/follow", map[string]any{"reblogs": "maybe"}, 422},
			{"bad language", "/api/v1/accounts/" + bob.AccountID + "/follow", map[string]any{"languages": []string{"english"}}, 422},
			{"self block", "/api/v1/accounts/" + alice.AccountID + "/block", nil, 422},
			{"unknown block", "/api/v1/accounts/99999/block", nil, 404},
			{"self mute", "/api/v1/accounts/" + alice.AccountID + "/mute", nil, 422},
			{"negative duration", "/api/v1/accounts/" + bob.AccountID + "/mute", url.Values{"duration": {"-1"}}, 422},
			{"unknown note", "/api/v1/accounts/99999/note", url.Values{"comment": {"x"}}, 404},
			{"long note", "/api/v1/accounts/" + bob.AccountID + "/note", url.Values{"comment": {strings.Repeat("é", 2001)}}, 422},
			{"unknown request", "/api/v1/follow_requests/" + bob.AccountID + "/authorize", nil, 404},
			{"unknown reject", "/api/v1/follow_requests/" + bob.AccountID + "/reject", nil, 404},
		}
		for _, c := range cases {
			if r := s.Do(t, "POST", c.path, alice.Token, c.body); r.Status != c.want {
				t.Errorf("%s: status %d, want %d (%s)", c.name, r.Status, c.want, r.Body)
			}
		}
		s.Must(t, 401, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", "", nil)
		s.Must(t, 422, "GET", "/api/v1/accounts/relationships?id[]=abc", alice.Token, nil)
		s.Must(t, 422, "GET", "/api/v1/accounts/relationships?"+strings.Repeat("id[]=1&", 101), alice.Token, nil)
		if rs := s.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]=42&id[]="+bob.AccountID+"&id[]="+bob.AccountID, alice.Token, nil).List(t); len(rs) != 1 || rs[0]["id"] != bob.AccountID {
			t.Errorf("relationships with an unknown and a repeated id = %v", rs)
		}

		// The follow limit.
		carol := s.NewUser(t, "carol")
		if _, err := s.App.DB.W.Exec(`UPDATE accounts SET following_count = 7500 WHERE id = $1`, int64(alice.ID)); err != nil {
			t.Fatal(err)
		}
		s.Must(t, 422, "POST", "/api/v1/accounts/"+carol.AccountID+"/follow", alice.Token, nil)
		if _, err := s.App.DB.W.Exec(`UPDATE accounts SET following_count = 0 WHERE id = $1`, int64(alice.ID)); err != nil {
			t.Fatal(err)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/follow", alice.Token, nil)

		// A remote account gets a request, answered over federation.
		remote := s.App.Store.IDs.Next()
		if _, err := s.App.DB.W.Exec(`INSERT INTO accounts (id, username, domain, created_at, updated_at)
			VALUES ($1, 'far', 'remote.example', 0, 0)`, int64(remote)); err != nil {
			t.Fatal(err)
		}
		rel := s.Must(t, 200, "POST", "/api/v1/accounts/"+remote.String()+"/follow", alice.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"requested": true, "following": false})

		// A token without write:follows cannot follow.
		tok := "graph-read-only-token"
		if err := s.App.Store.CreateToken(context.Background(), auth.HashSecret(tok), &domain.Token{UserID: alice.UserID, Scopes: domain.Scopes{"read"}}); err != nil {
			t.Fatal(err)
		}
		s.Must(t, 403, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", tok, nil)
		s.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+bob.AccountID, tok, nil)
	})
}

func TestNoteAndRemoveFromFollowers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		rel := s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/note", alice.Token, url.Values{"comment": {"met at the town hall"}}).Map(t)
		if rel["note"] != "met at the town hall" {
			t.Errorf("note = %v", rel["note"])
		}
		if gRel(t, s, bob, alice.AccountID)["note"] != "" {
			t.Errorf("bob sees alice's note")
		}
		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/note", alice.Token, url.Values{"comment": {""}}).Map(t)
		if rel["note"] != "" {
			t.Errorf("note after clearing = %v", rel["note"])
		}

		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		rel = s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/remove_from_followers", alice.Token, nil).Map(t)
		gWant(t, rel, map[string]bool{"followed_by": false})
		gWant(t, gRel(t, s, bob, alice.AccountID), map[string]bool{"following": false})
		if f, _ := gCounts(t, s, alice); f != 0 {
			t.Errorf("alice followers = %v, want 0", f)
		}
	})
}

func TestFamiliarFollowersAndEndorsements(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol, dave := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol"), s.NewUser(t, "dave")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/follow", bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/follow", carol.Token, nil)
		got := s.Must(t, 200, "GET", "/api/v1/accounts/familiar_followers?id[]="+dave.AccountID+"&id[]="+carol.AccountID, alice.Token, nil).List(t)
		if len(got) != 2 || got[0]["id"] != dave.AccountID || got[1]["id"] != carol.AccountID {
			t.Fatalf("familiar followers = %v", got)
		}
		accts := got[0]["accounts"].([]any)
		if len(accts) != 1 || accts[0].(map[string]any)["id"] != bob.AccountID {
			t.Errorf("dave's familiar followers = %v, want bob only", accts)
		}
		if n := len(got[1]["accounts"].([]any)); n != 0 {
			t.Errorf("carol's familiar followers = %d, want 0", n)
		}
		// An account hiding its collections does not reveal its followers.
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", dave.Token, map[string]any{"hide_collections": true})
		got = s.Must(t, 200, "GET", "/api/v1/accounts/familiar_followers?id[]="+dave.AccountID, alice.Token, nil).List(t)
		if len(got) != 1 || len(got[0]["accounts"].([]any)) != 0 {
			t.Errorf("familiar followers of a hidden collection = %v", got)
		}
		s.Must(t, 422, "GET", "/api/v1/accounts/familiar_followers?id[]=x", alice.Token, nil)
		if e := s.Must(t, 200, "GET", "/api/v1/endorsements", alice.Token, nil).Body; strings.TrimSpace(string(e)) != "[]" {
			t.Errorf("endorsements = %s", e)
		}
	})
}

// gIDs returns the ids of a list of accounts.
func gIDs(list []map[string]any) []string {
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = m["id"].(string)
	}
	return out
}

func TestFollowersPagination(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		target := s.NewUser(t, "target")
		var want []string // newest follow first
		for _, name := range []string{"f1", "f2", "f3", "f4", "f5"} {
			u := s.NewUser(t, name)
			s.Must(t, 200, "POST", "/api/v1/accounts/"+target.AccountID+"/follow", u.Token, nil)
			want = append([]string{u.AccountID}, want...)
		}
		var got []string
		path := "/api/v1/accounts/" + target.AccountID + "/followers?limit=2"
		for range 5 {
			r := s.Must(t, 200, "GET", path, "", nil)
			page := r.List(t)
			if len(page) == 0 {
				break
			}
			got = append(got, gIDs(page)...)
			link := r.Header.Get("Link")
			if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, `rel="prev"`) {
				t.Fatalf("Link = %q", link)
			}
			next := strings.TrimPrefix(strings.Split(link, ">")[0], "<")
			path = strings.TrimPrefix(next, s.URL)
		}
		if !slices.Equal(got, want) {
			t.Errorf("followers pages = %v, want %v", got, want)
		}
		// min_id gives the page just above, newest first.
		all := s.Must(t, 200, "GET", "/api/v1/accounts/"+target.AccountID+"/followers", "", nil)
		if ids := gIDs(all.List(t)); !slices.Equal(ids, want) {
			t.Errorf("followers = %v, want %v", ids, want)
		}
		f1 := s.NewUser(t, "viewer")
		following := s.Must(t, 200, "GET", "/api/v1/accounts/"+f1.AccountID+"/following", "", nil).List(t)
		if len(following) != 0 {
			t.Errorf("viewer follows %d accounts, want 0", len(following))
		}

		// hide_collections: others see nothing, the owner everything.
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", target.Token, map[string]any{"hide_collections": true})
		if n := len(s.Must(t, 200, "GET", "/api/v1/accounts/"+target.AccountID+"/followers", f1.Token, nil).List(t)); n != 0 {
			t.Errorf("hidden followers seen by others: %d", n)
		}
		if n := len(s.Must(t, 200, "GET", "/api/v1/accounts/"+target.AccountID+"/followers", target.Token, nil).List(t)); n != 5 {
			t.Errorf("owner sees %d followers, want 5", n)
		}
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", target.Token, map[string]any{"hide_collections": false})

		// A blocked viewer sees nothing.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+f1.AccountID+"/block", target.Token, nil)
		if n := len(s.Must(t, 200, "GET", "/api/v1/accounts/"+target.AccountID+"/followers", f1.Token, nil).List(t)); n != 0 {
			t.Errorf("blocked viewer sees %d followers", n)
		}
		s.Must(t, 404, "GET", "/api/v1/accounts/999999/followers", "", nil)
	})
}

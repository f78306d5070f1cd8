package federation_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// featuredTagNames lists an account's featured hashtags through the API.
func (s *server) featuredTagNames(t *testing.T, u *user, id string) []string {
	t.Helper()
	var list []jsonMap
	s.mustAPI(t, "GET", "/api/v1/accounts/"+id+"/featured_tags", u.token, nil, &list)
	out := []string{}
	for _, f := range list {
		out = append(out, f["name"].(string))
	}
	return out
}

// TestTwoServersFeaturedTags: two reads alice's featured hashtags when it
// first fetches her, and her later features and unfeatures reach it as
// the Add and Remove of a Hashtag (as Mastodon sends them).
func TestTwoServersFeaturedTags(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.Postgres)
	two := startOn(t, "127.0.0.2", db.SQLite)
	alice, bob := one.newUserToken(t, "alice"), two.newUserToken(t, "bob")
	hostOne := strings.TrimPrefix(one.URL, "http://")
	feature := func(name string) string {
		var f jsonMap
		one.mustAPI(t, "POST", "/api/v1/featured_tags", alice.token, url.Values{"name": {name}}, &f)
		return f["id"].(string)
	}
	feature("CityHall")

	var a jsonMap
	two.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=alice@"+hostOne, bob.token, nil, &a)
	aliceID := a["id"].(string)
	outWait(t, "alice's featured hashtag on two", func() bool {
		return slices.Equal(two.featuredTagNames(t, bob, aliceID), []string{"CityHall"})
	})
	two.mustAPI(t, "POST", "/api/v1/accounts/"+aliceID+"/follow", bob.token, nil, nil)
	outWait(t, "bob following alice", func() bool { return two.relationship(t, bob, aliceID)["following"] == true })

	budget := feature("Budget2027")
	outWait(t, "the Add of #Budget2027", func() bool {
		return slices.Equal(two.featuredTagNames(t, bob, aliceID), []string{"CityHall", "Budget2027"})
	})
	one.mustAPI(t, "DELETE", "/api/v1/featured_tags/"+budget, alice.token, nil, nil)
	outWait(t, "the Remove of #Budget2027", func() bool {
		return slices.Equal(two.featuredTagNames(t, bob, aliceID), []string{"CityHall"})
	})
}

package federation_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// pinnedURIs lists the uris of an account's pinned statuses through the API.
func (s *server) pinnedURIs(t *testing.T, u *user, id string) []string {
	t.Helper()
	var list []jsonMap
	s.mustAPI(t, "GET", "/api/v1/accounts/"+id+"/statuses?pinned=true", u.token, nil, &list)
	var out []string
	for _, st := range list {
		out = append(out, st["uri"].(string))
	}
	slices.Sort(out)
	return out
}

// TestTwoServersFeatured pins alice's posts on one: her featured
// collection lists the public ones as full notes, two reads it when it
// first fetches alice, and pins and unpins reach two as Add and Remove.
func TestTwoServersFeatured(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	alice, bob := one.newUserToken(t, "alice"), two.newUserToken(t, "bob")
	hostOne := strings.TrimPrefix(one.URL, "http://")
	p1, p2 := one.post(t, alice, "first #pinned post"), one.post(t, alice, "second post")
	var private jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"for followers"}, "visibility": {"private"}}, &private)
	pin := func(st jsonMap, action string) {
		one.mustAPI(t, "POST", "/api/v1/statuses/"+st["id"].(string)+"/"+action, alice.token, nil, nil)
	}
	pin(p1, "pin")
	pin(private, "pin")

	c := one.getJSON(t, "/users/alice/collections/featured")
	items, _ := c["orderedItems"].([]any)
	if c["totalItems"] != 1.0 || len(items) != 1 {
		t.Fatalf("featured = %v", c)
	}
	if n := items[0].(map[string]any); n["id"] != p1["uri"] || !strings.Contains(n["content"].(string), "first") || n["tag"] == nil {
		t.Errorf("featured note = %v", n)
	}

	var a jsonMap
	two.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=alice@"+hostOne, bob.token, nil, &a)
	aliceID := a["id"].(string)
	outWait(t, "alice's pinned post on two", func() bool {
		return slices.Equal(two.pinnedURIs(t, bob, aliceID), []string{p1["uri"].(string)})
	})
	two.mustAPI(t, "POST", "/api/v1/accounts/"+aliceID+"/follow", bob.token, nil, nil)
	outWait(t, "bob following alice", func() bool { return two.relationship(t, bob, aliceID)["following"] == true })

	pin(p2, "pin")
	want := []string{p1["uri"].(string), p2["uri"].(string)}
	slices.Sort(want)
	outWait(t, "the Add of p2", func() bool { return slices.Equal(two.pinnedURIs(t, bob, aliceID), want) })
	pin(p1, "unpin")
	outWait(t, "the Remove of p1", func() bool {
		return slices.Equal(two.pinnedURIs(t, bob, aliceID), []string{p2["uri"].(string)})
	})
}

// TestInboundFeatured reads a remote actor's featured collection (inline
// notes) when it is first fetched, and applies its Add and Remove; an Add
// to another collection or of another origin's object changes nothing.
func TestInboundFeatured(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		r := newRemote(t)
		featured := r.actor + "/collections/featured"
		r.setProfile("featured", featured)
		n1 := r.note("/notes/1", "pinned one", nil)
		r.serve("/users/bob/collections/featured", jsonMap{"id": featured, "type": "OrderedCollection", "totalItems": 1,
			"orderedItems": []any{n1}})
		carol := s.newUserToken(t, "carol")
		bobID := s.followRemote(t, r, carol)
		outWait(t, "the featured collection read", func() bool {
			return slices.Equal(s.pinnedURIs(t, carol, bobID), []string{r.URL + "/notes/1"})
		})

		r.serve("/notes/2", r.note("/notes/2", "pinned two", nil))
		r.send(t, s, jsonMap{"type": "Add", "object": r.URL + "/notes/2", "target": featured})
		if got := s.pinnedURIs(t, carol, bobID); !slices.Equal(got, []string{r.URL + "/notes/1", r.URL + "/notes/2"}) {
			t.Errorf("after Add: %v", got)
		}
		r.serve("/notes/3", r.note("/notes/3", "not pinned", nil))
		r.send(t, s, jsonMap{"type": "Add", "object": r.URL + "/notes/3", "target": r.actor + "/collections/tags"})
		local := s.post(t, carol, "carol's post")
		r.send(t, s, jsonMap{"type": "Add", "object": local["uri"], "target": featured})
		r.send(t, s, jsonMap{"type": "Remove", "object": r.URL + "/notes/1", "target": featured})
		if got := s.pinnedURIs(t, carol, bobID); !slices.Equal(got, []string{r.URL + "/notes/2"}) {
			t.Errorf("after Remove: %v", got)
		}
	})
}

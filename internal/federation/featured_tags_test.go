package federation_test

import (
	"context"
	"testing"
)

// TestFeaturedTagsCollection serves an account's featured hashtags as
// Mastodon does (a Collection of Hashtag objects, in the order featured),
// and the instance actor's outbox as an empty collection.
func TestFeaturedTagsCollection(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUser(t, "alice")
		if m := s.getJSON(t, "/users/alice/collections/tags"); m["type"] != "Collection" || m["totalItems"] != 0.0 {
			t.Errorf("no featured tags = %v", m)
		}
		for _, name := range []string{"CityHall", "budget"} {
			if _, err := s.App.Store.FeatureTag(ctx, alice.ID, name, name, 10); err != nil {
				t.Fatal(err)
			}
		}
		m := s.getJSON(t, "/users/alice/collections/tags")
		items, _ := m["items"].([]any)
		if m["id"] != s.URL+"/users/alice/collections/tags" || m["totalItems"] != 2.0 || len(items) != 2 {
			t.Fatalf("featured tags = %v", m)
		}
		first := items[0].(map[string]any)
		if first["type"] != "Hashtag" || first["name"] != "#CityHall" || first["href"] != s.URL+"/tags/cityhall" {
			t.Errorf("first featured tag = %v", first)
		}
		if items[1].(map[string]any)["name"] != "#budget" {
			t.Errorf("second featured tag = %v", items[1])
		}
		if o := s.getJSON(t, "/actor/outbox"); o["type"] != "OrderedCollection" || o["totalItems"] != 0.0 || o["id"] != s.URL+"/actor/outbox" {
			t.Errorf("instance outbox = %v", o)
		}
	})
}

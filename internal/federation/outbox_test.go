package federation_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
)

// TestOutboxFullNotes: an outbox page carries the same note as the
// status's own id (hashtags, mentions, poll, interaction policy).
func TestOutboxFullNotes(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		s.newUser(t, "bob")
		var st jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"Hello @bob #agora"},
			"poll[options][]": {"yes", "no"}, "poll[expires_in]": {"3600"}}, &st)
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"for followers"}, "visibility": {"private"}}, nil)

		page := s.getJSON(t, "/users/alice/outbox?page=true")
		items := page["orderedItems"].([]any)
		if len(items) != 1 {
			t.Fatalf("outbox page: %d items, want 1 (no followers-only post): %v", len(items), items)
		}
		got := items[0].(map[string]any)["object"].(map[string]any)
		want := s.getJSON(t, "/users/alice/statuses/"+st["id"].(string))
		delete(want, "@context")
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("outbox note:\n%s\nstatus note:\n%s", g, w)
		}
		if got["type"] != "Question" || got["interactionPolicy"] == nil || len(got["tag"].([]any)) != 2 {
			t.Errorf("outbox note lacks the poll, policy or tags: %v", got)
		}
	})
}

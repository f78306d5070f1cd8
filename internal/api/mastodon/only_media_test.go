package mastodon_test

import (
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestOnlyMedia: only_media keeps the posts with attachments in the
// public, hashtag and account timelines.
func TestOnlyMedia(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		pic := upload(t, s, "POST", "/api/v2/media", alice.Token, part{name: "file", filename: "p.png", contentType: "image/png", data: pngOf(t, 20, 20)}).Map(t)
		withPic := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"#cats a picture"}, "media_ids[]": {pic["id"].(string)}}).Map(t)["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"#cats words only"}})
		for _, path := range []string{"/api/v1/timelines/public?only_media=true", "/api/v1/timelines/public?local=true&only_media=true",
			"/api/v1/timelines/tag/cats?only_media=true", "/api/v1/accounts/" + alice.AccountID + "/statuses?only_media=true"} {
			got := s.Must(t, 200, "GET", path, "", nil).List(t)
			if len(got) != 1 || got[0]["id"] != withPic {
				t.Errorf("%s = %d statuses, want only the one with a picture", path, len(got))
			}
		}
		if got := s.Must(t, 200, "GET", "/api/v1/timelines/tag/cats", "", nil).List(t); len(got) != 2 {
			t.Errorf("without only_media: %d statuses", len(got))
		}
	})
}

package federation_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// TestOutboundMediaAttachments: a post's pictures federate as Documents
// with their alt text, size, blurhash and focal point, at a URL that
// serves the file; the Note fetched by id says the same.
func TestOutboundMediaAttachments(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d)
		alice := s.newUser(t, "alice")
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := s.App.Store.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{URI: bob.URI + "#follows/1"}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 40, 30))); err != nil {
			t.Fatal(err)
		}
		m, err := s.App.Media.Upload(ctx, alice.ID, media.Upload{File: media.File{Body: &buf, Size: int64(buf.Len()), Filename: "a.png"},
			Description: "An empty square", Focus: "0.5,-0.25"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := statuses.New(s.App.Cfg, s.App.Store).Post(ctx, alice, domain.Preferences{},
			statuses.PostInput{Text: "look", Visibility: "public", MediaIDs: []string{m.ID.String()}})
		if err != nil {
			t.Fatal(err)
		}
		note, _ := k.await(t, "Create", 1)[0].Activity["object"].(map[string]any)
		atts, _ := note["attachment"].([]any)
		if len(atts) != 1 {
			t.Fatalf("attachments = %v", note["attachment"])
		}
		doc := atts[0].(map[string]any)
		if doc["type"] != "Document" || doc["mediaType"] != "image/png" || doc["name"] != "An empty square" ||
			doc["width"] != float64(40) || doc["height"] != float64(30) || doc["blurhash"] == "" ||
			fmt.Sprint(doc["focalPoint"]) != "[0.5 -0.25]" || !strings.HasPrefix(doc["url"].(string), s.URL+"/") {
			t.Errorf("Document = %v", doc)
		}
		if status, _, body := s.get(t, doc["url"].(string)[len(s.URL):], "*/*"); status != 200 || !bytes.HasPrefix(body, []byte("\x89PNG")) {
			t.Errorf("GET %s: %d", doc["url"], status)
		}
		_, _, body := s.get(t, fmt.Sprintf("/users/alice/statuses/%d", id), "application/activity+json")
		if !strings.Contains(string(body), `"name":"An empty square"`) || !strings.Contains(string(body), `"interactionPolicy"`) {
			t.Errorf("fetched Note lacks the attachment or the interaction policy: %s", body)
		}
	})
}

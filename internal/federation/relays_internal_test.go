package federation

import (
	"encoding/json"
	"testing"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/ldsig"
)

// Mastodon's extension terms that an activity carries without defining
// them (an attachment's blurhash and focalPoint, a custom emoji's type)
// are defined before the activity is signed for relays, so that the
// signature covers them and receivers keep them. agora's own notes define
// them already.
func TestCompleteContextDefinesExtensionTerms(t *testing.T) {
	act := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": "https://a.example/s/1/activity", "type": "Create",
		"actor": "https://a.example/users/alice", "to": []string{activitypub.Public},
		"object": map[string]any{"id": "https://a.example/s/1", "type": "Note", "content": "hi :blob:",
			"attachment": []any{map[string]any{"type": "Document", "mediaType": "image/png", "url": "https://a.example/m.png",
				"blurhash": "UABC", "focalPoint": []float64{0.5, -0.25}}},
			"tag": []any{map[string]any{"id": "https://a.example/emojis/1", "type": "Emoji", "name": ":blob:",
				"icon": map[string]any{"type": "Image", "url": "https://a.example/blob.png"}}}}}
	body, _ := json.Marshal(act)
	_, dropped, err := ldsig.CanonicalJSON(body)
	if err != nil || len(dropped) != 3 {
		t.Fatalf("before: dropped %v, %v; want blurhash, focalPoint and the Emoji type", dropped, err)
	}
	done := completeContext(body)
	_, dropped, err = ldsig.CanonicalJSON(done)
	if err != nil || len(dropped) != 0 {
		t.Errorf("after: dropped %v, %v; want none", dropped, err)
	}
	if string(completeContext(done)) != string(done) {
		t.Error("a complete activity was changed")
	}
	act["@context"] = activitypub.PolicyNoteContext()
	own, _ := json.Marshal(act)
	if _, dropped, err := ldsig.CanonicalJSON(own); err != nil || len(dropped) != 0 {
		t.Errorf("agora's note context leaves %v undefined (%v)", dropped, err)
	}
	var m map[string]any
	_ = json.Unmarshal(done, &m)
	ctx := m["@context"].([]any)
	if last, _ := ctx[len(ctx)-1].(map[string]any); last["Emoji"] == nil || last["blurhash"] == nil {
		t.Errorf("@context = %v", ctx)
	}
}

package activitypub

import (
	"encoding/json"
	"testing"
)

func TestParseAuthorizations(t *testing.T) {
	for _, c := range []struct {
		body, typ, want string
	}{
		{`{"replyAuthorization":"https://b.example/auth/1","approvedBy":"https://b.example/old"}`, "ReplyAuthorization", "https://b.example/auth/1"},
		{`{"approvedBy":"https://b.example/accepts/1"}`, "ReplyAuthorization", "https://b.example/accepts/1"},
		{`{"announceAuthorization":{"id":"https://b.example/auth/2"}}`, "AnnounceAuthorization", "https://b.example/auth/2"},
		{`{"likeAuthorization":"https://b.example/auth/3"}`, "ReplyAuthorization", ""},
		{`{"replyAuthorization":["https://b.example/auth/4"]}`, "ReplyAuthorization", "https://b.example/auth/4"},
		{`not json`, "ReplyAuthorization", ""},
	} {
		if got := ParseAuthorizations([]byte(c.body)).For(c.typ); got != c.want {
			t.Errorf("%s: For(%s) = %q, want %q", c.body, c.typ, got, c.want)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	a, err := ParseAuthorization([]byte(`{"id":"https://b.example/auth/1","type":"ReplyAuthorization",
		"attributedTo":"https://b.example/users/bob","interactingObject":"https://c.example/notes/1",
		"interactionTarget":"https://b.example/notes/1"}`))
	if err != nil || !a.Authorizes("ReplyAuthorization") || a.Authorizes("LikeAuthorization") ||
		a.InteractingObject.ID != "https://c.example/notes/1" || a.AttributedTo.ID != "https://b.example/users/bob" {
		t.Errorf("authorization = %+v, %v", a, err)
	}
	// GoToSocial before 0.20 named its Accept as approvedBy.
	acc, err := ParseAuthorization([]byte(`{"id":"https://b.example/accepts/1","type":"Accept","actor":"https://b.example/users/bob",
		"object":"https://c.example/notes/1","target":"https://b.example/notes/1"}`))
	if err != nil || !acc.Authorizes("AnnounceAuthorization") || acc.AttributedTo.ID != "https://b.example/users/bob" ||
		acc.InteractingObject.ID != "https://c.example/notes/1" || acc.InteractionTarget.ID != "https://b.example/notes/1" {
		t.Errorf("Accept read as %+v, %v", acc, err)
	}
}

func TestInteractionRequestShapes(t *testing.T) {
	req := NewInteractionRequest("https://a.example/users/al/interaction_requests/1", "LikeRequest", "https://a.example/users/al",
		"https://b.example/users/bob", "https://b.example/notes/1", map[string]any{"type": "Like", "id": "https://a.example/users/al#likes/1"})
	ans := &InteractionAnswer{ID: "x", Type: "Accept", Actor: "https://b.example/users/bob", To: []string{req.Actor},
		Object: AnsweredRequest(req.ID, req.Type, req.Actor, req.Object, "https://a.example/users/al#likes/1")}
	var got struct {
		To     []string `json:"to"`
		Object struct {
			ID, Type, Actor, Object, Instrument string
		} `json:"object"`
	}
	b, _ := json.Marshal(ans)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Object.ID != req.ID || got.Object.Type != "LikeRequest" || got.Object.Instrument != "https://a.example/users/al#likes/1" ||
		got.Object.Object != "https://b.example/notes/1" || len(got.To) != 1 {
		t.Errorf("answer = %s", b)
	}
	b, _ = json.Marshal(req)
	var sent map[string]any
	_ = json.Unmarshal(b, &sent)
	if sent["instrument"].(map[string]any)["type"] != "Like" || sent["to"].([]any)[0] != "https://b.example/users/bob" {
		t.Errorf("request = %s", b)
	}
}

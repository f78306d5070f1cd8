package activitypub

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

func TestAudience(t *testing.T) {
	const f = "https://a.example/users/alice/followers"
	cases := []struct {
		v      domain.Visibility
		to, cc []string
	}{
		{domain.Public, []string{Public}, []string{f}},
		{domain.Unlisted, []string{f}, []string{Public}},
		{domain.Private, []string{f}, []string{}},
		{domain.Direct, []string{}, []string{}},
	}
	for _, c := range cases {
		to, cc := Audience(c.v, f)
		if !slices.Equal(to, c.to) || !slices.Equal(cc, c.cc) {
			t.Errorf("%s: to %v cc %v, want to %v cc %v", c.v, to, cc, c.to, c.cc)
		}
	}
}

func TestNoteJSON(t *testing.T) {
	edited := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st := &domain.Status{ID: 42, Content: "<p>hi</p>", SpoilerText: "cw", Sensitive: true, Visibility: domain.Public,
		Language: "fr", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), EditedAt: &edited}
	n := NewNote("https://a.example/users/alice", "https://a.example/users/alice/followers", st, "")
	b, err := json.Marshal(NewCreate("https://a.example/users/alice", n))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		`"id":"https://a.example/users/alice/statuses/42/activity"`, `"type":"Create"`,
		`"id":"https://a.example/users/alice/statuses/42"`, `"summary":"cw"`, `"inReplyTo":null`,
		`"published":"2026-01-01T00:00:00Z"`, `"updated":"2026-01-02T03:04:05Z"`, `"sensitive":true`,
		`"contentMap":{"fr":"\u003cp\u003ehi\u003c/p\u003e"}`, `"attachment":[]`, `"tag":[]`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Create lacks %s:\n%s", want, s)
		}
	}
	st.SpoilerText = ""
	if b, _ := json.Marshal(NewNote("x", "y", st, "")); !strings.Contains(string(b), `"summary":null`) {
		t.Errorf("no content warning should be summary null: %s", b)
	}
}

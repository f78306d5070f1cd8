package activitypub

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/domain"
)

// roundTrip renders v and reads it back as generic JSON.
func roundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const alice = "https://a.example/users/alice"

func TestRelationshipActivities(t *testing.T) {
	acc := roundTrip(t, NewAccept(alice, "https://b.example/users/bob", "https://b.example/f/1", 7))
	obj, _ := acc["object"].(map[string]any)
	if acc["id"] != alice+"#accepts/follows/7" || acc["type"] != "Accept" || acc["@context"] != Context ||
		obj["id"] != "https://b.example/f/1" || obj["type"] != "Follow" || obj["actor"] != "https://b.example/users/bob" || obj["object"] != alice {
		t.Errorf("Accept: %v", acc)
	}
	if _, ok := acc["to"]; ok {
		t.Errorf("Accept is addressed: %v", acc)
	}
	undo := roundTrip(t, NewUndo(alice, NewLike(alice, "https://b.example/s/1", 9)))
	inner, _ := undo["object"].(map[string]any)
	if undo["id"] != alice+"#likes/9/undo" || inner["id"] != alice+"#likes/9" || inner["@context"] != nil {
		t.Errorf("Undo Like: %v", undo)
	}
	uf := roundTrip(t, NewUndoFollow(alice, "https://b.example/users/bob", alice+"#follows/3"))
	if inner, _ := uf["object"].(map[string]any); inner["type"] != "Follow" || inner["actor"] != alice || inner["object"] != "https://b.example/users/bob" {
		t.Errorf("Undo Follow: %v", uf)
	}
	del := roundTrip(t, NewDelete(alice, alice+"/statuses/1"))
	if tomb, _ := del["object"].(map[string]any); tomb["type"] != "Tombstone" || tomb["id"] != alice+"/statuses/1" || del["id"] != alice+"/statuses/1#delete" {
		t.Errorf("Delete: %v", del)
	}
	ua := roundTrip(t, NewUndoAnnounce(alice, alice+"/followers", alice+"/statuses/5/activity", "https://b.example/s/1"))
	if inner, _ := ua["object"].(map[string]any); inner["id"] != alice+"/statuses/5/activity" || inner["type"] != "Announce" || ua["id"] != alice+"/statuses/5#undo" {
		t.Errorf("Undo Announce: %v", ua)
	}
	add := roundTrip(t, NewFeatured(alice, alice+"/statuses/1", true, time.UnixMilli(1000)))
	if add["type"] != "Add" || add["target"] != alice+"/collections/featured" || add["object"] != alice+"/statuses/1" {
		t.Errorf("Add: %v", add)
	}
	vote := roundTrip(t, NewVote(alice, "https://b.example/q/1", "https://b.example/users/bob", "yes", 4))
	if n, _ := vote["object"].(map[string]any); n["name"] != "yes" || n["inReplyTo"] != "https://b.example/q/1" || n["type"] != "Note" {
		t.Errorf("vote: %v", vote)
	}
}

func TestStatusNoteWithMentionsTagsAndPoll(t *testing.T) {
	st := &domain.Status{ID: 5, URI: alice + "/statuses/5", Visibility: domain.Private, Content: "<p>hi</p>", CreatedAt: time.Unix(100, 0)}
	end := time.Unix(200, 0)
	n := roundTrip(t, NewStatusNote(alice, alice+"/followers", st, NoteOptions{
		BaseURL:  "https://a.example",
		Mentions: []NoteMention{{URI: "https://b.example/users/bob", Acct: "bob@b.example"}},
		Tags:     []string{"Agora"},
		Poll:     &NotePoll{Options: []string{"yes", "no"}, Votes: []int64{2}, ExpiresAt: end, VotersCount: 2, Now: time.Unix(300, 0)},
	}))
	if n["type"] != "Question" || n["endTime"] != Time(end) || n["closed"] != Time(end) || n["votersCount"] != 2.0 {
		t.Errorf("Question: %v", n)
	}
	opts, _ := n["oneOf"].([]any)
	if len(opts) != 2 || opts[1].(map[string]any)["name"] != "no" || n["anyOf"] != nil {
		t.Errorf("oneOf: %v", n["oneOf"])
	}
	if cc, _ := n["cc"].([]any); len(cc) != 1 || cc[0] != "https://b.example/users/bob" {
		t.Errorf("a followers-only mention goes to cc: %v", n["cc"])
	}
	if tags, _ := n["tag"].([]any); len(tags) != 2 || tags[1].(map[string]any)["href"] != "https://a.example/tags/agora" {
		t.Errorf("tags: %v", n["tag"])
	}
	boost := &domain.Status{ID: 6, URI: alice + "/statuses/6/activity", Visibility: domain.Public, CreatedAt: time.Unix(100, 0)}
	if a := NewAnnounce(alice, alice+"/followers", boost, "x"); a.ID != alice+"/statuses/6/activity" {
		t.Errorf("Announce id %s", a.ID)
	}
}

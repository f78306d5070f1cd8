package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/federation"
	"github.com/agora-social/agora/internal/store"
)

// questionCreate is Mastodon's Create of a poll (fixture) whose Question
// carries tallies: totalItems per option and votersCount, as Mastodon
// sends them for a poll that had votes before it reached this server.
func questionCreate(t *testing.T, r *remote, note, activity string, end time.Time, tea, coffee, voters int) jsonMap {
	t.Helper()
	var act jsonMap
	raw := fixture(t, "mastodon_create_question.json", map[string]string{"ACTOR": r.actor, "NOTE": note, "REMOTE": r.URL,
		"END": end.Format(time.RFC3339)})
	if err := json.Unmarshal(raw, &act); err != nil {
		t.Fatal(err)
	}
	act["id"] = activity
	obj := act["object"].(map[string]any)
	obj["votersCount"] = voters
	for i, n := range []int{tea, coffee} {
		obj["oneOf"].([]any)[i].(map[string]any)["replies"].(map[string]any)["totalItems"] = n
	}
	return act
}

// TestPollFirstTalliesOnCreate receives a Mastodon poll that already has
// votes through the inbox (the batch path of Creates) and through
// Processor.Process: both show the Create's counts and voters at once,
// not zeros until the next Update; a local vote counts on top of them; a
// Create delivered again after an Update does not bring back its older
// counts.
func TestPollFirstTalliesOnCreate(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		end := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		batchNote, procNote := r.URL+"/users/bob/statuses/201", r.URL+"/users/bob/statuses/202"

		batched := federation.BatchedCreates(s.App.Fed)
		r.send(t, s, questionCreate(t, r, batchNote, batchNote+"/activity", end, 2, 5, 6))
		if got := federation.BatchedCreates(s.App.Fed) - batched; got != 1 {
			t.Fatalf("%d Creates stored by the batch path, want 1", got)
		}
		act := questionCreate(t, r, procNote, procNote+"/activity", end, 2, 5, 6)
		body, _ := json.Marshal(act)
		if err := federation.NewProcessor(s.App.Fed).Process(ctx, &store.InboxActivity{ActivityID: act["id"].(string),
			Type: "Create", ActorURI: r.actor, KeyID: r.keyID, Body: string(body)}); err != nil {
			t.Fatal(err)
		}
		// votersCount 6, not the 7 votes: the Create's voters are read.
		for _, note := range []string{batchNote, procNote} {
			st, ok := s.statusByURI(t, alice, note)
			if !ok {
				t.Fatalf("poll %s not stored", note)
			}
			if votes, voters, _ := pollCounts(t, st); fmt.Sprint(votes) != "[2 5]" || voters != 6 {
				t.Errorf("%s as created: votes %v, voters %v; want [2 5], 6", note, votes, voters)
			}
		}

		st, _ := s.statusByURI(t, alice, batchNote)
		s.mustAPI(t, "POST", "/api/v1/polls/"+st["poll"].(map[string]any)["id"].(string)+"/votes", alice.token, url.Values{"choices[]": {"0"}}, nil)
		st, _ = s.statusByURI(t, alice, batchNote)
		if votes, voters, _ := pollCounts(t, st); fmt.Sprint(votes) != "[3 5]" || voters != 7 {
			t.Errorf("after a local vote: votes %v, voters %v; want [3 5], 7", votes, voters)
		}

		// An Update's tallies, then the Create again (another activity
		// id): the Update's stay.
		upd := map[string]string{"ID": procNote + "#updates/1", "ACTOR": r.actor, "NOTE": procNote, "REMOTE": r.URL,
			"END": end.Format(time.RFC3339), "TEA": "4", "COFFEE": "9", "VOTERS": "12", "CLOSED": ""}
		r.sendRaw(t, s, upd["ID"], fixture(t, "mastodon_update_question.json", upd))
		r.send(t, s, questionCreate(t, r, procNote, procNote+"/activity-again", end, 2, 5, 6))
		st, _ = s.statusByURI(t, alice, procNote)
		if votes, voters, _ := pollCounts(t, st); fmt.Sprint(votes) != "[4 9]" || voters != 12 {
			t.Errorf("after an Update and the Create again: votes %v, voters %v; want [4 9], 12", votes, voters)
		}
	})
}

package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/federation"
	"github.com/agora-social/agora/internal/store"
)

// Creates stored together in a batch keep the order of the batch's other
// activities: a Delete after a Create deletes the note, a Create repeated
// under another activity id stores one note, and followers get the notes
// in their home timelines and the notifications they asked for.
func TestIngestBatchOfCreatesKeepsOrder(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := newRemote(t)
		u := s.newUserToken(t, "alice")
		id := s.followRemote(t, r, u)
		s.mustAPI(t, "POST", "/api/v1/accounts/"+id+"/follow", u.token, url.Values{"notify": {"true"}}, nil)

		note := func(n int) jsonMap { return r.note(fmt.Sprintf("/notes/%d", n), fmt.Sprintf("<p>note %d</p>", n), nil) }
		create := func(n int, activity string) jsonMap {
			nt := note(n)
			return jsonMap{"id": r.URL + "/activities/" + activity, "type": "Create", "object": nt, "to": nt["to"], "cc": nt["cc"]}
		}
		acts := []jsonMap{
			create(1, "c1"),
			create(2, "c2"),
			{"id": r.URL + "/activities/d1", "type": "Delete", "object": r.URL + "/notes/1"},
			create(2, "c2-again"),
			create(3, "c3"),
		}
		// Stored in one transaction, straight into the inbox's queue (the
		// signatures are not what is tested): the next activity through
		// the inbox starts a batch that claims them all, in this order.
		rows := make([]*store.InboxActivity, len(acts))
		for i, a := range acts {
			a["actor"], a["@context"] = r.actor, "https://www.w3.org/ns/activitystreams"
			body, _ := json.Marshal(a)
			rows[i] = &store.InboxActivity{ActivityID: a["id"].(string), Type: a["type"].(string), ActorURI: r.actor, KeyID: r.keyID, Body: string(body)}
		}
		if _, err := s.App.Store.InsertInboxActivities(ctx, rows); err != nil {
			t.Fatal(err)
		}
		batched := federation.BatchedCreates(s.App.Fed)
		r.create(t, s, note(4))
		for _, a := range acts {
			s.waitProcessed(t, a["id"].(string))
		}

		// c1, c2, c2-again (a known note by then), c3 and note 4 on the
		// batch path; the Delete between them by the processor.
		if got := federation.BatchedCreates(s.App.Fed) - batched; got != 5 {
			t.Errorf("%d Creates stored by the batch path, want 5", got)
		}
		inHome := map[string]int{}
		for _, st := range s.home(t, u) {
			inHome[st["uri"].(string)]++
		}
		for n, want := range map[int]int{1: 0, 2: 1, 3: 1, 4: 1} {
			if got := inHome[fmt.Sprintf("%s/notes/%d", r.URL, n)]; got != want {
				t.Errorf("note %d in the home timeline %d times, want %d (home: %v)", n, got, want, inHome)
			}
		}
		if _, ok := s.statusByURI(t, u, r.URL+"/notes/1"); ok {
			t.Error("note 1 stored although deleted after its Create")
		}
		notified := map[string]bool{}
		for _, n := range s.notifications(t, u, "status") {
			if st, ok := n["status"].(map[string]any); ok {
				notified[st["uri"].(string)] = true
			}
		}
		for _, n := range []int{2, 3, 4} {
			if !notified[fmt.Sprintf("%s/notes/%d", r.URL, n)] {
				t.Errorf("no status notification of note %d (got %v)", n, notified)
			}
		}
	})
}

// The batch path of Creates stores what Processor.Process stores: the same
// notes, received through the inbox (the batch path) and applied with the
// processor directly, render the same to a follower and notify the same.
// A rule added to one path and not the other makes them differ here.
func TestIngestBatchPathMatchesProcessor(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := newRemote(t)
		alice := s.newUserToken(t, "alice")
		carol := s.newUserToken(t, "carol")
		id := s.followRemote(t, r, alice)
		s.mustAPI(t, "POST", "/api/v1/accounts/"+id+"/follow", alice.token, url.Values{"notify": {"true"}}, nil)
		public := "https://www.w3.org/ns/activitystreams#Public"
		mention := jsonMap{"type": "Mention", "href": s.actorURI("carol"), "name": "@carol"}
		variants := map[string]jsonMap{
			"tags-mention-cw": {"summary": "cw", "sensitive": true, "contentMap": jsonMap{"fr": "<p>bonjour #Agora @carol</p>"},
				"tag": []jsonMap{{"type": "Hashtag", "name": "#Agora"}, mention}},
			"unlisted-media": {"to": []string{r.actor + "/followers"}, "cc": []string{public},
				"attachment": []jsonMap{{"type": "Document", "mediaType": "image/png", "url": r.URL + "/a.png", "name": "alt", "blurhash": "LEHV6nWB2yk8"}}},
			"private": {"to": []string{r.actor + "/followers"}, "cc": []string{}},
			"direct":  {"to": []string{s.actorURI("carol")}, "cc": []string{}, "tag": []jsonMap{mention}},
			"policy": {"interactionPolicy": jsonMap{"canReply": jsonMap{"automaticApproval": []string{r.actor + "/followers"}},
				"canQuote": jsonMap{"automaticApproval": []string{r.actor}}}},
			"question": {"type": "Question", "oneOf": []jsonMap{{"type": "Note", "name": "tea"}, {"type": "Note", "name": "coffee"}},
				"endTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)},
			"article": {"type": "Article", "name": "A title"},
		}
		proc := federation.NewProcessor(s.App.Fed)
		batched := federation.BatchedCreates(s.App.Fed)
		for name, extra := range variants {
			for _, path := range []string{"batch", "processor"} {
				nt := r.note("/notes/"+path+"-"+name, "<p>note "+name+"</p>", extra)
				act := jsonMap{"id": r.URL + "/activities/" + path + "-" + name, "type": "Create", "actor": r.actor,
					"@context": "https://www.w3.org/ns/activitystreams", "object": nt, "to": nt["to"], "cc": nt["cc"]}
				if path == "batch" {
					r.send(t, s, act)
					continue
				}
				body, _ := json.Marshal(act)
				if err := proc.Process(ctx, &store.InboxActivity{ActivityID: act["id"].(string), Type: "Create",
					ActorURI: r.actor, KeyID: r.keyID, Body: string(body)}); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
		if got := federation.BatchedCreates(s.App.Fed) - batched; got != int64(len(variants)) {
			t.Fatalf("%d notes stored by the batch path, want %d", got, len(variants))
		}
		for name := range variants {
			for _, u := range []*user{alice, carol} {
				got, okB := s.statusByURI(t, u, r.URL+"/notes/batch-"+name)
				want, okP := s.statusByURI(t, u, r.URL+"/notes/processor-"+name)
				if okB != okP {
					t.Errorf("%s seen by %s: batch path %v, processor %v", name, u.Username, okB, okP)
					continue
				}
				if !okB {
					continue
				}
				g, w := comparable(got, "batch-", "processor-"), comparable(want, "batch-", "processor-")
				if g != w {
					t.Errorf("%s as %s differs:\nbatch path: %s\nprocessor:  %s", name, u.Username, g, w)
				}
			}
		}
		count := func(u *user, typ, prefix string) int {
			n := 0
			for _, no := range s.notifications(t, u, typ) {
				if st, ok := no["status"].(map[string]any); ok && strings.HasPrefix(st["uri"].(string), r.URL+"/notes/"+prefix) {
					n++
				}
			}
			return n
		}
		for _, c := range []struct {
			u   *user
			typ string
		}{{alice, "status"}, {carol, "mention"}} {
			if b, p := count(c.u, c.typ, "batch-"), count(c.u, c.typ, "processor-"); b != p || b == 0 {
				t.Errorf("%s's %s notifications: %d by the batch path, %d by the processor", c.u.Username, c.typ, b, p)
			}
		}
	})
}

var mediaID = regexp.MustCompile(`media_proxy/[0-9]+`)

// comparable renders a status without what differs between two copies of
// a note (ids, times, its own uri and url), the path prefix replaced.
func comparable(st jsonMap, from, to string) string {
	var strip func(v any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				switch k {
				case "id", "created_at", "expires_at", "last_status_at", "conversation_id":
					continue
				}
				out[k] = strip(e)
			}
			return out
		case []any:
			for i := range x {
				x[i] = strip(x[i])
			}
			return x
		case string:
			return mediaID.ReplaceAllString(strings.ReplaceAll(x, from, to), "media_proxy/ID")
		}
		return v
	}
	b, _ := json.Marshal(strip(st))
	return string(b)
}

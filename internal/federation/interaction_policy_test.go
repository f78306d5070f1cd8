package federation_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// ipPost posts as u with the form's interaction_policy fields.
func ipPost(t *testing.T, s *server, u *user, text string, policy url.Values) jsonMap {
	t.Helper()
	form := url.Values{"status": {text}}
	for k, v := range policy {
		form[k] = v
	}
	var out jsonMap
	s.mustAPI(t, "POST", "/api/v1/statuses", u.token, form, &out)
	return out
}

func ipCounts(t *testing.T, s *server, u *user, id string) (replies, favourites, reblogs any) {
	t.Helper()
	var st jsonMap
	s.mustAPI(t, "GET", "/api/v1/statuses/"+id, u.token, nil, &st)
	return st["replies_count"], st["favourites_count"], st["reblogs_count"]
}

func TestInboundInteractionsFollowThePolicy(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice) // alice follows bob; bob does not follow alice

		// Nobody but alice may reply, only her followers favourite, only
		// she boosts.
		closed := ipPost(t, s, alice, "no replies please", url.Values{
			"interaction_policy[can_reply][automatic_approval][]":     {"author"},
			"interaction_policy[can_favourite][automatic_approval][]": {"followers"},
			"interaction_policy[can_reblog][automatic_approval][]":    {"author"},
		})
		r.create(t, s, r.note("/notes/forbidden", "<p>a reply anyway</p>", jsonMap{
			"inReplyTo": closed["uri"],
			"tag":       []jsonMap{{"type": "Mention", "href": s.actorURI("alice"), "name": "@alice"}},
		}))
		if _, ok := s.statusByURI(t, alice, r.URL+"/notes/forbidden"); ok {
			t.Error("a reply the policy forbids was stored")
		}
		if n := s.notifications(t, alice, "mention"); len(n) != 0 {
			t.Errorf("a forbidden reply notified: %v", n)
		}
		r.send(t, s, jsonMap{"type": "Like", "object": closed["uri"]})
		r.send(t, s, jsonMap{"type": "Announce", "object": closed["uri"], "to": []string{"https://www.w3.org/ns/activitystreams#Public"}})
		rc, fc, bc := ipCounts(t, s, alice, closed["id"].(string))
		if rc != float64(0) || fc != float64(0) || bc != float64(0) {
			t.Errorf("forbidden interactions counted: replies %v favourites %v reblogs %v", rc, fc, bc)
		}
		if n := len(s.notifications(t, alice, "favourite")) + len(s.notifications(t, alice, "reblog")); n != 0 {
			t.Errorf("forbidden interactions notified: %d", n)
		}

		// Replies from people alice follows: bob's is kept.
		open := ipPost(t, s, alice, "people I follow may reply", url.Values{
			"interaction_policy[can_reply][automatic_approval][]": {"following"},
		})
		r.create(t, s, r.note("/notes/allowed", "<p>allowed</p>", jsonMap{"inReplyTo": open["uri"]}))
		st, ok := s.statusByURI(t, alice, r.URL+"/notes/allowed")
		if !ok || st["in_reply_to_id"] != open["id"] {
			t.Errorf("an allowed reply was not stored: %v", st)
		}
	})
}

func TestRemotePolicyRefusesLocalReplies(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		alice := s.newUserToken(t, "alice")
		r := newRemote(t)
		s.followRemote(t, r, alice)
		public := "https://www.w3.org/ns/activitystreams#Public"
		// GoToSocial's shape: only bob replies; likes from his followers
		// (older terms); anyone boosts.
		r.create(t, s, r.note("/notes/gated", "<p>my thread</p>", jsonMap{
			"@context": []any{"https://gotosocial.org/ns", "https://www.w3.org/ns/activitystreams"},
			"interactionPolicy": jsonMap{
				"canReply":    jsonMap{"automaticApproval": []string{r.actor}, "manualApproval": []string{public}},
				"canLike":     jsonMap{"always": []string{r.actor + "/followers"}},
				"canAnnounce": jsonMap{"automaticApproval": []string{public}},
			},
		}))
		st, ok := s.statusByURI(t, alice, r.URL+"/notes/gated")
		if !ok {
			t.Fatal("gated note not stored")
		}
		ip := st["interaction_policy"].(jsonMap)
		if got := fmt.Sprint(ip["can_reply"]); got != "map[automatic_approval:[author] manual_approval:[public]]" {
			t.Errorf("stored can_reply = %s", got)
		}
		if got := fmt.Sprint(ip["can_favourite"]); got != "map[automatic_approval:[followers] manual_approval:[]]" {
			t.Errorf("stored can_favourite = %s", got)
		}
		id := st["id"].(string)
		code := s.api(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"me too"}, "in_reply_to_id": {id}}, nil)
		if code != 200 {
			t.Errorf("local reply to a gated remote post: %d, want 200 (pending approval)", code)
		}
		// Likes from bob's followers: alice follows him, carol does not.
		carol := s.newUserToken(t, "carol")
		s.mustAPI(t, "POST", "/api/v1/statuses/"+id+"/favourite", alice.token, nil, nil)
		if code := s.api(t, "POST", "/api/v1/statuses/"+id+"/favourite", carol.token, nil, nil); code != 403 {
			t.Errorf("favourite by a non-follower: %d, want 403", code)
		}
		s.mustAPI(t, "POST", "/api/v1/statuses/"+id+"/reblog", carol.token, nil, nil)

		// A note without a policy follows its visibility's default.
		r.create(t, s, r.note("/notes/plain", "<p>plain</p>", nil))
		plain, _ := s.statusByURI(t, alice, r.URL+"/notes/plain")
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"reply"}, "in_reply_to_id": {plain["id"].(string)}}, nil)
	})
}

func TestOutboundNotesCarryInteractionPolicy(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d)
		sv := statuses.New(s.App.Cfg, s.App.Store)
		alice := s.newUser(t, "alice")
		aliceURI := s.URL + "/users/alice"
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := s.App.Store.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{URI: bob.URI + "#follows/1"}); err != nil {
			t.Fatal(err)
		}
		k.await(t, "Accept", 1)
		id, err := sv.Post(ctx, alice, domain.Preferences{}, statuses.PostInput{Text: "followers may reply", Visibility: "public",
			InteractionPolicy: &statuses.PolicyInput{CanReply: &store.PolicyRule{AutomaticApproval: []string{"author", "followers"}}}})
		if err != nil {
			t.Fatal(err)
		}
		create := k.await(t, "Create", 1)[0].Activity
		if !slices.Contains(create["@context"].([]any), any("https://gotosocial.org/ns")) {
			t.Errorf("@context lacks GoToSocial's: %v", create["@context"])
		}
		note := create["object"].(map[string]any)
		pol, ok := note["interactionPolicy"].(map[string]any)
		if !ok {
			t.Fatalf("Note without interactionPolicy: %v", note)
		}
		rule := func(name, list string) string { return fmt.Sprint(pol[name].(map[string]any)[list]) }
		if got, want := rule("canReply", "automaticApproval"), fmt.Sprint([]string{aliceURI, aliceURI + "/followers"}); got != want {
			t.Errorf("canReply = %s, want %s", got, want)
		}
		if got := rule("canAnnounce", "automaticApproval"); got != "[https://www.w3.org/ns/activitystreams#Public]" {
			t.Errorf("canAnnounce = %s", got)
		}
		if got := rule("canLike", "manualApproval"); got != "[]" {
			t.Errorf("canLike manual = %s", got)
		}

		// An edit of the policy goes out in the Update.
		err = sv.Edit(ctx, alice.ID, id, statuses.EditInput{Text: "now nobody may boost",
			InteractionPolicy: &statuses.PolicyInput{CanReblog: &store.PolicyRule{AutomaticApproval: []string{"me"}}}})
		if err != nil {
			t.Fatal(err)
		}
		upd := k.await(t, "Update", 1)[0].Activity
		pol = upd["object"].(map[string]any)["interactionPolicy"].(map[string]any)
		if got := rule("canAnnounce", "automaticApproval"); got != "["+aliceURI+"]" {
			t.Errorf("canAnnounce after the edit = %s", got)
		}
		if got := rule("canReply", "automaticApproval"); got != fmt.Sprint([]string{aliceURI, aliceURI + "/followers"}) {
			t.Errorf("canReply after the edit = %s", got)
		}
	})
}

package federation_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/ldsig"
	"github.com/agora-social/agora/internal/relays"
	"github.com/agora-social/agora/internal/store"
)

// subscribe adds the relay on s and enables it, as an admin does.
func subscribe(t *testing.T, s *server, relay *testRelay) {
	t.Helper()
	svc := &relays.Service{Store: s.App.Store, BaseURL: s.App.Cfg.URL}
	if _, err := svc.Add(context.Background(), relays.Operator(), relay.inbox(), true); err != nil {
		t.Fatal(err)
	}
}

func relayState(t *testing.T, s *server) string {
	t.Helper()
	list, err := s.App.Store.Relays(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("relays = %v, %v", list, err)
	}
	return list[0].State
}

// processed reports whether s processed the activity activityID.
func processed(s *server, activityID string) bool {
	a, err := s.App.Store.InboxActivityByActivityID(context.Background(), activityID)
	return err == nil && a.ProcessedAt != 0
}

func hasStatus(s *server, uri string) bool {
	_, err := s.App.Store.StatusByURI(context.Background(), uri)
	return err == nil
}

// TestRelayForwardsPublicPosts: two agora servers subscribe to a relay
// (Mastodon's kind, forwarding activities as they are); a public post of
// the first reaches the second, which nobody there follows, through the
// relay only, and so does its deletion and the post a public boost
// boosts; an unlisted post does not go to the relay.
func TestRelayForwardsPublicPosts(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	relay := newTestRelay(t, false)
	subscribe(t, one, relay)
	subscribe(t, two, relay)
	outWait(t, "both subscriptions accepted", func() bool {
		return relayState(t, one) == store.RelayAccepted && relayState(t, two) == store.RelayAccepted
	})
	if list, _ := one.App.Store.Relays(context.Background()); list[0].ActorURI != relay.actor {
		t.Errorf("relay actor = %q, want %q", list[0].ActorURI, relay.actor)
	}

	alice := one.newUserToken(t, "alice")
	post := one.post(t, alice, "Hello through the relay")
	uri := post["uri"].(string)
	outWait(t, "alice's post on two", func() bool { return hasStatus(two, uri) })
	creates := relay.receivedOf("Create")
	if len(creates) != 1 {
		t.Fatalf("the relay got %d Creates, want 1", len(creates))
	}
	if sig, _ := creates[0]["signature"].(map[string]any); sig["type"] != ldsig.Type || sig["creator"] != one.URL+"/users/alice#main-key" {
		t.Errorf("signature of the relayed Create = %v", creates[0]["signature"])
	}
	var unlisted jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"not for relays"}, "visibility": {"unlisted"}}, &unlisted)
	one.mustAPI(t, "DELETE", "/api/v1/statuses/"+post["id"].(string), alice.token, nil, nil)
	outWait(t, "the delete on two", func() bool { return !hasStatus(two, uri) })
	if n := len(relay.receivedOf("Create")); n != 1 {
		t.Errorf("the relay got %d Creates, want 1 (not the unlisted post)", n)
	}
	if hasStatus(two, unlisted["uri"].(string)) {
		t.Error("the unlisted post reached two")
	}

	// A public boost goes to the relay too: two fetches the boosted post
	// (an unlisted one, which the relay never had) from its origin, and
	// keeps no boost by alice, whom nobody there follows.
	carol := one.newUserToken(t, "carol")
	var quiet jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", carol.token, url.Values{"status": {"boost me"}, "visibility": {"unlisted"}}, &quiet)
	var boost jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses/"+quiet["id"].(string)+"/reblog", alice.token, nil, &boost)
	outWait(t, "the boosted post on two", func() bool { return hasStatus(two, quiet["uri"].(string)) })
	if len(relay.receivedOf("Announce")) != 1 {
		t.Errorf("the relay got %d Announces, want 1", len(relay.receivedOf("Announce")))
	}
	if hasStatus(two, boost["uri"].(string)) {
		t.Error("two kept alice's boost, though nobody there follows her")
	}

	// Disabled: the relay hears the Undo and posts stop going to it.
	svc := &relays.Service{Store: one.App.Store, BaseURL: one.App.Cfg.URL}
	list, _ := one.App.Store.Relays(context.Background())
	if _, err := svc.SetEnabled(context.Background(), relays.Operator(), list[0].ID, false); err != nil {
		t.Fatal(err)
	}
	outWait(t, "the Undo at the relay", func() bool {
		relay.mu.Lock()
		defer relay.mu.Unlock()
		_, ok := relay.subs[one.URL+"/actor"]
		return !ok
	})
	later := one.post(t, alice, "after the relay")
	one.post(t, alice, "and another") // delivered after the first, if it were
	outWait(t, "two's own relay subscription kept", func() bool { return relayState(t, two) == store.RelayAccepted })
	if hasStatus(two, later["uri"].(string)) || len(relay.receivedOf("Create")) != 1 {
		t.Error("a post went to the relay after it was disabled")
	}
}

// relayedActivity is a public Create of a note by alice of one (not
// signed), numbered n.
func relayedActivity(t *testing.T, one *server, n string) []byte {
	t.Helper()
	actor := one.URL + "/users/alice"
	note := map[string]any{"id": actor + "/statuses/" + n, "type": "Note", "attributedTo": actor, "content": "<p>relayed " + n + "</p>",
		"published": "2026-12-04T10:00:00Z", "to": []string{"https://www.w3.org/ns/activitystreams#Public"}}
	act := map[string]any{"@context": []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id": actor + "/statuses/" + n + "/activity", "type": "Create", "actor": actor, "object": note,
		"to": []string{"https://www.w3.org/ns/activitystreams#Public"}}
	b, _ := json.Marshal(act)
	return b
}

func signAs(t *testing.T, s *server, a *domain.Account, body []byte) []byte {
	t.Helper()
	keys, err := s.App.Store.AccountKeys(context.Background(), a.ID, httpsig.GenerateKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := httpsig.ParsePrivateKey(keys.Private)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := ldsig.Sign(body, key, s.URL+"/users/"+a.Username+"#main-key", s.App.Fed.Now())
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// TestRelayRefusesForgedSignatures: an activity forwarded by a relay
// (HTTP-signed by the relay, not by its actor) is accepted only with a
// valid Linked Data signature by its actor covering all its properties;
// anything else is refused with 401 and nothing is stored.
func TestRelayRefusesForgedSignatures(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.SQLite)
	relay := newTestRelay(t, false)
	alice := one.newUser(t, "alice")
	bob := one.newUser(t, "bob")
	ctx := context.Background()

	good := signAs(t, one, alice, relayedActivity(t, one, "1"))
	cases := []struct {
		name string
		body []byte
	}{
		{"tampered content", []byte(strings.Replace(string(signAs(t, one, alice, relayedActivity(t, one, "2"))), "relayed 2", "forged", 1))},
		{"no signature", relayedActivity(t, one, "3")},
		{"signed by another account", signAs(t, one, bob, relayedActivity(t, one, "4"))},
		{"unsigned property", []byte(strings.Replace(string(signAs(t, one, alice, relayedActivity(t, one, "5"))),
			`"type":"Note"`, `"type":"Note","Content":"forged"`, 1))},
		{"unknown context", []byte(strings.Replace(string(signAs(t, one, alice, relayedActivity(t, one, "6"))),
			"https://w3id.org/security/v1", "https://evil.example/context", 1))},
	}
	for _, c := range cases {
		if string(c.body) == "" {
			t.Fatalf("%s: empty body", c.name)
		}
		if code := relay.post(two.URL+"/inbox", c.body); code != 401 {
			t.Errorf("%s: status %d, want 401", c.name, code)
		}
	}
	if code := relay.post(two.URL+"/inbox", good); code != 202 {
		t.Fatalf("validly signed forward: status %d, want 202", code)
	}
	// Accepted at the inbox, the forward is not kept: two does not
	// subscribe to that relay, and nobody there follows alice.
	outWait(t, "the forward processed", func() bool { return processed(two, one.URL+"/users/alice/statuses/1/activity") })
	if hasStatus(two, one.URL+"/users/alice/statuses/1") {
		t.Error("a forward through a relay two does not subscribe to was kept")
	}
	for i := 1; i <= 6; i++ {
		id := one.URL + "/users/alice/statuses/" + string(rune('0'+i)) + "/activity"
		want := 0
		if i == 1 {
			want = 1
		}
		if n, err := two.App.Store.CountInboxActivities(ctx, id); err != nil || n != want {
			t.Errorf("activity %d: stored %d times (%v), want %d", i, n, err, want)
		}
	}
}

// TestRelayAnnounces: with a LitePub relay (which Announces what it
// receives, in its own name), the announced post is fetched from its
// origin: what the Announce embeds is not trusted, and the relay's
// Announce is not a boost.
func TestRelayAnnounces(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.SQLite)
	relay := newTestRelay(t, true)
	subscribe(t, one, relay)
	subscribe(t, two, relay)
	outWait(t, "both subscriptions accepted", func() bool {
		return relayState(t, one) == store.RelayAccepted && relayState(t, two) == store.RelayAccepted
	})
	alice := one.newUserToken(t, "alice")
	post := one.post(t, alice, "Announced by the relay")
	uri := post["uri"].(string)
	outWait(t, "alice's post on two", func() bool { return hasStatus(two, uri) })
	if _, err := two.App.Store.AccountByURI(context.Background(), relay.actor); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("the relay became an account on two (a boost?): %v", err)
	}

	// An Announce embedding a forged object: the origin's copy counts.
	forged := one.post(t, alice, "the real text")
	relay.send(two.URL+"/inbox", map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": relay.URL + "/announces/forged", "type": "Announce", "actor": relay.actor,
		"object": map[string]any{"id": forged["uri"], "type": "Note", "attributedTo": one.URL + "/users/alice", "content": "forged text"}})
	missing := one.URL + "/users/alice/statuses/1"
	relay.send(two.URL+"/inbox", map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": relay.URL + "/announces/missing", "type": "Announce", "actor": relay.actor,
		"object": map[string]any{"id": missing, "type": "Note", "attributedTo": one.URL + "/users/alice", "content": "never posted"}})
	outWait(t, "the announced post on two", func() bool { return hasStatus(two, forged["uri"].(string)) })
	outWait(t, "the Announce of a missing post processed", func() bool { return processed(two, relay.URL+"/announces/missing") })
	st, _ := two.App.Store.StatusByURI(context.Background(), forged["uri"].(string))
	if !strings.Contains(st.Content, "the real text") {
		t.Errorf("content on two = %q, want the origin's", st.Content)
	}
	if hasStatus(two, missing) {
		t.Error("a post its origin does not have was stored from an Announce")
	}
}

package federation_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// apiError calls the API and returns the status and the {"error"} message.
func (s *server) apiError(t *testing.T, method, path, token string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var e struct{ Error string }
	_ = json.Unmarshal(b, &e)
	return res.StatusCode, e.Error
}

// TestTwoServersMove moves alice@one, followed from both servers, to
// alice2@two: refused until alice2 lists alice as an alias, then her
// followers (carol on one, bob on two) follow alice2, and alice's actor
// and account show the move; a second move within the cooldown is refused.
// Cancelling the move lets alice post again and clears the move on two,
// while her followers stay with alice2 and the cooldown still applies.
func TestTwoServersMove(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	alice, carol := one.newUserToken(t, "alice"), one.newUserToken(t, "carol")
	bob, alice2 := two.newUserToken(t, "bob"), two.newUserToken(t, "alice2")
	hostOne, hostTwo := strings.TrimPrefix(one.URL, "http://"), strings.TrimPrefix(two.URL, "http://")
	lookup := func(s *server, acct, token string) string {
		t.Helper()
		var m jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct="+acct, token, nil, &m)
		return m["id"].(string)
	}
	rel := func(s *server, u *user, id string) jsonMap { return s.relationship(t, u, id) }

	// alice's followers: carol on one, bob on two.
	one.mustAPI(t, "POST", "/api/v1/accounts/"+alice.ID.String()+"/follow", carol.token, nil, nil)
	aliceOnTwo := lookup(two, "alice@"+hostOne, bob.token)
	two.mustAPI(t, "POST", "/api/v1/accounts/"+aliceOnTwo+"/follow", bob.token, nil, nil)
	outWait(t, "bob following alice", func() bool { return rel(two, bob, aliceOnTwo)["following"] == true })
	// alice follows bob: two stays a server that knows her after the move.
	bobOnOne := lookup(one, "bob@"+hostTwo, alice.token)
	one.mustAPI(t, "POST", "/api/v1/accounts/"+bobOnOne+"/follow", alice.token, nil, nil)
	outWait(t, "alice following bob", func() bool { return rel(one, alice, bobOnOne)["following"] == true })

	move := url.Values{"password": {"correct horse battery"}, "moved_to_uri": {two.actorURI("alice2")}}
	// alice2 does not list alice yet: refused, nothing changes.
	if code, msg := one.apiError(t, "POST", "/api/v1/accounts/move", alice.token, move); code != 422 || !strings.Contains(msg, "alias") {
		t.Fatalf("move to a target without the alias: %d %q, want 422 naming the alias", code, msg)
	}
	bad := url.Values{"password": {"wrong"}, "moved_to_uri": move["moved_to_uri"]}
	if code, msg := one.apiError(t, "POST", "/api/v1/accounts/move", alice.token, bad); code != 422 || !strings.Contains(msg, "password") {
		t.Fatalf("move with a wrong password: %d %q", code, msg)
	}
	if code, _ := one.apiError(t, "POST", "/api/v1/accounts/alias", alice.token, url.Values{"also_known_as[]": {"nobody@" + hostTwo}}); code != 422 {
		t.Fatalf("alias of an unknown account: %d, want 422", code)
	}

	// alice2 aliases alice by handle: her actor lists alice's id.
	var self jsonMap
	two.mustAPI(t, "POST", "/api/v1/accounts/alias", alice2.token, url.Values{"also_known_as[]": {"@alice@" + hostOne}}, &self)
	actor := two.getJSON(t, "/users/alice2")
	if aka, _ := actor["alsoKnownAs"].([]any); !slices.Contains(aka, any(one.actorURI("alice"))) {
		t.Fatalf("alice2's alsoKnownAs = %v", actor["alsoKnownAs"])
	}

	one.mustAPI(t, "POST", "/api/v1/accounts/move", alice.token, move, &self)
	if m, _ := self["moved"].(map[string]any); m == nil || m["acct"] != "alice2@"+hostTwo {
		t.Errorf("moved account: moved = %v", self["moved"])
	}
	if got := one.getJSON(t, "/users/alice")["movedTo"]; got != two.actorURI("alice2") {
		t.Errorf("alice's movedTo = %v", got)
	}

	// carol (on one) now follows alice2 (accepted by two); bob (on two)
	// follows alice2 after the Move reached two.
	alice2OnOne := lookup(one, "alice2@"+hostTwo, carol.token)
	outWait(t, "carol following alice2", func() bool { return rel(one, carol, alice2OnOne)["following"] == true })
	if r := rel(one, carol, alice.ID.String()); r["following"] != false {
		t.Errorf("carol still follows alice: %v", r)
	}
	outWait(t, "bob following alice2", func() bool { return rel(two, bob, alice2.ID.String())["following"] == true })
	outWait(t, "bob's follow of alice ended", func() bool { return rel(two, bob, aliceOnTwo)["following"] == false })
	outWait(t, "alice2's two followers", func() bool {
		var m jsonMap
		two.mustAPI(t, "GET", "/api/v1/accounts/verify_credentials", alice2.token, nil, &m)
		return m["followers_count"] == float64(2)
	})
	outWait(t, "alice's followers gone on one", func() bool {
		var m jsonMap
		one.mustAPI(t, "GET", "/api/v1/accounts/verify_credentials", alice.token, nil, &m)
		return m["followers_count"] == float64(0)
	})
	// two sees alice as moved (the Update of her actor).
	outWait(t, "alice moved on two", func() bool {
		ra, err := two.App.Store.RemoteAccountByURI(t.Context(), one.actorURI("alice"))
		return err == nil && ra.Account.MovedToAccountID == alice2.ID
	})

	// Moving again within the cooldown is refused.
	if code, msg := one.apiError(t, "POST", "/api/v1/accounts/move", alice.token, move); code != 422 || !strings.Contains(msg, "moved on") {
		t.Errorf("second move: %d %q, want 422 (cooldown)", code, msg)
	}

	// A moved account cannot post; once the move is cancelled it can, its
	// actor has no movedTo, two clears the moved mark (the Update reaches
	// two through bob, whom alice follows), and the followers who moved
	// stay with alice2.
	if code, _ := one.apiError(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"still here"}}); code != 403 {
		t.Errorf("a moved account posted: %d, want 403", code)
	}
	var cancelled jsonMap
	one.mustAPI(t, "POST", "/api/agora/v1/accounts/move/cancel", alice.token, nil, &cancelled)
	if cancelled["moved"] != nil || cancelled["username"] != "alice" {
		t.Errorf("after the cancel: %v", cancelled)
	}
	one.post(t, alice, "back again")
	if got, ok := one.getJSON(t, "/users/alice")["movedTo"]; ok {
		t.Errorf("alice's actor after the cancel: movedTo = %v", got)
	}
	outWait(t, "alice no longer moved on two", func() bool {
		ra, err := two.App.Store.RemoteAccountByURI(t.Context(), one.actorURI("alice"))
		return err == nil && ra.Account.MovedToAccountID == 0
	})
	if r := rel(two, bob, alice2.ID.String()); r["following"] != true {
		t.Errorf("bob no longer follows alice2 after the cancel: %v", r)
	}
	if r := rel(one, carol, alice.ID.String()); r["following"] != false {
		t.Errorf("carol follows alice again after the cancel: %v", r)
	}
	if code, msg := one.apiError(t, "POST", "/api/agora/v1/accounts/move/cancel", alice.token, nil); code != 422 || !strings.Contains(msg, "not moved") {
		t.Errorf("cancel of no move: %d %q, want 422", code, msg)
	}
	// The cooldown still runs from the move.
	if code, msg := one.apiError(t, "POST", "/api/v1/accounts/move", alice.token, move); code != 422 || !strings.Contains(msg, "moved on") {
		t.Errorf("move after the cancel: %d %q, want 422 (cooldown)", code, msg)
	}
}

// TestInboundMove applies a remote account's Move to a local account: not
// while the target does not list the remote account as an alias, then its
// local followers follow the target; a second Move soon after is ignored.
func TestInboundMove(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		r := newRemote(t)
		carol, target := s.newUserToken(t, "carol"), s.newUserToken(t, "target")
		other := s.newUserToken(t, "other")
		bobID := s.followRemote(t, r, carol)
		moveTo := func(to string) { r.send(t, s, jsonMap{"type": "Move", "object": r.actor, "target": to}) }

		moveTo(s.actorURI("target"))
		if rel := s.relationship(t, carol, target.ID.String()); rel["following"] == true {
			t.Fatalf("a Move to an account without the alias was applied: %v", rel)
		}
		if ra, err := s.App.Store.RemoteAccountByURI(t.Context(), r.actor); err != nil || ra.Account.MovedToAccountID != 0 {
			t.Fatalf("bob marked moved without the alias: %v %v", ra, err)
		}

		s.mustAPI(t, "POST", "/api/v1/accounts/alias", target.token, url.Values{"also_known_as[]": {r.actor}}, nil)
		moveTo(s.actorURI("target"))
		if rel := s.relationship(t, carol, target.ID.String()); rel["following"] != true {
			t.Fatalf("after the Move, carol → target: %v", rel)
		}
		if rel := s.relationship(t, carol, bobID); rel["following"] != false {
			t.Errorf("after the Move, carol → bob: %v", rel)
		}
		if ra, _ := s.App.Store.RemoteAccountByURI(t.Context(), r.actor); ra == nil || ra.Account.MovedToAccountID != target.ID {
			t.Errorf("bob not marked moved to target")
		}

		// Within the cooldown another Move is ignored, even a valid one.
		s.mustAPI(t, "POST", "/api/v1/accounts/alias", other.token, url.Values{"also_known_as[]": {r.actor}}, nil)
		moveTo(s.actorURI("other"))
		if ra, _ := s.App.Store.RemoteAccountByURI(t.Context(), r.actor); ra == nil || ra.Account.MovedToAccountID != target.ID {
			t.Errorf("a second Move within the cooldown was applied")
		}
	})
}

package federation_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestInstanceActorBetweenServers has one agora server find the other's
// instance actor as other servers do (the handle DOMAIN@DOMAIN, Mastodon's
// convention, and the /actor URL): it WebFingers back to /actor, so it is
// stored as an account (a bot, named after the domain), like any actor.
func TestInstanceActorBetweenServers(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.SQLite)
	alice := one.newUserToken(t, "alice")
	hostTwo := strings.TrimPrefix(two.URL, "http://")

	var acct jsonMap
	one.mustAPI(t, "GET", "/api/v1/accounts/lookup?"+url.Values{"acct": {hostTwo + "@" + hostTwo}}.Encode(), alice.token, nil, &acct)
	if acct["username"] != hostTwo || acct["acct"] != hostTwo+"@"+hostTwo || acct["bot"] != true {
		t.Errorf("instance actor as an account = %v %v bot=%v", acct["username"], acct["acct"], acct["bot"])
	}
	stored, err := one.App.Store.AccountByURI(context.Background(), two.URL+"/actor")
	if err != nil {
		t.Fatalf("instance actor not stored: %v", err)
	}
	if stored.Username != hostTwo || stored.Domain != hostTwo || stored.InboxURL != two.URL+"/actor/inbox" || stored.PublicKey == "" {
		t.Errorf("stored instance actor = %+v", stored)
	}

	// By its URL, through search: the same account.
	var res struct{ Accounts []jsonMap }
	one.mustAPI(t, "GET", "/api/v2/search?"+url.Values{"q": {two.URL + "/actor"}, "resolve": {"true"}}.Encode(), alice.token, nil, &res)
	if len(res.Accounts) != 1 || res.Accounts[0]["id"] != acct["id"] {
		t.Errorf("search of %s/actor = %v, want account %v", two.URL, res.Accounts, acct["id"])
	}
}

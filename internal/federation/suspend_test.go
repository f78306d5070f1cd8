package federation_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// newAdminToken creates an admin with a token that may moderate.
func (s *server) newAdminToken(t *testing.T, name string) *user {
	t.Helper()
	ctx := context.Background()
	u, a, err := s.App.Accounts.Register(ctx, accounts.SignUp{Username: name, Email: name + "@example.org",
		Password: "correct horse battery", Role: domain.RoleAdmin, ByAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(ctx, auth.HashSecret(tok), &domain.Token{UserID: u.ID,
		Scopes: domain.Scopes{"read", "write", "admin:read", "admin:write"}}); err != nil {
		t.Fatal(err)
	}
	return &user{Account: a, token: tok}
}

// received counts the activities of a type from an actor in s's inbox.
func (s *server) received(t *testing.T, actor, typ string) int {
	t.Helper()
	var n int
	err := s.App.DB.R.QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM inbox_activities WHERE actor_uri = $1 AND type = $2`, actor, typ).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTwoServersSuspension suspends alice on one, who is followed by bob
// and follows carol on two: two receives one Delete of her actor (its
// shared inbox, deduplicated) and drops what she left; lifting the
// suspension sends an Update of her actor, and two reinstates her (not a
// suspension two decided itself).
func TestTwoServersSuspension(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	alice, admin := one.newUserToken(t, "alice"), one.newAdminToken(t, "boss")
	bob := two.newUserToken(t, "bob")
	two.newUser(t, "carol")
	hostOne, hostTwo := strings.TrimPrefix(one.URL, "http://"), strings.TrimPrefix(two.URL, "http://")
	lookup := func(s *server, acct, token string) string {
		t.Helper()
		var m jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct="+acct, token, nil, &m)
		return m["id"].(string)
	}
	aliceOnTwo := lookup(two, "alice@"+hostOne, bob.token)
	two.mustAPI(t, "POST", "/api/v1/accounts/"+aliceOnTwo+"/follow", bob.token, nil, nil)
	carolOnOne := lookup(one, "carol@"+hostTwo, alice.token)
	one.mustAPI(t, "POST", "/api/v1/accounts/"+carolOnOne+"/follow", alice.token, nil, nil)
	outWait(t, "the follows", func() bool {
		return two.relationship(t, bob, aliceOnTwo)["following"] == true && one.relationship(t, alice, carolOnOne)["following"] == true
	})
	aliceURI := one.actorURI("alice")

	one.mustAPI(t, "POST", "/api/v1/admin/accounts/"+alice.ID.String()+"/action", admin.token, url.Values{"type": {"suspend"}, "text": {"spam"}}, nil)
	outWait(t, "alice suspended on two", func() bool {
		a, err := two.App.Store.AccountByURI(context.Background(), aliceURI)
		return err == nil && a.SuspendedAt != nil
	})
	if n := two.received(t, aliceURI, "Delete"); n != 1 {
		t.Errorf("two received %d Deletes of alice, want 1 (deduplicated)", n)
	}
	if r := two.relationship(t, bob, aliceOnTwo); r["following"] != false {
		t.Errorf("bob still follows the deleted alice: %v", r)
	}

	one.mustAPI(t, "POST", "/api/v1/admin/accounts/"+alice.ID.String()+"/unsuspend", admin.token, nil, nil)
	outWait(t, "the Update of alice on two", func() bool { return two.received(t, aliceURI, "Update") >= 1 })
	if code, _, _ := one.get(t, "/users/alice", "application/activity+json"); code != 200 {
		t.Errorf("alice's actor after the reversal: %d", code)
	}
	// two reinstates alice (her actor fetched again from one); what it
	// deleted stays deleted: bob's follow is not back.
	outWait(t, "alice reinstated on two", func() bool {
		a, err := two.App.Store.AccountByURI(context.Background(), aliceURI)
		return err == nil && a.SuspendedAt == nil
	})
	if r := two.relationship(t, bob, aliceOnTwo); r["following"] != false {
		t.Errorf("bob's follow of alice came back: %v", r)
	}
	if code := two.api(t, "GET", "/api/v1/accounts/"+aliceOnTwo, bob.token, nil, nil); code != 200 {
		t.Errorf("alice's account on two after the reinstatement: %d", code)
	}

	// A suspension decided on two is not lifted by one: two's admin
	// suspends alice, one suspends and reinstates her again.
	boss2 := two.newAdminToken(t, "boss2")
	two.mustAPI(t, "POST", "/api/v1/admin/accounts/"+aliceOnTwo+"/action", boss2.token, url.Values{"type": {"suspend"}, "text": {"spam here"}}, nil)
	one.mustAPI(t, "POST", "/api/v1/admin/accounts/"+alice.ID.String()+"/action", admin.token, url.Values{"type": {"suspend"}, "text": {"spam"}}, nil)
	outWait(t, "the second Delete of alice on two", func() bool { return two.received(t, aliceURI, "Delete") >= 2 })
	one.mustAPI(t, "POST", "/api/v1/admin/accounts/"+alice.ID.String()+"/unsuspend", admin.token, nil, nil)
	outWait(t, "the second Update of alice processed on two", func() bool {
		var n int
		err := two.App.DB.R.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM inbox_activities
			WHERE actor_uri = $1 AND type = 'Update' AND processed_at IS NOT NULL`, aliceURI).Scan(&n)
		return err == nil && n >= 2
	})
	if a, err := two.App.Store.AccountByURI(context.Background(), aliceURI); err != nil || a.SuspendedAt == nil {
		t.Errorf("alice's suspension decided on two was lifted by one: %v %v", a, err)
	}
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestMigrationPage moves alice to bob on the same server with the web
// UI, forms only: refused until bob lists alice as an alias, refused with
// a wrong password, then done; carol, alice's follower, follows bob, and
// the page says where alice went, in English and French.
func TestMigrationPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", carol.Token, nil)
		const page = "/settings/migration"

		a := newBrowser(t, s)
		a.signIn("alice")
		contains(t, a.get(page, 200), "This account has no aliases.", `<label for="moved_to_uri">`, `<label for="mig-password">`,
			"What moves: your followers.", "What does not move: your posts")
		move := url.Values{"moved_to_uri": {"@bob"}, "password": {"correct horse battery"}}
		contains(t, a.post(page, page+"/move", move, http.StatusUnprocessableEntity),
			"does not list this account as an alias yet")

		b := newBrowser(t, s)
		b.signIn("bob")
		contains(t, b.post(page, page+"/aliases", url.Values{"alias": {"@nobody"}}, http.StatusUnprocessableEntity),
			"No account was found")
		if p := b.post(page, page+"/aliases", url.Values{"alias": {"@alice"}}, http.StatusSeeOther); p.Header.Get("Location") != page {
			t.Fatalf("alias went to %q", p.Header.Get("Location"))
		}
		contains(t, b.get(page, 200), "The alias is added.", s.URL+"/users/alice")

		contains(t, a.post(page, page+"/move", url.Values{"moved_to_uri": {"@bob"}, "password": {"wrong"}}, http.StatusUnprocessableEntity),
			"The password is not right.")
		a.post(page, page+"/move", move, http.StatusSeeOther)
		contains(t, a.get(page, 200), "Your account has moved", "This account has moved to", "@bob", "it can move again from")
		ctx := context.Background()
		if ok, err := s.App.Store.IsFollowing(ctx, carol.ID, bob.ID); err != nil || !ok {
			t.Errorf("carol follows bob after the move: %v %v", ok, err)
		}
		if ok, _ := s.App.Store.IsFollowing(ctx, carol.ID, alice.ID); ok {
			t.Errorf("carol still follows alice")
		}
		a.lang = "fr"
		contains(t, a.get(page, 200), "Ce compte a déménagé vers", "il pourra déménager de nouveau")

		// bob removes the alias.
		b.post(page, page+"/aliases/remove", url.Values{"uri": {s.URL + "/users/alice"}}, http.StatusSeeOther)
		contains(t, b.get(page, 200), "This account has no aliases.")
	})
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// TestMigrationCancelPage moves alice to bob, then cancels the move from
// the migration page, forms only: refused without the confirmation box,
// then done; alice is no longer moved, carol stays with bob, and the page
// offers the cancel only while moved; in English and French.
func TestMigrationCancelPage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", carol.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/alias", bob.Token, url.Values{"also_known_as[]": {"@alice"}})
		const page = "/settings/migration"

		a := newBrowser(t, s)
		a.signIn("alice")
		if p := a.get(page, 200); strings.Contains(p.Body, "Cancel the move") {
			t.Errorf("the cancel form is offered before any move")
		}
		a.post(page, page+"/move", url.Values{"moved_to_uri": {"@bob"}, "password": {"correct horse battery"}}, http.StatusSeeOther)
		contains(t, a.get(page, 200), `<h2 id="mig-cancel-h">Cancelling the move</h2>`, `<label for="mig-cancel-confirm">`,
			"Followers who already follow the new account stay with it")
		a.lang = "fr"
		contains(t, a.get(page, 200), "Annuler le déménagement", "Je comprends que mes abonnés restent avec le nouveau compte")
		a.lang = "en"

		contains(t, a.post(page, page+"/move/cancel", url.Values{}, http.StatusUnprocessableEntity),
			"Tick the box to confirm")
		if p := a.post(page, page+"/move/cancel", url.Values{"confirm": {"1"}}, http.StatusSeeOther); p.Header.Get("Location") != page {
			t.Fatalf("cancel went to %q", p.Header.Get("Location"))
		}
		body := a.get(page, 200)
		contains(t, body, "The move is cancelled: this account can post again.", "it can move again from")
		if strings.Contains(body.Body, "This account has moved to") {
			t.Errorf("the page still says that alice moved")
		}
		ctx := context.Background()
		if acct, err := s.App.Store.Account(ctx, alice.ID); err != nil || acct.MovedToAccountID != 0 {
			t.Errorf("alice still moved after the cancel: %v %v", acct, err)
		}
		if ok, err := s.App.Store.IsFollowing(ctx, carol.ID, bob.ID); err != nil || !ok {
			t.Errorf("carol no longer follows bob after the cancel: %v %v", ok, err)
		}
		contains(t, a.post(page, page+"/move/cancel", url.Values{"confirm": {"1"}}, http.StatusUnprocessableEntity),
			"This account has not moved.")
	})
}

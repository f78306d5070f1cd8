package mastodon_test

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

func TestAdminAccountActions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		mod := staff(t, s, "mod", domain.RoleModerator)
		stID := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "hello"}).Map(t)["id"].(string)

		s.Must(t, 403, "POST", "/api/v1/admin/accounts/"+alice.AccountID+"/action", bob.Token, map[string]any{"type": "suspend"})
		s.Must(t, 422, "POST", "/api/v1/admin/accounts/"+alice.AccountID+"/action", mod.Token, map[string]any{"type": "explode"})
		s.Must(t, 404, "POST", "/api/v1/admin/accounts/999999/action", mod.Token, map[string]any{"type": "suspend"})

		acct := s.Must(t, 200, "GET", "/api/v1/admin/accounts/"+alice.AccountID, mod.Token, nil).Map(t)
		if acct["email"] != "alice@example.org" || acct["suspended"] != false || acct["domain"] != nil || acct["account"].(map[string]any)["id"] != alice.AccountID {
			t.Fatalf("admin account: %v", acct)
		}

		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+alice.AccountID+"/action", mod.Token, map[string]any{"type": "silence", "text": "Too loud"})
		if a := s.Must(t, 200, "GET", "/api/v1/admin/accounts/"+alice.AccountID, mod.Token, nil).Map(t); a["silenced"] != true {
			t.Fatalf("not silenced: %v", a)
		}
		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+alice.AccountID+"/unsilence", mod.Token, nil)

		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+alice.AccountID+"/action", mod.Token, map[string]any{"type": "suspend", "text": "Spam network"})
		if got := s.Must(t, 200, "GET", "/api/v1/admin/accounts?suspended=true", mod.Token, nil).List(t); len(got) != 1 || got[0]["id"] != alice.AccountID {
			t.Fatalf("suspended filter: %v", got)
		}
		s.Must(t, 404, "GET", "/api/v1/statuses/"+stID, bob.Token, nil)
		stmts := s.Must(t, 200, "GET", "/api/agora/v1/statements", alice.Token, nil).List(t)
		if len(stmts) != 2 || stmts[0]["action"] != "suspend" || stmts[1]["action"] != "limit" {
			t.Fatalf("statements: %v", stmts)
		}
		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+alice.AccountID+"/unsuspend", mod.Token, nil)
		s.Must(t, 200, "GET", "/api/v1/statuses/"+stID, bob.Token, nil)

		// disable / enable (freeze): the login is refused meanwhile.
		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+bob.AccountID+"/action", mod.Token, map[string]any{"type": "disable"})
		s.Must(t, 403, "GET", "/api/v1/accounts/verify_credentials", bob.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+bob.AccountID+"/enable", mod.Token, nil)
		s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", bob.Token, nil)

		// Pending sign-ups.
		carol := s.NewUser(t, "carol")
		if err := s.App.Store.SetUserFlags(context.Background(), s.App.Store.DB.W, carol.ID, false, false); err != nil {
			t.Fatal(err)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/admin/accounts?pending=true", mod.Token, nil).List(t); len(got) != 1 || got[0]["approved"] != false {
			t.Fatalf("pending filter: %v", got)
		}
		s.Must(t, 200, "POST", "/api/v1/admin/accounts/"+carol.AccountID+"/approve", mod.Token, nil)
		s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", carol.Token, nil)

		if got := s.Must(t, 200, "GET", "/api/v1/admin/accounts?staff=true", mod.Token, nil).List(t); len(got) != 1 || got[0]["role"].(map[string]any)["name"] != "Moderator" {
			t.Fatalf("staff filter: %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/admin/accounts?username=ali", mod.Token, nil).List(t); len(got) != 1 {
			t.Fatalf("username filter: %v", got)
		}
	})
}

// TestTemporaryRestriction: a restriction with a duration is lifted by
// ExpireRestrictions once its time is over, and logged.
func TestTemporaryRestriction(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		mod := staff(t, s, "mod", domain.RoleModerator)
		admin := staff(t, s, "root", domain.RoleAdmin)
		ruleID := s.Must(t, 200, "POST", "/api/agora/v1/admin/rules", admin.Token, map[string]any{"text": "Be kind"}).Map(t)["id"].(string)
		stID := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "hello"}).Map(t)["id"].(string)
		s.Must(t, 200, "POST", "/api/agora/v1/admin/decisions", mod.Token, map[string]any{"account_id": alice.AccountID,
			"action": "suspend", "ground": "terms", "rule_ids": []string{ruleID}, "explanation": "A week off.", "duration": 7 * 24 * 3600})
		s.Must(t, 404, "GET", "/api/v1/statuses/"+stID, "", nil)
		svc := moderation.New(s.App.Store, nil, s.URL)
		if n, err := svc.ExpireRestrictions(context.Background()); err != nil || n != 0 {
			t.Fatalf("expired too early: %d %v", n, err)
		}
		real := s.App.Store.Now
		s.App.Store.Now = func() time.Time { return real().Add(8 * 24 * time.Hour) }
		defer func() { s.App.Store.Now = real }()
		if n, err := svc.ExpireRestrictions(context.Background()); err != nil || n != 1 {
			t.Fatalf("expiry: %d %v", n, err)
		}
		if n, _ := svc.ExpireRestrictions(context.Background()); n != 0 {
			t.Fatal("expired twice")
		}
		s.Must(t, 200, "GET", "/api/v1/statuses/"+stID, "", nil)
		if a := s.Must(t, 200, "GET", "/api/v1/admin/accounts/"+alice.AccountID, mod.Token, nil).Map(t); a["suspended"] != false {
			t.Fatalf("still suspended: %v", a)
		}

		// PUT /api/v1/admin/reports/:id recategorizes with the same checks.
		bob := s.NewUser(t, "bob")
		repID := s.Must(t, 200, "POST", "/api/v1/reports", bob.Token, map[string]any{"account_id": alice.AccountID}).Map(t)["id"].(string)
		s.Must(t, 422, "PUT", "/api/v1/admin/reports/"+repID, mod.Token, map[string]any{"category": "violation"})
		s.Must(t, 422, "PUT", "/api/v1/admin/reports/"+repID, mod.Token, map[string]any{"category": "legal"})
		s.Must(t, 403, "PUT", "/api/v1/admin/reports/"+repID, bob.Token, map[string]any{"category": "spam"})
		got := s.Must(t, 200, "PUT", "/api/v1/admin/reports/"+repID, mod.Token, map[string]any{"rule_ids": []string{ruleID}}).Map(t)
		if got["category"] != "violation" || len(got["rules"].([]any)) != 1 {
			t.Fatalf("recategorized: %v", got)
		}
	})
}

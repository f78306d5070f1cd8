package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/storetest"
)

// TestHoldDecisionStore: a hold with a decision stores it with the post
// (report, notification, held row pointing to it); superseding and
// releasing end it; statement links find their decision by the token's
// hash; appeals keep a contact e-mail; the service account is made once
// and never taken from a member; rules move up and down.
func TestHoldDecisionStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, nil)
		ids := graphUsers(t, s, "alice", "mod")
		alice, mod := ids[0], ids[1]

		hold := func() (*HeldStatus, *Decision) {
			t.Helper()
			st := testStatus(s, alice, domain.Public)
			st.Local, st.URL = true, "https://agora.example/@alice/"+st.ID.String()
			tmpl := &Decision{Action: "hold", Ground: "terms", Explanation: "e", Facts: "f", Category: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
				SourceType: "SOURCE_VOLUNTARY", AutomatedDetection: true, AutomatedDecision: "AUTOMATED_DECISION_FULLY", AppealDeadline: s.Now().AddDate(0, 6, 0)}
			if _, _, err := s.CreateStatus(ctx, NewStatus{Status: st, Hold: &Hold{Score: 7, Signals: "[]", Comment: "c", Decision: tmpl}}); err != nil {
				t.Fatal(err)
			}
			h, err := s.HeldStatusByID(ctx, st.ID)
			if err != nil || h.DecisionID == 0 {
				t.Fatalf("held row: %+v %v", h, err)
			}
			dec, err := s.Decision(ctx, h.DecisionID)
			if err != nil || dec.ReportID != h.ReportID || dec.TargetAccountID != alice || len(dec.StatusIDs) != 1 || dec.StatusIDs[0] != st.ID ||
				dec.DecidedBy != 0 || dec.EndsAt != nil || dec.AutomatedDecision != "AUTOMATED_DECISION_FULLY" {
				t.Fatalf("hold decision: %+v %v", dec, err)
			}
			return h, dec
		}
		h1, d1 := hold()
		links, err := s.NotificationDecisions(ctx, notificationIDs(t, s, alice))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, dec := range links {
			found = found || dec == d1.ID
		}
		if !found {
			t.Fatalf("no moderation_warning for the hold: %v", links)
		}

		// A moderator's decision on the report supersedes it.
		var holds map[domain.ID]domain.ID
		if err := s.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			if holds, err = s.HoldDecisionsOfReport(ctx, tx, h1.ReportID); err != nil {
				return err
			}
			return s.EndHoldDecisions(ctx, tx, []domain.ID{d1.ID}, 42)
		}); err != nil {
			t.Fatal(err)
		}
		if holds[d1.ID] != h1.StatusID {
			t.Fatalf("hold decisions of the report: %v", holds)
		}
		if got, _ := s.Decision(ctx, d1.ID); got.SupersededBy != 42 || got.EndsAt == nil {
			t.Fatalf("superseded hold: %+v", got)
		}

		// A release ends it, without overruling or superseding.
		h2, d2 := hold()
		if err := s.Tx(ctx, func(tx *sql.Tx) error { _, err := s.ReleaseHeld(ctx, tx, h2.StatusID, mod); return err }); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Decision(ctx, d2.ID); got.EndsAt == nil || got.OverruledAt != nil || got.SupersededBy != 0 {
			t.Fatalf("released hold: %+v", got)
		}
		if err := s.Tx(ctx, func(tx *sql.Tx) error {
			got, err := s.HoldDecisionsOfReport(ctx, tx, h2.ReportID)
			if err == nil && len(got) != 0 {
				t.Errorf("an ended hold is still in force: %v", got)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// Statement links and contact e-mails.
		if err := s.Tx(ctx, func(tx *sql.Tx) error { return s.InsertStatementLink(ctx, tx, d2.ID, "hash-of-token") }); err != nil {
			t.Fatal(err)
		}
		if got, err := s.DecisionByStatementToken(ctx, "hash-of-token"); err != nil || got.ID != d2.ID {
			t.Fatalf("decision by token: %v %v", got, err)
		}
		if _, err := s.DecisionByStatementToken(ctx, "other"); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("unknown token: %v", err)
		}
		a := &Appeal{DecisionID: d2.ID, AccountID: alice, Text: "t", ContactEmail: "bob@two.example"}
		if err := s.InsertAppeal(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Appeal(ctx, a.ID); err != nil || got.ContactEmail != "bob@two.example" {
			t.Fatalf("appeal: %+v %v", got, err)
		}

		// The service account.
		var svc, again *domain.Account
		for _, out := range []**domain.Account{&svc, &again} {
			if err := s.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				*out, err = s.ServiceAccount(ctx, tx, "https://agora.example", "moderation", "Moderation", "<p>n</p>")
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if svc.ID != again.ID || !svc.Bot || svc.URI != "https://agora.example/users/moderation" || !svc.Local() {
			t.Fatalf("service account: %+v then %+v", svc, again)
		}
		err = s.Tx(ctx, func(tx *sql.Tx) error {
			_, err := s.ServiceAccount(ctx, tx, "https://agora.example", "alice", "x", "")
			return err
		})
		if domain.KindOf(err) != domain.KindConflict {
			t.Fatalf("a member's username as the service account: %v", err)
		}

		// Rules order.
		var rules []Rule
		for _, text := range []string{"a", "b", "c"} {
			r, err := s.AddRule(ctx, text, "")
			if err != nil {
				t.Fatal(err)
			}
			rules = append(rules, r)
		}
		texts := func() string {
			t.Helper()
			rs, err := s.Rules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out := ""
			for _, r := range rs {
				out += r.Text
			}
			return out
		}
		for _, c := range []struct {
			id   domain.ID
			by   int
			want string
		}{{rules[2].ID, -1, "acb"}, {rules[2].ID, -1, "cab"}, {rules[2].ID, -1, "cab"}, {rules[0].ID, 1, "cba"}, {rules[1].ID, 1, "cab"}} {
			if err := s.MoveRule(ctx, c.id, c.by); err != nil {
				t.Fatal(err)
			}
			if got := texts(); got != c.want {
				t.Fatalf("after moving %s by %d: %s, want %s", c.id, c.by, got, c.want)
			}
		}
		if err := s.MoveRule(ctx, 12345, 1); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("moving an unknown rule: %v", err)
		}
	})
}

// notificationIDs lists an account's notification ids.
func notificationIDs(t *testing.T, s *Store, account domain.ID) []domain.ID {
	t.Helper()
	ids, err := scanIDs(s.DB.R.QueryContext(context.Background(), `SELECT id FROM notifications WHERE account_id = $1`, int64(account)))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
	"github.com/agora-social/agora/internal/store"
)

// modReport files a report through the API and returns its id.
func modReport(t *testing.T, s *apitest.Server, by *apitest.User, target *apitest.User, statusIDs ...string) string {
	t.Helper()
	body := map[string]any{"account_id": target.AccountID, "comment": "report by " + by.Username, "category": "spam"}
	if len(statusIDs) > 0 {
		body["status_ids"] = statusIDs
	}
	return s.Must(t, 200, "POST", "/api/v1/reports", by.Token, body).Map(t)["id"].(string)
}

// modPost posts a status through the API and returns its id.
func modPost(t *testing.T, s *apitest.Server, u *apitest.User, text string) string {
	t.Helper()
	return s.Must(t, 200, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": text}).Map(t)["id"].(string)
}

// TestModerationQueueWeb: the queue's filters, priority order and paging,
// and every action of the report page, without JavaScript; a normal user is
// refused each of them.
func TestModerationQueueWeb(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		modU := s.NewUserRole(t, "mod", domain.RoleModerator)
		stID := modPost(t, s, alice, "<b>buy</b> <script>alert(1)</script> cheap pills")
		first := modReport(t, s, bob, alice, stID)
		second := modReport(t, s, bob, alice)
		if err := s.App.Store.AddTrustedFlagger(ctx, carol.ID, "Hotline"); err != nil {
			t.Fatal(err)
		}
		flagged := modReport(t, s, carol, alice) // newest, but first in the queue

		user := newBrowser(t, s)
		user.signIn("alice")
		mod := newBrowser(t, s)
		mod.signIn("mod")

		q := mod.get("/admin/reports", 200)
		contains(t, q, `aria-current="page">Reports`, "Trusted flagger", "#"+first, "#"+second)
		if i, j, k := strings.Index(q.Body, "#"+flagged), strings.Index(q.Body, "#"+first), strings.Index(q.Body, "#"+second); !(i < j && j < k) {
			t.Errorf("queue order: flagged %d, first %d, second %d; want the trusted flagger first, then oldest first", i, j, k)
		}
		// Paging in queue order, across the trusted flaggers' boundary.
		svc := moderation.New(s.App.Store, nil, s.URL)
		mu, err := s.App.Store.User(ctx, modU.UserID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for after, n := domain.ID(0), 0; n < 5; n++ {
			rs, next, err := svc.QueuePage(ctx, mu, moderation.QueueFilter{}, after, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				got = append(got, r.ID.String())
			}
			if after = next; next == 0 {
				break
			}
		}
		if want := []string{flagged, first, second}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("pages: got %v, want %v", got, want)
		}

		page := "/admin/reports/" + first
		rp := mod.get(page, 200)
		contains(t, rp, "&lt;b&gt;buy&lt;/b&gt;", "cheap pills", `href="/admin/accounts/`+alice.AccountID+`"`, "3 report(s)", "Assign to me", `href="/@alice/`+stID+`"`)
		if strings.Contains(rp.Body, "<script>alert(1)") {
			t.Error("the reported post's HTML was not sanitized")
		}

		// Assign, then the queue shows who has it and "mine" filters on it.
		mod.post(page, page+"/state", url.Values{"do": {"assign_to_self"}}, http.StatusSeeOther)
		contains(t, mod.get(page, 200), "The report is assigned to you.", "Assigned to: @mod", "Unassign")
		mine := mod.get("/admin/reports?mine=1", 200)
		contains(t, mine, "#"+first, "<td>@mod</td>")
		if strings.Contains(mine.Body, "#"+second) {
			t.Error("mine=1 lists a report assigned to nobody")
		}
		mod.post(page, page+"/state", url.Values{"do": {"unassign"}}, http.StatusSeeOther)
		mod.post(page, page+"/state", url.Values{"do": {"escalate"}}, http.StatusSeeOther)
		esc := mod.get("/admin/reports?state=escalated", 200)
		contains(t, esc, "#"+first)
		if strings.Contains(esc.Body, "#"+second) {
			t.Error("state=escalated lists an open report")
		}
		mod.post(page, page+"/state", url.Values{"do": {"fly"}}, http.StatusUnprocessableEntity)

		// Internal comments.
		mod.post(page, page+"/notes", url.Values{"content": {" "}}, http.StatusUnprocessableEntity)
		mod.post(page, page+"/notes", url.Values{"content": {"Looks like the usual spam ring."}}, http.StatusSeeOther)
		contains(t, mod.get(page, 200), "Looks like the usual spam ring.", "@mod")

		// Resolve without action: a reason is required; the reporter is told.
		p := mod.post(page, page+"/resolve", url.Values{"reason": {""}}, http.StatusUnprocessableEntity)
		contains(t, p, "Give the reason for resolving")
		mod.lang = "fr"
		contains(t, mod.post(page, page+"/resolve", url.Values{"reason": {""}}, http.StatusUnprocessableEntity), "Indiquez le motif du classement")
		mod.lang = "en"
		mod.post(page, page+"/resolve", url.Values{"reason": {"Not spam: a pharmacy."}}, http.StatusSeeOther)
		rp = mod.get(page, 200)
		contains(t, rp, "Resolved without action: Not spam: a pharmacy.", "Reopen")
		contains(t, mod.get("/admin/reports?state=resolved", 200), "#"+first)
		decided := 0
		for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications", bob.Token, nil).List(t) {
			if n["type"] == moderation.NotifyReportDecided {
				decided++
			}
		}
		if decided != 1 {
			t.Errorf("the reporter got %d report_decided notifications, want 1", decided)
		}
		mod.post(page, page+"/resolve", url.Values{"reason": {"again"}}, http.StatusUnprocessableEntity)
		mod.post(page, page+"/state", url.Values{"do": {"escalate"}}, http.StatusUnprocessableEntity)
		mod.post(page, page+"/state", url.Values{"do": {"reopen"}}, http.StatusSeeOther)
		contains(t, mod.get("/admin/reports?state=open", 200), "#"+first)

		// The audit log has every step, and filters by action and moderator.
		audit := mod.get("/admin/audit?action=report", 200)
		contains(t, audit, "report.assign_to_self", "report.unassign", "report.escalate", "report.note", "report.resolve", "report.reopen", "@mod")
		contains(t, mod.get("/admin/audit?action=report.reopen&moderator=mod", 200), "report.reopen")
		if b := mod.get("/admin/audit?action=report.reopen", 200).Body; strings.Contains(b, "report.escalate") {
			t.Error("the exact action filter lists other actions")
		}
		contains(t, mod.get("/admin/audit?moderator=alice", 200), "No entries.")
		mod.get("/admin/audit?moderator=nobody", http.StatusUnprocessableEntity)
		mod.get("/admin/audit?action=DROP%20TABLE", http.StatusUnprocessableEntity)

		// A normal user gets none of it.
		for _, path := range []string{"/admin/reports", page, "/admin/appeals", "/admin/accounts", "/admin/accounts/" + alice.AccountID, "/admin/audit"} {
			user.get(path, http.StatusForbidden)
		}
		for _, action := range []string{page + "/state", page + "/resolve", page + "/notes", page + "/decision"} {
			user.post("/settings", action, url.Values{"do": {"assign_to_self"}, "reason": {"x"}, "content": {"x"}}, http.StatusForbidden)
		}
		r, err := s.App.Store.Report(ctx, mustID(t, first))
		if err != nil || r.State != "open" || r.AssignedAccountID != 0 {
			t.Errorf("a normal user changed the report: %+v %v", r, err)
		}
	})
}

func mustID(t *testing.T, s string) domain.ID {
	t.Helper()
	id, ok := domain.ParseID(s)
	if !ok {
		t.Fatalf("not an id: %q", s)
	}
	return id
}

// TestModerationAppealsWeb: a decision on the web, the author's appeal, the
// four-eyes refusal of the deciding moderator, and a second moderator's
// reversal that restores the post.
func TestModerationAppealsWeb(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.NewUserRole(t, "mod", domain.RoleModerator)
		s.NewUserRole(t, "mod2", domain.RoleModerator)
		stID := modPost(t, s, alice, "a borderline joke")
		rep := modReport(t, s, bob, alice, stID)
		mod, mod2, author := newBrowser(t, s), newBrowser(t, s), newBrowser(t, s)
		mod.signIn("mod")
		mod2.signIn("mod2")
		author.signIn("alice")

		page := "/admin/reports/" + rep
		// ground terms without a rule (the server has none): refused readably.
		p := mod.post(page, page+"/decision", url.Values{"action": {"remove"}, "ground": {"terms"}, "explanation": {"Mean."}}, http.StatusUnprocessableEntity)
		contains(t, p, "Tick the rules the content breaks.")
		d := mod.post(page, page+"/decision", url.Values{"action": {"remove"}, "ground": {"illegal"}, "legal_ground": {"Art. 29"},
			"category": {"illegal_or_harmful_speech"}, "explanation": {"Defamatory."}}, http.StatusSeeOther)
		stmt := d.Header.Get("Location")
		s.Must(t, 404, "GET", "/api/v1/statuses/"+stID, "", nil)
		author.post(stmt, stmt+"/appeal", url.Values{"text": {"It was a joke, and clearly one."}}, http.StatusSeeOther)

		list := mod.get("/admin/appeals", 200)
		contains(t, list, `aria-current="page">Appeals`, "Content removed", "@alice", "your decision")
		as, err := s.App.Store.Appeals(t.Context(), 0, "pending")
		if err != nil || len(as) != 1 {
			t.Fatalf("appeals: %v %v", as, err)
		}
		ap := "/admin/appeals/" + as[0].ID.String()
		contains(t, mod.get(ap, 200), "It was a joke, and clearly one.", "Art. 29", "Defamatory.", "You took this decision")
		p = mod.post(ap, ap, url.Values{"do": {"approve"}, "response": {"fine"}}, http.StatusForbidden)
		contains(t, p, "You took this decision: another moderator must decide its appeal.")
		mod.lang = "fr"
		contains(t, mod.post(ap, ap, url.Values{"do": {"approve"}}, http.StatusForbidden), "un autre modérateur doit trancher")
		s.Must(t, 404, "GET", "/api/v1/statuses/"+stID, "", nil)

		mod2.post(ap, ap, url.Values{"do": {"maybe"}}, http.StatusUnprocessableEntity)
		r := mod2.post(ap, ap, url.Values{"do": {"approve"}, "response": {"Agreed: satire."}}, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/admin/appeals" {
			t.Errorf("after the decision: %q", loc)
		}
		contains(t, mod2.get("/admin/appeals", 200), "The appeal was approved", "No pending appeals.")
		s.Must(t, 200, "GET", "/api/v1/statuses/"+stID, "", nil)
		done := mod2.get(ap, 200)
		contains(t, done, "Approved", "Agreed: satire.", "This decision was reversed.")
		if strings.Contains(done.Body, `name="do" value="approve"`) {
			t.Error("a decided appeal still has the decision form")
		}
		contains(t, author.get(stmt, 200), "This decision was reversed.", "Agreed: satire.")
		contains(t, mod2.get("/admin/audit?action=appeal", 200), "appeal.approved", "@mod2")
		author.get("/admin/appeals", http.StatusForbidden)
		author.get(ap, http.StatusForbidden)
	})
}

// TestModerationAccountsWeb: the accounts search, an account's page, its
// actions through the decision service, sign-up approval and trusted
// flaggers (admins only).
func TestModerationAccountsWeb(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		alice, erin := s.NewUser(t, "alice"), s.NewUser(t, "erin")
		s.NewUserRole(t, "mod", domain.RoleModerator)
		s.NewUserRole(t, "root", domain.RoleAdmin)
		modPost(t, s, alice, "hello world")
		s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "for my followers", "visibility": "private"})
		if err := s.App.Store.SetUserFlags(ctx, s.App.Store.DB.W, erin.ID, false, false); err != nil {
			t.Fatal(err)
		}
		remote := &domain.Account{Username: "zed", Domain: "remote.example", URI: "https://remote.example/users/zed",
			InboxURL: "https://remote.example/users/zed/inbox", FollowersURL: "https://remote.example/users/zed/followers"}
		if err := s.App.Store.UpsertRemoteAccount(ctx, &store.RemoteAccount{Account: remote}); err != nil {
			t.Fatal(err)
		}
		mod, admin, user := newBrowser(t, s), newBrowser(t, s), newBrowser(t, s)
		mod.signIn("mod")
		admin.signIn("root")
		user.signIn("alice")

		all := mod.get("/admin/accounts", 200)
		contains(t, all, `aria-current="page">Accounts`, "@alice", "@zed@remote.example", "Waiting for approval")
		rem := mod.get("/admin/accounts?origin=remote", 200)
		contains(t, rem, "@zed@remote.example")
		if strings.Contains(rem.Body, "@alice") {
			t.Error("origin=remote lists a local account")
		}
		contains(t, mod.get("/admin/accounts?username=zed%40remote.example", 200), "@zed@remote.example")
		pending := mod.get("/admin/accounts?status=pending", 200)
		contains(t, pending, "@erin")
		if strings.Contains(pending.Body, "@alice") {
			t.Error("status=pending lists an approved account")
		}
		mod.get("/admin/accounts?username="+strings.Repeat("a", 400), http.StatusUnprocessableEntity)

		page := "/admin/accounts/" + alice.AccountID
		ap := mod.get(page, 200)
		contains(t, ap, "hello world", "0 decision(s)", "No reports.")
		if strings.Contains(ap.Body, "for my followers") {
			t.Error("the account page shows a followers-only post")
		}
		if strings.Contains(ap.Body, "trusted_flagger") {
			t.Error("a moderator is offered the admins' trusted flagger form")
		}

		// Limit through the decision service: a statement is made.
		mod.post(page, page+"/action", url.Values{"type": {"explode"}, "text": {"x"}}, http.StatusUnprocessableEntity)
		mod.post(page, page+"/action", url.Values{"type": {"silence"}, "text": {"Repeated unsolicited replies."}}, http.StatusSeeOther)
		ap = mod.get(page, 200)
		contains(t, ap, "The decision was recorded", "Account limited", "1 decision(s), 1 standing restriction(s)", "Lift the limit")
		ds, err := s.App.Store.Decisions(ctx, alice.ID, time.Time{}, time.Time{})
		if err != nil || len(ds) != 1 || ds[0].Action != "limit" || ds[0].Explanation != "Repeated unsolicited replies." {
			t.Fatalf("decisions: %+v %v", ds, err)
		}
		contains(t, user.get("/statements/"+ds[0].ID.String(), 200), "Repeated unsolicited replies.")
		mod.post(page, page+"/lift", url.Values{"do": {"unsilence"}}, http.StatusSeeOther)
		if a, _ := s.App.Store.Account(ctx, alice.ID); a.SilencedAt != nil {
			t.Error("unsilence did not lift the limit")
		}
		// A remote post on its report: its HTML sanitized again, its media's
		// description shown, a link to the original.
		rst := &domain.Status{ID: s.App.Store.IDs.Next(), AccountID: remote.ID, URI: "https://remote.example/n/1", URL: "https://remote.example/@zed/1",
			Visibility: domain.Public, CreatedAt: s.App.Store.Now(),
			Content: `<p>hi <script>alert(1)</script><a href="javascript:alert(2)">click</a> <img src=x onerror="alert(3)"></p>`}
		rst.ConversationID = rst.ID
		if _, err := s.App.Store.CreateRemoteStatus(ctx, rst, nil, []*store.Media{{Type: "image", ContentType: "image/png",
			RemoteURL: "https://remote.example/a.png", Description: "a cat on a mat"}}, false); err != nil {
			t.Fatal(err)
		}
		rrep := modReport(t, s, alice, &apitest.User{AccountID: remote.ID.String()}, rst.ID.String())
		rr := mod.get("/admin/reports/"+rrep, 200)
		contains(t, rr, "hi ", "a cat on a mat", `href="https://remote.example/@zed/1"`)
		for _, bad := range []string{"<script>alert", "javascript:", "onerror"} {
			if strings.Contains(rr.Body, bad) {
				t.Errorf("the report page carries %q from a remote post", bad)
			}
		}

		// A remote account cannot be frozen: the service says so.
		rp := "/admin/accounts/" + remote.ID.String()
		contains(t, mod.post(rp, rp+"/action", url.Values{"type": {"disable"}, "text": {"x"}}, http.StatusUnprocessableEntity),
			"Only accounts of this server can be frozen.")

		// Sign-up approval.
		ep := "/admin/accounts/" + erin.AccountID
		contains(t, mod.get(ep, 200), "Approve the sign-up")
		mod.post(ep, ep+"/lift", url.Values{"do": {"approve"}}, http.StatusSeeOther)
		if u, _ := s.App.Store.User(ctx, erin.UserID); !u.Approved {
			t.Error("the sign-up was not approved")
		}

		// Trusted flaggers: admins only, and the service says why.
		p := mod.post(page, page+"/trusted_flagger", url.Values{"name": {"Hotline"}}, http.StatusForbidden)
		contains(t, p, "You are not allowed to do this.")
		contains(t, admin.get(page, 200), "Mark as trusted flagger")
		admin.post(page, page+"/trusted_flagger", url.Values{"name": {""}}, http.StatusUnprocessableEntity)
		admin.post(page, page+"/trusted_flagger", url.Values{"name": {"Hotline"}}, http.StatusSeeOther)
		if ok, _ := s.App.Store.TrustedFlagger(ctx, alice.ID); !ok {
			t.Error("not a trusted flagger")
		}

		contains(t, mod.get("/admin/audit?action=account", 200), "account.unsilence", "account.approve")
		contains(t, mod.get("/admin/audit?action=decision", 200), "decision.limit")

		// A normal user can do none of it.
		user.post("/settings", page+"/action", url.Values{"type": {"suspend"}, "text": {"x"}}, http.StatusForbidden)
		user.post("/settings", page+"/lift", url.Values{"do": {"unsuspend"}}, http.StatusForbidden)
		if a, _ := s.App.Store.Account(ctx, alice.ID); a.SuspendedAt != nil {
			t.Error("a normal user suspended an account")
		}
	})
}

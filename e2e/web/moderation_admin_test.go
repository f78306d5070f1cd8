package web

import (
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// modClickButton clicks the submit button of a form found by its action
// and, when value is set, by the button's value.
func modClickButton(tb *tab, action, value string) {
	tb.t.Helper()
	css := `form[action="` + action + `"] button`
	if value != "" {
		css += `[value="` + value + `"]`
	} else {
		css += `[type=submit]`
	}
	tb.click(css)
}

// TestModerationWebFlow is issue 5's end-to-end moderation flow driven in
// Chromium: a notice through the public form -> the queue -> assign ->
// decision -> the author's statement page -> appeal -> refused to the
// deciding moderator (four eyes) -> reversed by a second moderator -> the
// post is back -> the figures on /transparency. axe-core audits every
// moderation page on the way.
func TestModerationWebFlow(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice := s.NewUser(t, "alice")
	s.NewUserRole(t, "mod", domain.RoleModerator)
	s.NewUserRole(t, "mod2", domain.RoleModerator)
	stID := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "The mayor embezzled the school fund."}).Map(t)["id"].(string)
	tb := newTab(t, s.URL, true)

	// A notice from someone without an account.
	tb.open("/report")
	tb.waitFor("the notice form", `document.getElementById("account")`)
	tb.audit("mod-notice")
	tb.typeInto("account", "@alice")
	tb.do(setValue("content_urls", s.URL+"/@alice/"+stID), setValue("legal_category", "illegal_or_harmful_speech"),
		setValue("legal_explanation", "Defamation: there is no such finding."))
	tb.typeInto("notifier_name", "Jo Public")
	tb.typeInto("notifier_email", "jo@example.net")
	tb.click("#good_faith_confirmed")
	modClickButton(tb, "/report", "")
	tb.waitFor("the receipt", hasText("your notice was received under reference"))

	// The queue, the report, assignment, the decision.
	signIn(tb, "mod")
	tb.open("/admin/reports")
	tb.waitFor("the queue", hasText("Moderation queue")+` && document.querySelector('main a[href^="/admin/reports/"]')`)
	tb.audit("mod-queue")
	tb.screenshot("mod-queue")
	tb.click(`main td a[href^="/admin/reports/"]`)
	tb.waitFor("the report page", hasText("Defamation: there is no such finding.")+` && `+hasText("The mayor embezzled"))
	tb.audit("mod-report")
	tb.screenshot("mod-report")
	reportPath := tb.evalString(`location.pathname`)
	modClickButton(tb, reportPath+"/state", "assign_to_self")
	tb.waitFor("the assignment", hasText("The report is assigned to you.")+` && `+hasText("Assigned to: @mod"))
	tb.click("#ground-illegal")
	tb.do(setValue("action", "remove"))
	tb.typeInto("legal_ground", "Art. 29, loi du 29 juillet 1881")
	tb.do(setValue("explanation", "Defamatory statement about a named person."))
	modClickButton(tb, reportPath+"/decision", "")
	tb.waitFor("the statement", `location.pathname.startsWith("/statements/")`+` && `+hasText("Art. 29, loi du 29 juillet 1881"))
	statement := tb.evalString(`location.pathname`)
	signOut(tb)

	// The author reads the statement and appeals.
	signIn(tb, "alice")
	tb.open("/statements")
	tb.waitFor("the statements", `document.querySelector('main a[href="`+statement+`"]')`)
	tb.click(`main a[href="` + statement + `"]`)
	tb.waitFor("the statement page", hasText("Defamatory statement about a named person.")+` && document.getElementById("text")`)
	tb.do(setValue("text", "It is documented in the council minutes."))
	modClickButton(tb, statement+"/appeal", "")
	tb.waitFor("the appeal", hasText("Your appeal was sent."))
	signOut(tb)

	// The deciding moderator may not decide the appeal.
	signIn(tb, "mod")
	tb.open("/admin/appeals")
	tb.waitFor("the appeals", `document.querySelector('main ul a[href^="/admin/appeals/"]')`)
	tb.audit("mod-appeals")
	tb.click(`main ul a[href^="/admin/appeals/"]`)
	tb.waitFor("the appeal page", hasText("It is documented in the council minutes.")+` && `+hasText("You took this decision"))
	tb.audit("mod-appeal")
	appealPath := tb.evalString(`location.pathname`)
	modClickButton(tb, appealPath, "approve")
	tb.waitFor("the four-eyes refusal", `document.querySelector('p.alert[role="alert"]') && `+hasText("another moderator must decide its appeal"))
	signOut(tb)

	// A second moderator reverses the decision: the post is back.
	signIn(tb, "mod2")
	tb.open(appealPath)
	tb.waitFor("the appeal page", `document.getElementById("response")`)
	tb.do(setValue("response", "The minutes support the claim."))
	modClickButton(tb, appealPath, "approve")
	tb.waitFor("the reversal", at("/admin/appeals")+` && `+hasText("The appeal was approved"))
	tb.open("/@alice/" + stID)
	tb.waitFor("the restored post", hasText("The mayor embezzled the school fund."))

	// The account and audit pages show it all.
	tb.open("/admin/accounts?username=alice")
	tb.waitFor("the accounts search", `document.querySelector('main a[href="/admin/accounts/`+alice.AccountID+`"]')`)
	tb.audit("mod-accounts")
	tb.click(`main a[href="/admin/accounts/` + alice.AccountID + `"]`)
	tb.waitFor("the account page", hasText("Content removed")+` && `+hasText("overruled"))
	tb.audit("mod-account")
	tb.open("/admin/audit")
	tb.waitFor("the audit log", hasText("appeal.approved")+` && `+hasText("decision.remove")+` && `+hasText("report.assign_to_self"))
	tb.audit("mod-audit")
	signOut(tb)

	tb.open("/transparency")
	tb.waitFor("the figures", hasText("legal: 1")+` && `+hasText("remove: 1")+` && `+hasText("Decisions reversed"))
	reversals := tb.evalString(`[...document.querySelectorAll("dt")].find(d => d.textContent === "Decisions reversed").nextElementSibling.textContent`)
	if reversals != "1" {
		t.Errorf("reversals on /transparency: %q, want 1", reversals)
	}
	tb.audit("transparency")
}

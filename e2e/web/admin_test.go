package web

import (
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// TestAdminWebPages goes through the administrators' pages in Chromium: a
// server suspended after its confirmation page and seen in the public list
// of blocks, an IP rule, a rule, a new version of the terms seen as an
// announcement; axe-core audits each of the five pages.
func TestAdminWebPages(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	s.NewUserRole(t, "root", domain.RoleAdmin)
	tb := newTab(t, s.URL, true)
	signIn(tb, "root")

	// Servers: a suspension asks for confirmation first.
	tb.open("/admin/domains")
	tb.waitFor("the servers page", hasText("Block-list mode")+` && document.getElementById("domain")`)
	tb.typeInto("domain", "spam.example")
	tb.click("#severity-suspend")
	tb.typeInto("public_comment", "Spam waves")
	tb.click(`form[action="/admin/domains"] button[type=submit]`)
	tb.waitFor("the confirmation", hasText("Suspend spam.example?")+` && `+hasText("0 accounts and their 0 posts will be removed"))
	tb.audit("admin-domains-confirm")
	tb.click(`form[action="/admin/domains"] button[type=submit]`)
	tb.waitFor("the block", at("/admin/domains")+` && `+hasText("The server is blocked.")+` && `+hasText("Public reason: Spam waves"))
	tb.audit("admin-domains")
	tb.open("/api/v1/instance/domain_blocks")
	tb.waitFor("the public list of blocks", `document.body.innerText.includes('"domain":"spam.example"') && document.body.innerText.includes("Spam waves")`)

	// Sign-up blocks: an IP range.
	tb.open("/admin/signups")
	tb.waitFor("the sign-up blocks page", `document.getElementById("ip")`)
	tb.typeInto("ip", "203.0.113.9/24")
	tb.click("#ip-severity-sign_up_block")
	tb.click(`form[action="/admin/signups/ip"] button[type=submit]`)
	tb.waitFor("the IP rule", hasText("The IP rule is added.")+` && `+hasText("203.0.113.0/24"))
	tb.audit("admin-signups")

	// Rules.
	tb.open("/admin/rules")
	tb.waitFor("the rules page", `document.getElementById("rule-text")`)
	tb.typeInto("rule-text", "No harassment")
	tb.typeInto("rule-hint", "Not even of public figures.")
	tb.click(`form[action="/admin/rules"] button[type=submit]`)
	tb.waitFor("the rule", hasText("The rule is added.")+` && document.getElementById("rule-text").value === ""`)
	tb.audit("admin-rules")

	// A new version of the terms, announced to members.
	tb.open("/admin/policies")
	tb.waitFor("the policies page", `document.getElementById("terms_of_service-content")`)
	tb.do(setValue("terms_of_service-content", "Be kind.\n\nNo spam."), setValue("terms_of_service-summary", "First version."))
	tb.click(`form[aria-labelledby="terms_of_service-new-h"] button[type=submit]`)
	tb.waitFor("the published terms", hasText("The new version is published")+` && `+hasText("First version."))
	tb.audit("admin-policies")
	tb.open("/admin/announcements")
	tb.waitFor("the announcement", hasText("New terms of service, effective")+` && `+hasText("First version."))
	tb.audit("admin-announcements")
}

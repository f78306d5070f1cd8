package web

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/mail/mailtest"
	"github.com/agora-social/agora/internal/moderation"
)

var resetLinkRE = regexp.MustCompile(`https?://\S+/auth/password/edit\?token=[A-Za-z0-9_%-]+`)

// TestBrowserPasswordReset goes through "Forgot your password?" in
// Chromium: the link arrives at a real SMTP listener, the new password
// works, and every page passes axe-core.
func TestBrowserPasswordReset(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.Options{})
	s := apitest.Start(t, db.SQLite, "AGORA_SMTP_HOST="+smtp.Host, "AGORA_SMTP_PORT="+strconv.Itoa(smtp.Port))
	t.Cleanup(s.App.Web.Wait)
	s.NewUser(t, "erin")

	tb := newTab(t, s.URL, true)
	tb.open("/")
	tb.click(`a[href="/auth/password/new"]`)
	tb.waitFor("the reset form", at("/auth/password/new")+` && document.getElementById("email")`)
	tb.audit("password-new")
	tb.typeInto("email", "erin@example.org")
	tb.click(`form[action="/auth/password"] button[type=submit]`)
	tb.waitFor("the answer", hasText("If an account exists for this address"))
	tb.audit("password-sent")

	m := smtp.Next(t)
	_, body, _ := strings.Cut(m.Data, "\n\n")
	text, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	link := resetLinkRE.FindString(string(text))
	if link == "" {
		t.Fatalf("no reset link in the email:\n%s", text)
	}
	u, _ := url.Parse(link)
	tb.open(u.RequestURI())
	tb.waitFor("the new password form", hasText("Choose a new password")+` && document.getElementById("password")`)
	tb.audit("password-edit")
	// A mismatch first.
	tb.typeInto("password", "a fresh long password")
	tb.typeInto("password_confirmation", "something else")
	tb.click(`form[action="/auth/password/edit"] button[type=submit]`)
	tb.waitFor("the mismatch", hasText("The two passwords are different."))
	tb.typeInto("password", "a fresh long password")
	tb.typeInto("password_confirmation", "a fresh long password")
	tb.click(`form[action="/auth/password/edit"] button[type=submit]`)
	tb.waitFor("the confirmation", hasText("Password changed"))
	tb.audit("password-done")

	// The link is used up.
	tb.open(u.RequestURI())
	tb.waitFor("the used link", hasText("This link does not work"))
	tb.audit("password-invalid")

	// Log in with the new password.
	tb.open("/auth/sign_in")
	tb.typeInto("login", "erin")
	tb.typeInto("password", "a fresh long password")
	tb.click(`form[action="/auth/sign_in"] button[type=submit]`)
	tb.waitFor("the home page after log-in", at("/")+` && document.querySelector('nav form[action="/auth/sign_out"]')`)
}

// TestBrowserSettingsAndPolls creates a filter that hides a post, manages
// a list, visits the other settings pages, and posts and votes in a poll,
// auditing each new page.
func TestBrowserSettingsAndPolls(t *testing.T) {
	w := newWorld(t, db.SQLite)
	tb := newTab(t, w.s.URL, true)
	signUp(tb, "alice")
	follow(tb, "bob")
	tb.open("/")
	tb.waitFor("bob's post at home", hasText("Morning light over the Saône."))

	// A filter that hides bob's post.
	tb.open("/settings")
	tb.click(`nav.settings-nav a[href="/settings/filters"]`)
	tb.waitFor("the filters page", at("/settings/filters")+` && document.getElementById("filter_title")`)
	tb.audit("filters")
	tb.typeInto("filter_title", "Photography")
	tb.typeInto("keyword_0", "Saône")
	tb.click("#action_hide")
	tb.click(`form.filter-form button[value=save]`)
	tb.waitFor("the saved filter", hasText("The filter is saved.")+` && `+hasText("Photography"))
	tb.audit("filters-saved")
	tb.click(`ul.filters a`)
	tb.waitFor("the filter's page", hasText("Filter: Photography"))
	tb.audit("filter-edit")
	tb.open("/")
	tb.waitFor("the home page", `document.getElementById("compose")`)
	tb.waitFor("bob's post hidden", `!(`+hasText("Morning light over the Saône.")+`)`)

	// A list with bob in it.
	tb.open("/lists")
	tb.audit("lists")
	tb.typeInto("list_title", "Photographers")
	tb.click(`form[action="/lists"] button[type=submit]`)
	tb.waitFor("the new list", hasText("The list is created."))
	tb.click(`button[value=add]`)
	tb.waitFor("bob in the list", hasText("Added to the list.")+` && document.querySelector('button[value=remove]')`)
	tb.audit("list-edit")
	tb.click(`main p a[href^="/lists/"]`)
	tb.waitFor("the list timeline", hasText("Photographers")+` && `+hasText("Manage"))
	tb.audit("list-timeline")

	for _, p := range []struct{ path, name, want string }{
		{"/settings/apps", "apps", "No app has access to your account."},
		{"/follow_requests", "follow-requests", "No pending follow requests."},
		{"/statements", "statements", "No moderation decision concerns your account."},
	} {
		tb.open(p.path)
		tb.waitFor(p.name, hasText(p.want))
		tb.audit(p.name)
	}

	// A poll, posted from the compose form.
	tb.open("/")
	tb.click(`details.poll-compose summary`)
	tb.typeInto("status", "Which light do you prefer?")
	tb.typeInto("poll_option_new_0", "Morning")
	tb.typeInto("poll_option_new_1", "Evening")
	tb.click(`#compose button[type=submit]`)
	tb.waitFor("the poll at home", hasText("Your post is published.")+` && document.querySelector("article .poll-results")`)
	tb.audit("poll-own")
	signOut(tb)

	// Bob votes.
	signIn(tb, "bob")
	tb.open("/@alice")
	tb.waitFor("the poll form", `document.querySelector('form.poll input[type=radio]')`)
	tb.audit("poll-vote")
	tb.click(`form.poll input[value="1"]`)
	tb.click(`form.poll button[type=submit]`)
	tb.waitFor("the vote counted", hasText("Your vote is counted.")+` && `+hasText("1 person voted")+` && `+hasText("your choice"))
	tb.audit("poll-voted")

	// Suspended, bob's browser only reaches the statements of reasons.
	ctx := context.Background()
	mod := w.s.NewUserRole(t, "mod", domain.RoleModerator)
	modUser := mustUser(t, w.s, mod.UserID)
	if _, err := moderation.New(w.s.App.Store, w.s.App.Log, w.s.App.Cfg.URL).AccountAction(ctx, modUser, w.bob.ID, "suspend", 0, "Spam."); err != nil {
		t.Fatal(err)
	}
	tb.open("/")
	tb.waitFor("the statements", at("/statements")+` && `+hasText("Your account is suspended")+` && `+hasText("Account suspended"))
	tb.audit("suspended")
	tb.click(`main a[href^="/statements/"]`)
	tb.waitFor("the statement", `document.querySelector('form[action$="/appeal"]')`)
	tb.audit("suspended-statement")
	signOut(tb)
}

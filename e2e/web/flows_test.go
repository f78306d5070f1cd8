package web

import (
	"context"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/chromedp/chromedp"
)

// world is a server with bob, who has posted once, and a rule.
type world struct {
	s       *apitest.Server
	bob     *domain.Account
	bobPost domain.ID
	svc     *statuses.Service
}

func newWorld(t *testing.T, dialect db.Dialect) *world {
	t.Helper()
	s := apitest.Start(t, dialect)
	ctx := context.Background()
	if _, err := s.App.Store.AddRule(ctx, "Be kind: no harassment, no hate speech.", "Disagree with ideas, not people."); err != nil {
		t.Fatal(err)
	}
	u := s.NewUser(t, "bob")
	bob, err := s.App.Store.Account(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	name, note := "Bob Martin", "Photographer in Lyon. Posts about #cities and light."
	if _, bob, err = s.App.Accounts.UpdateProfile(ctx, mustUser(t, s, u.UserID), bob, accountsUpdate(&name, &note)); err != nil {
		t.Fatal(err)
	}
	w := &world{s: s, bob: bob, svc: statuses.New(s.App.Cfg, s.App.Store)}
	w.bobPost = w.post(t, "Morning light over the Saône. #cities")
	return w
}

func (w *world) post(t *testing.T, text string) domain.ID {
	t.Helper()
	id, err := w.svc.Post(context.Background(), w.bob, domain.Preferences{}, statuses.PostInput{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// signUp fills the sign-up form and lands on the home page.
func signUp(tb *tab, username string) {
	tb.t.Helper()
	tb.open("/auth/sign_up")
	tb.typeInto("username", username)
	tb.typeInto("email", username+"@example.org")
	tb.typeInto("password", "a long secret password")
	tb.typeInto("password_confirmation", "a long secret password")
	tb.click("#agreement")
	tb.click(`form[action="/auth/sign_up"] button[type=submit]`)
	tb.waitFor("the home page after sign-up", at("/")+` && document.getElementById("compose")`)
}

// postWithWarning posts from the home page's compose form.
func postWithWarning(tb *tab, warning, text string) {
	tb.t.Helper()
	tb.open("/")
	tb.typeInto("spoiler_text", warning)
	tb.typeInto("status", text)
	tb.click(`#compose button[type=submit]`)
	tb.waitFor("the post at home", hasText("Your post is published.")+` && [...document.querySelectorAll("details.cw summary")].some(s => s.innerText.includes(`+quote(warning)+`))`)
}

// follow follows an account from its profile page.
func follow(tb *tab, handle string) {
	tb.t.Helper()
	tb.open("/@" + handle)
	tb.click(`form.follow button`)
	tb.waitFor("the follow", `document.querySelector('form.follow input[name=value]').value === "0"`)
}

// act presses a status's button (favourite, boost, bookmark) and waits
// for it to show as pressed.
func act(tb *tab, status domain.ID, action string) {
	tb.t.Helper()
	sel := `article[data-id="` + status.String() + `"] button[value="` + action + `"]`
	tb.click(sel)
	tb.waitFor(action, `document.querySelector('article[data-id="`+status.String()+`"] button[value="un`+action+`"][aria-pressed=true]')`)
}

// reply answers a status from its page.
func reply(tb *tab, status domain.ID, text string) {
	tb.t.Helper()
	tb.click(`article[data-id="` + status.String() + `"] a[href$="#reply"]`)
	tb.waitFor("the reply form", `location.pathname.endsWith("/`+status.String()+`") && document.getElementById("reply")`)
	tb.do(setValue("status", text))
	tb.click(`#reply button[type=submit]`)
	tb.waitFor("the reply in the thread", hasText("Your post is published.")+` && `+hasText(text))
}

func signOut(tb *tab) {
	tb.t.Helper()
	tb.click(`nav form[action="/auth/sign_out"] button`)
	tb.waitFor("the sign-in page", at("/auth/sign_in"))
}

func signIn(tb *tab, login string) {
	tb.t.Helper()
	tb.open("/auth/sign_in")
	tb.typeInto("login", login)
	tb.typeInto("password", "correct horse battery")
	tb.click(`form[action="/auth/sign_in"] button[type=submit]`)
	tb.waitFor("the home page after log-in", at("/")+` && document.querySelector('nav form[action="/auth/sign_out"]')`)
}

// TestBrowserFlows runs the member's core flows in Chromium, with
// JavaScript on (actions in place, live updates) and off (plain forms),
// auditing every page with axe-core and saving screenshots.
func TestBrowserFlows(t *testing.T) {
	w := newWorld(t, db.SQLite)

	t.Run("javascript", func(t *testing.T) {
		tb := newTab(t, w.s.URL, true)
		tb.open("/")
		tb.waitFor("the landing page", hasText("Be kind"))
		tb.audit("landing")
		tb.open("/auth/sign_up")
		tb.audit("sign-up")
		// A mistake first: the form comes back with the error next to the field.
		tb.typeInto("username", "alice")
		tb.typeInto("email", "not an email")
		tb.click(`form[action="/auth/sign_up"] button[type=submit]`)
		tb.waitFor("the field errors", `document.getElementById("email-error") && document.getElementById("agreement-error") && document.getElementById("username").value === "alice"`)
		tb.audit("sign-up-errors")
		signUp(tb, "alice")
		postWithWarning(tb, "Election spoilers", "Results are in, and turnout was high.")
		follow(tb, "bob")
		tb.open("/@bob")
		tb.audit("profile")
		tb.open("/")
		tb.waitFor("bob's post at home", hasText("Morning light over the Saône."))
		act(tb, w.bobPost, "favourite")
		act(tb, w.bobPost, "boost")
		act(tb, w.bobPost, "bookmark")
		tb.audit("home")
		tb.darkMode(true)
		tb.audit("home-dark")
		tb.darkMode(false)
		tb.mobile(true)
		tb.screenshot("home-mobile")
		tb.mobile(false)

		// The compose counter counts live.
		tb.typeInto("status", "Hello")
		tb.waitFor("the live counter", `document.getElementById("status-count").innerText.includes("`+itoa(w.s.App.Cfg.MaxStatusChars-5)+`")`)
		tb.typeInto("spoiler_text", "Local politics")
		tb.typeInto("status", "The council votes on the new cycle lanes tonight. Thread with the documents below. #cities")
		tb.screenshotOf("compose", "section.compose")
		tb.do(setValue("status", ""), setValue("spoiler_text", ""))

		// New posts appear without reloading, pushed by the stream: well
		// before the 15 s poll would bring them.
		tb.do(evalJS(`document.title = "still the same page"`))
		tb.waitFor("the page's stream", `document.querySelector('[data-live="1"]')`)
		live := w.post(t, "Fresh from the darkroom, posted while you read.")
		tb.waitLong("the live post", `document.title === "still the same page" && document.querySelector('article[data-id="`+live.String()+`"]')`, 8*time.Second)

		reply(tb, w.bobPost, "@bob What a view, thanks for sharing!")
		tb.audit("status")

		for _, p := range []struct{ path, name, want string }{
			{"/public/local", "local", "Morning light"},
			{"/public", "federated", "Morning light"},
			{"/tags/cities", "tag", "Morning light"},
			{"/favourites", "favourites", "Morning light"},
			{"/bookmarks", "bookmarks", "Morning light"},
			{"/@bob/followers", "followers", "@alice"},
			{"/@alice/with_replies", "with-replies", "What a view"},
		} {
			tb.open(p.path)
			tb.waitFor(p.name, hasText(p.want))
			tb.audit(p.name)
		}

		// Search.
		tb.open("/search")
		tb.typeInto("q", "bob")
		tb.click(`form.search button`)
		tb.waitFor("the search result", `document.querySelector('.accounts a[href="/@bob"]')`)
		tb.audit("search")

		// Settings.
		tb.open("/settings")
		tb.typeInto("display_name", "Alice Example")
		tb.typeInto("note", "Reads everything, posts a little.")
		tb.typeInto("field_name_0", "Website")
		tb.typeInto("field_value_0", "https://alice.example.org")
		tb.click(`form[action="/settings/profile"] button[type=submit]`)
		tb.waitFor("saved settings", hasText("Your changes are saved."))
		tb.audit("settings")
		tb.open("/@alice")
		tb.waitFor("the new profile", hasText("Alice Example")+` && `+hasText("alice.example.org"))

		// The site in French, chosen in the preferences.
		tb.open("/settings")
		tb.do(chromedp.SetValue(chromedp.ID("locale"), "fr"))
		tb.click(`form[action="/settings/preferences"] button[type=submit]`)
		tb.waitFor("French", `document.documentElement.lang === "fr" && `+hasText("Vos modifications sont enregistrées."))
		tb.open("/")
		tb.waitFor("the French home page", hasText("Nouveau message"))
		tb.audit("home-fr")

		// Bob's notifications.
		signOut(tb)
		tb.audit("sign-in")
		signIn(tb, "bob")
		tb.open("/notifications")
		tb.waitFor("notifications", hasText("Alice Example favourited your post")+` && `+hasText("Alice Example boosted your post")+` && `+
			hasText("Alice Example followed you")+` && `+hasText("Alice Example mentioned you"))
		tb.audit("notifications")
		signOut(tb)
	})

	t.Run("no-javascript", func(t *testing.T) {
		tb := newTab(t, w.s.URL, false)
		signUp(tb, "carol")
		tb.screenshot("home")
		postWithWarning(tb, "Food", "The bakery on Rue Mercière reopened.")
		follow(tb, "bob")
		tb.waitFor("the flash message", hasText("You follow this account now."))
		tb.open("/")
		tb.waitFor("bob's post at home", hasText("Morning light over the Saône."))
		act(tb, w.bobPost, "favourite")
		tb.waitFor("the flash message", hasText("Added to your favourites."))
		act(tb, w.bobPost, "boost")
		reply(tb, w.bobPost, "@bob Lovely colours.")
		tb.screenshot("status")
		tb.open("/settings")
		tb.typeInto("display_name", "Carol")
		tb.click(`form[action="/settings/profile"] button[type=submit]`)
		tb.waitFor("saved settings", hasText("Your changes are saved."))
		tb.open("/search?q=bob")
		tb.waitFor("the search result", `document.querySelector('.accounts a[href="/@bob"]')`)
		signOut(tb)
	})
}

// TestBrowserPostgres is the smoke flow on PostgreSQL: sign up, post,
// follow and see the post at home, with the axe audit.
func TestBrowserPostgres(t *testing.T) {
	w := newWorld(t, db.Postgres)
	tb := newTab(t, w.s.URL, true)
	signUp(tb, "dave")
	postWithWarning(tb, "Test", "Hello from PostgreSQL.")
	follow(tb, "bob")
	tb.open("/")
	tb.waitFor("bob's post at home", hasText("Morning light over the Saône."))
	act(tb, w.bobPost, "favourite")
	tb.audit("home-postgres")
}

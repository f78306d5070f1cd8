package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
)

// TestHeldPostInTheWeb: a post the spam heuristics hold is said to be held
// when it is sent from the web, marked on its author's pages, and shown to
// nobody else.
func TestHeldPostInTheWeb(t *testing.T) {
	s := apitest.Start(t, db.SQLite, "AGORA_SPAM_LINK_DOMAINS=spam.example")
	s.NewUser(t, "mallory")
	s.NewUser(t, "bob")
	b := newBrowser(t, s)
	b.signIn("mallory")
	p := b.post("/", "/web/statuses", url.Values{"status": {"great deal https://spam.example/offer"}, "visibility": {"public"}}, http.StatusSeeOther)
	home := b.get(p.Header.Get("Location"), 200)
	contains(t, home, "Your post is held for review", "great deal", `<span class="vis">Held for review</span>`)

	b.lang = "fr"
	contains(t, b.get("/@mallory", 200), "En attente de vérification")

	other := newBrowser(t, s)
	other.signIn("bob")
	for _, path := range []string{"/@mallory", "/public/local"} {
		if strings.Contains(other.get(path, 200).Body, "great deal") {
			t.Errorf("%s shows the held post to another member", path)
		}
	}
}

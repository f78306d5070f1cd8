package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/store"
)

// TestAnnouncementsOnHome: a current announcement is shown above the home
// timeline (its text escaped, its links made links) until the member
// dismisses it; without JavaScript too.
func TestAnnouncementsOnHome(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	s.NewUser(t, "alice")
	a := &store.Announcement{Text: "New terms from Monday: <b>read</b> them at https://example.org/terms"}
	if err := s.App.Store.AddAnnouncement(context.Background(), a, func(*sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s)
	b.signIn("alice")
	home := b.get("/", 200)
	contains(t, home, `aria-label="Announcement from this server"`, "New terms from Monday: &lt;b&gt;read&lt;/b&gt;",
		`<a href="https://example.org/terms" rel="nofollow noopener" target="_blank">`, `action="/web/announcements/`+a.ID.String()+`/dismiss"`)
	p := b.post("/", "/web/announcements/"+a.ID.String()+"/dismiss", url.Values{}, http.StatusSeeOther)
	after := b.get(p.Header.Get("Location"), 200)
	contains(t, after, "Announcement dismissed.")
	if strings.Contains(after.Body, "New terms from Monday") {
		t.Error("a dismissed announcement is still shown")
	}
	b.post("/", "/web/announcements/123/dismiss", url.Values{}, http.StatusNotFound)
}

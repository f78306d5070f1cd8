package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/web"
)

// TestExportPage downloads the lists and the archive from the settings
// page without JavaScript, and runs into the daily limit.
func TestExportPage(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, nil)
	s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "hello from alice"})

	anon := newBrowser(t, s)
	if p := anon.get("/settings/export", http.StatusSeeOther); p.Header.Get("Location") != "/auth/sign_in" {
		t.Errorf("anonymous export page went to %q", p.Header.Get("Location"))
	}

	b := newBrowser(t, s)
	b.signIn("alice")
	page := b.get("/settings/export", 200)
	contains(t, page, "Download your archive", `href="/settings/export/following_accounts.csv"`, `href="/settings/export/bookmarks.csv"`, `aria-current="page">Export`)

	csv := b.get("/settings/export/following_accounts.csv", 200)
	if ct := csv.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(csv.Header.Get("Content-Disposition"), "following_accounts.csv") {
		t.Errorf("csv headers: %v", csv.Header)
	}
	if want := "Account address,Show boosts,Notify on new posts,Languages\nbob@" + strings.TrimPrefix(s.URL, "http://") + ",true,false,\n"; csv.Body != want {
		t.Errorf("csv body %q, want %q", csv.Body, want)
	}
	contains(t, b.get("/settings/export/passwords.csv", 404), "There is no such export.")

	for i := range web.LimitArchivesPerDay {
		p := b.post("/settings/export", "/settings/export/archive", url.Values{}, 200)
		if p.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("archive %d: %v", i, p.Header)
		}
		z, err := zip.NewReader(bytes.NewReader([]byte(p.Body)), int64(len(p.Body)))
		if err != nil {
			t.Fatalf("archive %d is not a ZIP: %v", i, err)
		}
		names := map[string]bool{}
		for _, f := range z.File {
			names[f.Name] = true
		}
		for _, n := range []string{"actor.json", "outbox.json", "likes.json", "bookmarks.json", "following_accounts.csv"} {
			if !names[n] {
				t.Errorf("archive lacks %s: %v", n, names)
			}
		}
	}
	b.lang = "fr"
	over := b.post("/settings/export", "/settings/export/archive", url.Values{}, http.StatusTooManyRequests)
	contains(t, over, "Vous avez téléchargé votre archive 5 fois aujourd’hui")

	// Without the form's token, nothing is made.
	if p := b.do("POST", "/settings/export/archive", url.Values{}); p.Status != http.StatusForbidden {
		t.Errorf("archive without a token: %d", p.Status)
	}
}

package web_test

import (
	"archive/zip"
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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
	contains(t, page, "Download your archive", `href="/settings/export/following_accounts.csv"`, `href="/settings/export/bookmarks.csv"`, `aria-current="page">Import and export`)

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

// postFile submits the import form of /settings/export with a file, as a
// browser without JavaScript does.
func (b *browser) postFile(kind, mode, filename, content string) *page {
	b.t.Helper()
	m := tokenRE.FindStringSubmatch(b.get("/settings/export", 200).Body)
	if m == nil {
		b.t.Fatal("no form token")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("authenticity_token", m[1])
	_ = mw.WriteField("kind", kind)
	_ = mw.WriteField("mode", mode)
	if filename != "" {
		w, _ := mw.CreateFormFile("file", filename)
		_, _ = w.Write([]byte(content))
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.s.URL+"/settings/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", b.lang)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return &page{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
}

// TestImportForm imports a follow list from the settings page without
// JavaScript: bad files are refused with the reason, a good one is
// applied in the background and its outcome listed.
func TestImportForm(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
	host := strings.TrimPrefix(s.URL, "http://")
	b := newBrowser(t, s)
	b.signIn("alice")

	if p := b.postFile("", "merge", "f.csv", "bob@"+host+"\n"); p.Status != 422 || !strings.Contains(p.Body, "Choose what the file holds.") {
		t.Errorf("no kind: %d", p.Status)
	}
	if p := b.postFile("following", "merge", "", ""); p.Status != 422 || !strings.Contains(p.Body, "Choose a CSV file to import.") {
		t.Errorf("no file: %d", p.Status)
	}
	muted := "Account address,Hide notifications\nbob@" + host + ",true\n"
	if p := b.postFile("blocks", "merge", "muted_accounts.csv", muted); p.Status != 422 || !strings.Contains(p.Body, "This file is a list of muted accounts") {
		t.Errorf("a mute list as blocks: %d\n%s", p.Status, p.Body)
	}
	b.lang = "fr"
	if p := b.postFile("lists", "overwrite", "lists.csv", "Press,bob@"+host+"\n"); p.Status != 422 || !strings.Contains(p.Body, "Rien n’a été importé") {
		t.Errorf("list overwrite: %d", p.Status)
	}
	b.lang = "en"
	p := b.postFile("following", "merge", "following_accounts.csv", "bob@"+host+"\nnobody@"+host+"\n")
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/settings/export" {
		t.Fatalf("import: %d %v", p.Status, p.Header)
	}
	var page *page
	for range 200 {
		page = b.get("/settings/export", 200)
		if strings.Contains(page.Body, "finished") {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	contains(t, page, "Accounts you follow</strong> (following_accounts.csv)", "2 of 2 rows processed, 1 imported",
		"line 2 (nobody@"+host+"): No account nobody@"+host+" on this server")
	rel := s.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+bob.AccountID, alice.Token, nil).List(t)
	if rel[0]["following"] != true {
		t.Errorf("alice does not follow bob after the import: %v", rel[0])
	}
}

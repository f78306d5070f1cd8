package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
)

// TestImportErrorsInFrench checks that the import service's errors, for
// a refused file and for the rows that failed in the background, are in
// French on a French page and in English on an English one.
func TestImportErrorsInFrench(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	s.NewUser(t, "alice")
	s.NewUser(t, "bob")
	host := strings.TrimPrefix(s.URL, "http://")
	b := newBrowser(t, s)
	b.signIn("alice")
	b.lang = "fr"

	p := b.postFile("blocks", "merge", "blocks.csv", "bob@"+host+"\nnot a handle\n")
	if p.Status != 422 {
		t.Fatalf("a file with a bad row: status %d", p.Status)
	}
	contains(t, p, "Rien n’a été importé : ligne 2 : « not a handle » n’est pas une adresse de compte (utilisateur@serveur).")
	p = b.postFile("following", "merge", "empty.csv", "\n")
	contains(t, p, "Le fichier est vide")

	p = b.postFile("following", "merge", "following_accounts.csv", "bob@"+host+"\nnobody@"+host+"\nalice@"+host+"\n")
	if p.Status != http.StatusSeeOther {
		t.Fatalf("import: status %d", p.Status)
	}
	var page *page
	for range 200 {
		page = b.get("/settings/export", 200)
		if strings.Contains(page.Body, "terminé") {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	contains(t, page, "ligne 2 (nobody@"+host+") : Aucun compte nobody@"+host+" sur ce serveur",
		"ligne 3 (alice@"+host+") : C’est votre propre compte")
	b.lang = "en"
	contains(t, b.get("/settings/export", 200), "line 2 (nobody@"+host+"): No account nobody@"+host+" on this server",
		"line 3 (alice@"+host+"): That is your own account")
}

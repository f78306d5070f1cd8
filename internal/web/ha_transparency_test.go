package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
)

// TestTransparencyHeldPosts checks that /transparency shows the posts the
// spam heuristics held and how their review ended, in English and French,
// and that a held post is still called "held for review" to its author.
func TestTransparencyHeldPosts(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	alice := s.NewUser(t, "alice")
	mod := s.NewUserRole(t, "mod", domain.RoleModerator)
	mod.Token = auth.NewSecret(32) // a token with the admin scopes
	if err := s.App.Store.CreateToken(context.Background(), auth.HashSecret(mod.Token), &domain.Token{UserID: mod.UserID,
		Scopes: domain.Scopes{"read", "write", "admin:read", "admin:write"}}); err != nil {
		t.Fatal(err)
	}
	var held string
	for range 3 { // the third identical post with a link is held
		held = s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "Cheap watches at https://deals.example/w"}).Map(t)["id"].(string)
	}
	if got := s.Must(t, 200, "GET", "/api/agora/v1/admin/statuses/held", mod.Token, nil).List(t); len(got) != 1 || got[0]["id"] != held {
		t.Fatalf("held posts: %v", got)
	}
	ab := newBrowser(t, s)
	ab.signIn("alice")
	p := ab.get("/@alice/"+held, 200)
	contains(t, p, `<span class="vis">Held for review</span>`)
	if strings.Contains(p.Body, "Waiting for approval") {
		t.Error("a held post is called a pending reply")
	}

	s.Must(t, 200, "POST", "/api/agora/v1/admin/statuses/"+held+"/release", mod.Token, nil)
	b := newBrowser(t, s)
	contains(t, b.get("/transparency", http.StatusOK),
		"<dt>Posts held by the spam heuristics</dt><dd>1</dd>",
		"<dt>Held posts released by a moderator (errors of the heuristics)</dt><dd>1</dd>",
		"<dt>Held posts restricted by a moderator</dt><dd>0</dd>")
	b.lang = "fr"
	contains(t, b.get("/transparency", http.StatusOK),
		"<dt>Messages retenus par la détection automatique de spam</dt><dd>1</dd>",
		"<dt>Messages retenus libérés par un modérateur (erreurs de la détection)</dt><dd>1</dd>",
		"<dt>Messages retenus restreints par un modérateur</dt><dd>0</dd>")
}

package federation_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/cards"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/httpclient"
)

// TestAttributionAcrossServers: bob, on server two, lists the site of a
// page among his attribution domains; his actor carries them as
// attributionDomains; server one, where alice posts a link to the page
// that names @bob as its fediverse:creator, resolves him over WebFinger,
// reads his domains from his actor and credits him on the card. When bob
// drops the site (an Update of his actor reaches one, where alice follows
// him), a refetched card no longer credits him.
func TestAttributionAcrossServers(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	alice, bob := one.newUserToken(t, "alice"), two.newUserToken(t, "bob")
	hostTwo := strings.TrimPrefix(two.URL, "http://")
	ctx := context.Background()

	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><head><title>Bob's story</title><meta name="fediverse:creator" content="@bob@%s"></head></html>`, hostTwo)
	}))
	defer page.Close()
	site := strings.Replace(page.URL, "127.0.0.1", "localhost", 1)

	var me jsonMap
	two.mustAPI(t, "PATCH", "/api/v1/accounts/update_credentials", bob.token, url.Values{"attribution_domains[]": {"Localhost", "news.example"}}, &me)
	src, _ := me["source"].(map[string]any)
	if fmt.Sprint(src["attribution_domains"]) != "[localhost news.example]" {
		t.Fatalf("source = %v", me["source"])
	}
	actor := two.getJSON(t, "/users/bob")
	if fmt.Sprint(actor["attributionDomains"]) != "[localhost news.example]" {
		t.Errorf("actor attributionDomains = %v", actor["attributionDomains"])
	}
	if ctxs := fmt.Sprint(actor["@context"]); !strings.Contains(ctxs, "attributionDomains:map[@id:toot:attributionDomains @type:@id]") {
		t.Errorf("actor @context lacks attributionDomains: %s", ctxs)
	}

	svc := &cards.Service{Store: one.App.Store, Client: httpclient.New(httpclient.Config{AllowPrivate: true}), Accounts: one.App.Fed}
	postAndCard := func() jsonMap {
		t.Helper()
		st := one.post(t, alice, "read "+site+"/story")
		if _, err := svc.Run(ctx); err != nil {
			t.Fatal(err)
		}
		var got jsonMap
		one.mustAPI(t, "GET", "/api/v1/statuses/"+st["id"].(string), alice.token, nil, &got)
		card, _ := got["card"].(map[string]any)
		if card == nil {
			t.Fatalf("no card: %v", got)
		}
		return card
	}
	card := postAndCard()
	authors, _ := card["authors"].([]any)
	if len(authors) != 1 {
		t.Fatalf("authors = %v", card["authors"])
	}
	author := authors[0].(map[string]any)
	acct, _ := author["account"].(map[string]any)
	if acct == nil || acct["acct"] != "bob@"+hostTwo || author["url"] != two.URL+"/@bob" || card["author_url"] != two.URL+"/@bob" {
		t.Errorf("author = %v", author)
	}
	bobOnOne, err := one.App.Store.AccountByHandle(ctx, "bob", hostTwo)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := one.App.Store.AttributionDomains(ctx, bobOnOne.ID); strings.Join(got, ",") != "localhost,news.example" {
		t.Errorf("bob's domains on one = %v", got)
	}

	// alice follows bob, so that his profile's Update reaches one.
	var rel jsonMap
	one.mustAPI(t, "POST", "/api/v1/accounts/"+bobOnOne.ID.String()+"/follow", alice.token, nil, &rel)
	outWait(t, "alice following bob", func() bool {
		var rels []jsonMap
		one.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+bobOnOne.ID.String(), alice.token, nil, &rels)
		return rels[0]["following"] == true
	})
	two.mustAPI(t, "PATCH", "/api/v1/accounts/update_credentials", bob.token, url.Values{"attribution_domains[]": {"news.example"}}, &me)
	outWait(t, "bob's new domains on one", func() bool {
		got, _ := one.App.Store.AttributionDomains(ctx, bobOnOne.ID)
		return strings.Join(got, ",") == "news.example"
	})
	if _, err := one.App.DB.W.ExecContext(ctx, `UPDATE preview_cards SET fetched_at = 0`); err != nil {
		t.Fatal(err)
	}
	card = postAndCard()
	if authors, _ := card["authors"].([]any); len(authors) != 0 || card["author_url"] != "" {
		t.Errorf("card after bob dropped the site = %v", card)
	}
}

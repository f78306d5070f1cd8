package cards_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/cards"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/store"
)

func TestParseCreator(t *testing.T) {
	for in, want := range map[string]string{
		"@alice@news.example":       "alice news.example",
		"alice@News.Example":        "alice news.example",
		" @a.b-c_d@bücher.example ": "a.b-c_d xn--bcher-kva.example",
		"@alice@127.0.0.1:8080":     "alice 127.0.0.1:8080",
		"@alice@[::1]:8080":         "alice [::1]:8080",
		"@alice@localhost:8080":     "alice localhost:8080",
		"@alice":                    "",
		"alice":                     "",
		"@@news.example":            "",
		"@alice@news.example/path":  "",
		"@al ice@news.example":      "",
		"@alice@x@news.example":     "",
		"https://news.example/@a":   "",
		"":                          "",
	} {
		u, h, ok := cards.ParseCreator(in)
		got := ""
		if ok {
			got = u + " " + h
		}
		if got != want {
			t.Errorf("ParseCreator(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCardAuthorAttribution: a page naming a local account as its
// fediverse:creator credits it only when the page's host is within the
// account's attribution domains (set through update_credentials); other
// pages keep their card without an account.
func TestCardAuthorAttribution(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		self := strings.TrimPrefix(s.URL, "http://")
		page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			creator := map[string]string{"/by-alice": "@alice@" + self, "/by-bob": "bob@" + self, "/by-nobody": "@nobody@" + self,
				"/bad": "not a handle"}[r.URL.Path]
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html><head><meta property="og:title" content="Story %s"><meta name="fediverse:creator" content="%s"></head><body></body></html>`,
				r.URL.Path, creator)
		}))
		defer page.Close()
		// The page's host must be a domain name to be listed: localhost.
		site := strings.Replace(page.URL, "127.0.0.1", "localhost", 1)
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
			url.Values{"attribution_domains[]": {"LOCALHOST", "https://news.example/", "localhost"}})
		got, err := s.App.Store.AttributionDomains(context.Background(), alice.ID)
		if err != nil || strings.Join(got, ",") != "localhost,news.example" {
			t.Fatalf("alice's attribution domains = %v, %v", got, err)
		}
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", bob.Token, url.Values{"attribution_domains[]": {"news.example"}})

		post := func(path string) domain.ID {
			id := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"read " + site + path}}).Map(t)["id"].(string)
			sid, _ := domain.ParseID(id)
			return sid
		}
		ids := []domain.ID{post("/by-alice"), post("/by-bob"), post("/by-nobody"), post("/bad")}
		svc := &cards.Service{Store: s.App.Store, Client: httpclient.New(httpclient.Config{AllowPrivate: true}), Accounts: s.App.Fed}
		if _, err := svc.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		byStatus, err := s.App.Store.CardsOf(context.Background(), ids)
		if err != nil || len(byStatus) != len(ids) {
			t.Fatalf("cards = %v, %v", byStatus, err)
		}
		want := []store.CardAuthor{{URL: s.URL + "/@alice", AccountID: alice.ID}, {}, {}, {}}
		for i, id := range ids {
			author, err := s.App.Store.CardAuthorOf(context.Background(), byStatus[id].ID)
			if err != nil || author != want[i] {
				t.Errorf("author of %s = %+v, %v; want %+v", byStatus[id].Title, author, err, want[i])
			}
		}

		// Clearing the domains stops the credit when the card is fetched
		// again.
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, `{"attribution_domains": []}`)
		if got, _ := s.App.Store.AttributionDomains(context.Background(), alice.ID); len(got) != 0 {
			t.Fatalf("cleared domains = %v", got)
		}
		if _, err := s.App.DB.W.ExecContext(context.Background(), `UPDATE preview_cards SET fetched_at = 0`); err != nil {
			t.Fatal(err)
		}
		again := post("/by-alice")
		if _, err := svc.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		c, _ := s.App.Store.CardsOf(context.Background(), []domain.ID{again})
		if author, err := s.App.Store.CardAuthorOf(context.Background(), c[again].ID); err != nil || author != (store.CardAuthor{}) {
			t.Errorf("author after clearing the domains = %+v, %v", author, err)
		}
	})
}

// TestAttributionDomainsErrors: update_credentials refuses what is not a
// domain name and more than 100 domains, with Mastodon's 422, and keeps
// the stored list.
func TestAttributionDomainsErrors(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, url.Values{"attribution_domains[]": {"news.example"}})
		res := s.Must(t, 422, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
			url.Values{"attribution_domains[]": {"ok.example", "not a domain"}, "display_name": {"Changed"}})
		if msg, _ := res.Map(t)["error"].(string); !strings.Contains(msg, "attribution_domains") || !strings.Contains(msg, "not a domain") {
			t.Errorf("error = %s", res.Body)
		}
		many := url.Values{}
		for i := range 101 {
			many.Add("attribution_domains[]", fmt.Sprintf("d%d.example", i))
		}
		s.Must(t, 422, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, many)
		if got, _ := s.App.Store.AttributionDomains(context.Background(), alice.ID); strings.Join(got, ",") != "news.example" {
			t.Errorf("domains after refused updates = %v", got)
		}
		if name := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)["display_name"]; name == "Changed" {
			t.Error("a refused update changed the display name")
		}
	})
}

package cards_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/cards"
	"github.com/agora-social/agora/internal/httpclient"
)

// TestCardAuthorsRendered: the API renders a credited card's authors as
// Mastodon's PreviewCardAuthor with the account (and the legacy
// author_name and author_url), a page's plain author without an account,
// and a card crediting nobody with an empty list; the web UI shows "More
// from NAME" linking the profile, on timelines and on the post's page;
// verify_credentials shows source.attribution_domains.
func TestCardAuthorsRendered(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		self := strings.TrimPrefix(s.URL, "http://")
		page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			switch r.URL.Path {
			case "/credited":
				fmt.Fprintf(w, `<html><head><title>Credited</title><meta name="fediverse:creator" content="@alice@%s"></head></html>`, self)
			case "/plain":
				fmt.Fprint(w, `<html><head><title>Plain</title><meta name="author" content="Ann Other"></head></html>`)
			default:
				fmt.Fprint(w, `<html><head><title>Nobody</title></head></html>`)
			}
		}))
		defer page.Close()
		site := strings.Replace(page.URL, "127.0.0.1", "localhost", 1)
		alice := s.NewUser(t, "alice")
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
			url.Values{"display_name": {"Alice Writer"}, "attribution_domains[]": {"localhost"}})
		me := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
		if src := me["source"].(map[string]any); fmt.Sprint(src["attribution_domains"]) != "[localhost]" {
			t.Errorf("source = %v", src)
		}
		other := s.NewUser(t, "bob")
		if src := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", other.Token, nil).Map(t)["source"].(map[string]any); fmt.Sprint(src["attribution_domains"]) != "[]" {
			t.Errorf("bob's source.attribution_domains = %#v, want []", src["attribution_domains"])
		}
		post := func(path string) string {
			return s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"see " + site + path}}).Map(t)["id"].(string)
		}
		credited, plain, nobody := post("/credited"), post("/plain"), post("/nobody")
		svc := &cards.Service{Store: s.App.Store, Client: httpclient.New(httpclient.Config{AllowPrivate: true}), Accounts: s.App.Fed}
		if _, err := svc.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		card := func(id string) map[string]any {
			c, _ := s.Must(t, 200, "GET", "/api/v1/statuses/"+id, "", nil).Map(t)["card"].(map[string]any)
			if c == nil {
				t.Fatalf("status %s has no card", id)
			}
			return c
		}
		c := card(credited)
		authors, _ := c["authors"].([]any)
		if len(authors) != 1 {
			t.Fatalf("authors = %v", c["authors"])
		}
		a := authors[0].(map[string]any)
		acct, _ := a["account"].(map[string]any)
		if acct == nil || acct["id"] != alice.AccountID || a["name"] != "Alice Writer" || a["url"] != s.URL+"/@alice" ||
			c["author_name"] != "Alice Writer" || c["author_url"] != s.URL+"/@alice" {
			t.Errorf("credited card = %v", c)
		}
		c = card(plain)
		if authors, _ := c["authors"].([]any); len(authors) != 1 || fmt.Sprint(authors[0]) != "map[account:<nil> name:Ann Other url:]" || c["author_name"] != "Ann Other" {
			t.Errorf("plain card authors = %v", c["authors"])
		}
		if c = card(nobody); fmt.Sprint(c["authors"]) != "[]" || c["author_name"] != "" {
			t.Errorf("card without author = %v", c)
		}

		get := func(path string) string {
			res, err := http.Get(s.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return string(b)
		}
		more := `<p class="card-by"><a href="/@alice">More from Alice Writer</a></p>`
		if body := get("/@alice/" + credited); !strings.Contains(body, more) {
			t.Errorf("the post's page lacks %q", more)
		}
		if body := get("/@alice"); strings.Count(body, "More from") != 1 || !strings.Contains(body, more) {
			t.Errorf("the profile's timeline shows %d credits, want one", strings.Count(body, "More from"))
		}
	})
}

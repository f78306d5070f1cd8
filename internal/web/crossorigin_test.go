package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
)

// postWith sends a form with the browser's cookies and the given headers
// (what a browser adds: Origin, Sec-Fetch-Site) and returns the status.
func (b *browser) postWith(path string, form url.Values, headers map[string]string) int {
	return b.postPage(path, form, headers).Status
}

// postPage is postWith returning the whole answer.
func (b *browser) postPage(path string, form url.Values, headers map[string]string) *page {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return &page{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
}

// TestCrossOriginForms checks the forgery defence of the web UI's forms:
// a POST another site makes the browser send is refused, token or not; a
// form without a token (the buttons under each status) is accepted only
// from a browser that says it is on this origin.
func TestCrossOriginForms(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	ctx := context.Background()
	bob := s.NewUser(t, "bob")
	alice := s.NewUser(t, "alice")
	bobAcct, _ := s.App.Store.Account(ctx, bob.ID)
	post, err := statuses.New(s.App.Cfg, s.App.Store).Post(ctx, bobAcct, domain.Preferences{}, statuses.PostInput{Text: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s)
	b.signIn("alice")
	home := b.get("/@bob/"+post.String(), 200)
	token := tokenRE.FindStringSubmatch(home.Body)[1]
	if strings.Contains(home.Body, `action="/web/statuses/`+post.String()+`"><input type="hidden" name="authenticity_token"`) {
		t.Error("the buttons under a status still carry the form token")
	}
	action := "/web/statuses/" + post.String()
	favourited := func() bool {
		t.Helper()
		return s.Must(t, 200, "GET", "/api/v1/statuses/"+post.String(), alice.Token, nil).Map(t)["favourited"] == true
	}

	for _, c := range []struct {
		name    string
		token   string
		headers map[string]string
		want    int
	}{
		{"cross-site, with the token", token, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"same-site sibling, with the token", token, map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://sub." + "example.org"}, 403},
		{"foreign Origin, old browser, with the token", token, map[string]string{"Origin": "https://evil.example"}, 403},
		{"no token, no browser headers", "", nil, 403},
		{"no token, user-typed (none)", "", map[string]string{"Sec-Fetch-Site": "none"}, 403},
		{"wrong token, same origin", "wrong-token-wrong-token-wrong-token", map[string]string{"Sec-Fetch-Site": "same-origin"}, 403},
	} {
		form := url.Values{"do": {"favourite"}}
		if c.token != "" {
			form.Set("authenticity_token", c.token)
		}
		if got := b.postWith(action, form, c.headers); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
		if favourited() {
			t.Fatalf("%s: the favourite was applied", c.name)
		}
	}

	// Same origin, proved by Sec-Fetch-Site or by Origin: accepted without a token.
	if got := b.postWith(action, url.Values{"do": {"favourite"}}, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": s.URL}); got != 303 {
		t.Fatalf("same-origin favourite without a token: status %d, want 303", got)
	}
	if !favourited() {
		t.Fatal("the same-origin favourite was not applied")
	}
	if got := b.postWith(action, url.Values{"do": {"unfavourite"}}, map[string]string{"Origin": s.URL}); got != 303 || favourited() {
		t.Fatalf("unfavourite with a matching Origin: status %d, favourited %v", got, favourited())
	}
	// Refusals say why: a foreign origin, or a browser that did not say.
	contains(t, b.postPage(action, url.Values{"do": {"favourite"}}, nil), "Your browser did not say which site")
	contains(t, b.postPage(action, url.Values{"do": {"favourite"}}, map[string]string{"Sec-Fetch-Site": "cross-site"}), "This form has expired")
	// A form that sends its token keeps working without those headers.
	if got := b.postWith(action, url.Values{"do": {"bookmark"}, "authenticity_token": {token}}, nil); got != 303 {
		t.Errorf("a form with its token: status %d, want 303", got)
	}
}

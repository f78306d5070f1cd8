package federation_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
)

// TestTwoServersStatementOfReasons: a moderator on one removes a post of
// bob, who lives on two. bob gets a direct message from one's service
// account @moderation with the statement's summary and an unguessable
// link; the link opens the whole statement without an account, and the
// appeal sent from it (with a contact e-mail) lands in one's appeal queue.
func TestTwoServersStatementOfReasons(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.Postgres)
	alice, bob := one.newUserToken(t, "alice"), two.newUserToken(t, "bob")
	mod := one.newAdminToken(t, "root")
	hostTwo := strings.TrimPrefix(two.URL, "http://")

	// alice follows bob, so bob's post reaches one.
	var bobOnOne jsonMap
	one.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+hostTwo, alice.token, nil, &bobOnOne)
	one.mustAPI(t, "POST", "/api/v1/accounts/"+bobOnOne["id"].(string)+"/follow", alice.token, nil, nil)
	outWait(t, "the Accept of alice's follow", func() bool {
		var rels []jsonMap
		one.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+bobOnOne["id"].(string), alice.token, nil, &rels)
		return rels[0]["following"] == true
	})
	post := two.post(t, bob, "Buy my miracle cure, it works on everything")
	var remote jsonMap
	outWait(t, "bob's post on one", func() bool {
		var ok bool
		remote, ok = one.statusByURI(t, alice, post["uri"].(string))
		return ok
	})

	// The moderator on one removes it.
	var rule, dec jsonMap
	one.mustAPI(t, "POST", "/api/agora/v1/admin/rules", mod.token, url.Values{"text": {"No misleading health claims"}}, &rule)
	one.mustAPI(t, "POST", "/api/agora/v1/admin/decisions", mod.token, url.Values{"status_ids[]": {remote["id"].(string)},
		"action": {"remove"}, "ground": {"terms"}, "rule_ids[]": {rule["id"].(string)}, "explanation": {"Misleading health claims."}}, &dec)

	// bob gets the direct message, from one's @moderation service account.
	var dm jsonMap
	outWait(t, "the statement's Create at two", func() bool { return two.received(t, one.URL+"/users/moderation", "Create") > 0 })
	outWait(t, "the statement's direct message on two", func() bool {
		time.Sleep(100 * time.Millisecond) // processed by two's inbox worker; the API has a rate limit
		// Private mentions from strangers are filtered by default (as in
		// Mastodon 4.3): the message waits among notification requests.
		var ns []jsonMap
		two.mustAPI(t, "GET", "/api/v1/notifications?types[]=mention&include_filtered=true", bob.token, nil, &ns)
		for _, n := range ns {
			if st, ok := n["status"].(map[string]any); ok && strings.Contains(st["content"].(string), "/statements/public/") {
				dm = st
				return true
			}
		}
		return false
	})
	if dm["visibility"] != "direct" || !strings.Contains(dm["content"].(string), "Misleading health claims.") ||
		!strings.Contains(dm["content"].(string), "no longer shown on this server") {
		t.Errorf("direct message: visibility %v, content %v", dm["visibility"], dm["content"])
	}
	if from := dm["account"].(map[string]any)["url"]; from != one.URL+"/@moderation" {
		t.Errorf("the message comes from %v, want one's @moderation", from)
	}
	link := regexp.MustCompile(`href="(` + regexp.QuoteMeta(one.URL) + `/statements/public/[A-Za-z0-9_-]+)"`).FindStringSubmatch(dm["content"].(string))
	if link == nil {
		t.Fatalf("no statement link in %s", dm["content"])
	}

	// The link works without an account, a wrong token does not.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := func(u string) (int, string) {
		t.Helper()
		res, err := browser.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, body := page(link[1])
	if code != 200 || !strings.Contains(body, "Misleading health claims.") || !strings.Contains(body, "No misleading health claims") ||
		!strings.Contains(body, "Art. 21") || !strings.Contains(body, `name="email"`) {
		t.Fatalf("statement page: %d\n%s", code, body)
	}
	if code, _ := page(one.URL + "/statements/public/not-the-token"); code != 404 {
		t.Errorf("a wrong token: %d, want 404", code)
	}

	// The appeal from the page needs an e-mail address, then lands in
	// one's queue.
	csrf := regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no CSRF token on the page")
	}
	appeal := func(form url.Values) (int, string) {
		t.Helper()
		form.Set("authenticity_token", csrf[1])
		res, err := browser.PostForm(link[1]+"/appeal", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := appeal(url.Values{"text": {"It is a joke, not a health claim."}, "email": {"not an address"}}); code != 422 ||
		!strings.Contains(body, "e-mail address") {
		t.Fatalf("appeal without a valid e-mail: %d\n%s", code, body)
	}
	if code, _ := appeal(url.Values{"text": {"It is a joke, not a health claim."}, "email": {"bob@two.example"}}); code != http.StatusSeeOther {
		t.Fatalf("appeal: %d, want 303", code)
	}
	var pending []jsonMap
	one.mustAPI(t, "GET", "/api/agora/v1/admin/appeals?state=pending", mod.token, nil, &pending)
	if len(pending) != 1 || pending[0]["text"] != "It is a joke, not a health claim." {
		t.Fatalf("pending appeals on one: %v", pending)
	}
	a, err := one.App.Store.Appeals(context.Background(), 0, "pending")
	if err != nil || len(a) != 1 || a[0].ContactEmail != "bob@two.example" || a[0].AccountID.String() != bobOnOne["id"] ||
		a[0].DecisionID.String() != dec["id"] {
		t.Fatalf("stored appeal: %+v %v", a, err)
	}
	if _, body := page(link[1]); !strings.Contains(body, "Your appeal is pending") {
		t.Errorf("the page after the appeal does not say it is pending:\n%s", body)
	}
}

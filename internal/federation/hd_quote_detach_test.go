package federation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
)

// TestQuoteDetachUpdatesFollowers: when the quoted author detaches a quote
// made on her own server, the quoting note's Update reaches the quoting
// author's followers elsewhere, whose copy stops showing the quote (its
// RE: link) without becoming an edit. Both dialects, on either side.
func TestQuoteDetachUpdatesFollowers(t *testing.T) {
	for _, d := range []struct {
		name     string
		one, two db.Dialect
	}{{"postgres-to-sqlite", db.Postgres, db.SQLite}, {"sqlite-to-postgres", db.SQLite, db.Postgres}} {
		t.Run(d.name, func(t *testing.T) {
			one := startOn(t, "127.0.0.1", d.one)
			two := startOn(t, "127.0.0.2", d.two)
			alice, carol := one.newUserToken(t, "alice"), one.newUserToken(t, "carol")
			bob := two.newUserToken(t, "bob")
			var aliceOnTwo jsonMap
			two.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=alice@"+strings.TrimPrefix(one.URL, "http://"), bob.token, nil, &aliceOnTwo)
			two.mustAPI(t, "POST", "/api/v1/accounts/"+aliceOnTwo["id"].(string)+"/follow", bob.token, nil, nil)
			outWait(t, "the Accept of bob's follow", func() bool {
				var rels []jsonMap
				two.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+aliceOnTwo["id"].(string), bob.token, nil, &rels)
				return rels[0]["following"] == true
			})

			orig := one.post(t, carol, "carol's words")
			var q jsonMap
			one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, map[string][]string{"status": {"see this"}, "quoted_status_id": {orig["id"].(string)}}, &q)
			copyOf := func() jsonMap {
				time.Sleep(200 * time.Millisecond) // polled: stay under the API rate limit
				var tl []jsonMap
				two.mustAPI(t, "GET", "/api/v1/timelines/home", bob.token, nil, &tl)
				for _, st := range tl {
					if st["uri"] == q["uri"] {
						return st
					}
				}
				return nil
			}
			var got jsonMap
			outWait(t, "alice's quote on the second server", func() bool { got = copyOf(); return got != nil })
			if got == nil {
				t.Fatal("the quote did not arrive")
			}
			if c := got["content"].(string); !strings.Contains(c, "quote-inline") || !strings.Contains(c, orig["url"].(string)) {
				t.Fatalf("quote on the second server = %s, want a RE: link to %s", c, orig["url"])
			}

			// carol detaches it: bob's copy no longer shows the quote.
			one.mustAPI(t, "POST", "/api/v1/statuses/"+orig["id"].(string)+"/quotes/"+q["id"].(string)+"/revoke", carol.token, nil, nil)
			outWait(t, "the detached quote on the second server", func() bool {
				got = copyOf()
				return got != nil && !strings.Contains(got["content"].(string), "quote-inline")
			})
			c := got["content"].(string)
			if strings.Contains(c, "quote-inline") || strings.Contains(c, orig["url"].(string)) {
				t.Fatalf("second server still shows the quote: %s", c)
			}
			if !strings.Contains(c, "see this") || got["edited_at"] != nil {
				t.Errorf("after the detach: content %s, edited_at %v; want alice's text, not an edit", c, got["edited_at"])
			}
		})
	}
}

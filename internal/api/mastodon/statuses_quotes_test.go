package mastodon_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
)

// quoteOf returns a status's quote state and quoted status id ("" when
// quoted_status is null); state "" when the status quotes nothing.
func quoteOf(t *testing.T, st map[string]any) (state, quotedID string) {
	t.Helper()
	q, _ := st["quote"].(map[string]any)
	if q == nil {
		return "", ""
	}
	if qs, _ := q["quoted_status"].(map[string]any); qs != nil {
		quotedID = qs["id"].(string)
	}
	return q["state"].(string), quotedID
}

func quoteNotifTypes(t *testing.T, s *apitest.Server, u *apitest.User) []string {
	t.Helper()
	var out []string
	for _, n := range s.Must(t, 200, "GET", "/api/v1/notifications", u.Token, nil).List(t) {
		out = append(out, n["type"].(string))
	}
	return out
}

func TestQuoteConsentByPolicy(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob") // follows alice
		carol := s.NewUser(t, "carol")
		dave := s.NewUser(t, "dave") // blocked by alice
		stFollow(t, s, bob, alice)
		stBlock(t, s, alice, dave)

		open := stPost(t, s, alice, map[string]any{"status": "quote me"})
		q := s.Must(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "so true", "quoted_status_id": open}).Map(t)
		if state, id := quoteOf(t, q); state != "accepted" || id != open {
			t.Errorf("quote = %q %q, want accepted %s", state, id, open)
		}
		orig := s.Must(t, 200, "GET", "/api/v1/statuses/"+open, carol.Token, nil).Map(t)
		if orig["quotes_count"] != 1.0 {
			t.Errorf("quotes_count = %v, want 1", orig["quotes_count"])
		}
		appr := orig["quote_approval"].(map[string]any)
		if appr["current_user"] != "automatic" || len(appr["automatic"].([]any)) != 1 || appr["automatic"].([]any)[0] != "public" {
			t.Errorf("quote_approval = %v", appr)
		}
		if got := quoteNotifTypes(t, s, alice); !slices.Contains(got, "quote") {
			t.Errorf("alice's notifications = %v, want a quote", got)
		}
		// A blocked account cannot find the post, let alone quote it.
		s.Must(t, 404, "POST", "/api/v1/statuses", dave.Token, map[string]any{"status": "x", "quoted_status_id": open})

		followers := stPost(t, s, alice, map[string]any{"status": "followers may quote", "quote_approval_policy": "followers"})
		r := s.Must(t, 403, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "x", "quoted_status_id": followers})
		if msg := r.Map(t)["error"]; msg != "The author only accepts quotes from their followers" {
			t.Errorf("refusal = %q", msg)
		}
		s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "x", "quoted_status_id": followers})
		st := s.Must(t, 200, "GET", "/api/v1/statuses/"+followers, carol.Token, nil).Map(t)
		if appr := st["quote_approval"].(map[string]any); appr["current_user"] != "denied" || appr["automatic"].([]any)[0] != "followers" {
			t.Errorf("carol's quote_approval = %v", appr)
		}

		nobody := stPost(t, s, alice, map[string]any{"status": "nobody", "quote_approval_policy": "nobody"})
		s.Must(t, 403, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "x", "quoted_status_id": nobody})
		s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "my own", "quoted_status_id": nobody})

		private := stPost(t, s, alice, map[string]any{"status": "followers only", "visibility": "private"})
		r = s.Must(t, 403, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "x", "quoted_status_id": private})
		if msg := r.Map(t)["error"]; msg != "Only public and unlisted posts can be quoted" {
			t.Errorf("private refusal = %q", msg)
		}
		s.Must(t, 404, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "x", "quoted_status_id": private})

		s.Must(t, 422, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "x", "quoted_status_id": open,
			"poll": map[string]any{"options": []string{"a", "b"}, "expires_in": 3600}})
		s.Must(t, 422, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "x", "quote_approval_policy": "friends"})
		s.Must(t, 422, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "x", "quoted_status_id": open,
			"scheduled_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})

		// The policy changes later; the account default applies to new posts.
		st = s.Must(t, 200, "PUT", "/api/v1/statuses/"+open+"/interaction_policy", alice.Token, map[string]any{"quote_approval_policy": "nobody"}).Map(t)
		if a := st["quote_approval"].(map[string]any)["automatic"].([]any); len(a) != 0 {
			t.Errorf("automatic after nobody = %v", a)
		}
		s.Must(t, 403, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "x", "quoted_status_id": open})
		s.Must(t, 403, "PUT", "/api/v1/statuses/"+open+"/interaction_policy", bob.Token, map[string]any{"quote_approval_policy": "public"})
		s.Must(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"source[quote_policy]": "followers"})
		if p := s.Must(t, 200, "GET", "/api/v1/preferences", alice.Token, nil).Map(t); p["posting:default:quote_policy"] != "followers" {
			t.Errorf("preferences = %v", p)
		}
		fresh := stPost(t, s, alice, map[string]any{"status": "new default"})
		s.Must(t, 403, "POST", "/api/v1/statuses", carol.Token, map[string]any{"status": "x", "quoted_status_id": fresh})
		s.Must(t, 422, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"source[quote_policy]": "everyone"})
	})
}

func TestQuoteNotificationFilteredLikeMention(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob") // alice follows bob
		carol := s.NewUser(t, "carol")
		stFollow(t, s, alice, bob)
		s.Must(t, 200, "PATCH", "/api/v2/notifications/policy", alice.Token, url.Values{"for_not_following": {"filter"}})
		orig := stPost(t, s, alice, map[string]any{"status": "hello"})
		stPost(t, s, carol, map[string]any{"status": "a stranger quotes", "quoted_status_id": orig})
		if got := quoteNotifTypes(t, s, alice); len(got) != 0 {
			t.Errorf("a stranger's quote reached alice: %v", got)
		}
		reqs := s.Must(t, 200, "GET", "/api/v1/notifications/requests", alice.Token, nil).List(t)
		if len(reqs) != 1 || reqs[0]["account"].(map[string]any)["id"] != carol.ID.String() {
			t.Errorf("notification requests = %v, want carol's", reqs)
		}
		stPost(t, s, bob, map[string]any{"status": "a friend quotes", "quoted_status_id": orig})
		if got := quoteNotifTypes(t, s, alice); !slices.Equal(got, []string{"quote"}) {
			t.Errorf("alice's notifications = %v, want [quote]", got)
		}
	})
}

func TestQuoteRevokeDeleteAndVisibility(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		bob := s.NewUser(t, "bob") // follows alice
		carol := s.NewUser(t, "carol")
		stFollow(t, s, bob, alice)

		orig := stPost(t, s, alice, map[string]any{"status": "original"})
		quote := stPost(t, s, bob, map[string]any{"status": "my take", "quoted_status_id": orig})
		s.Must(t, 403, "GET", "/api/v1/statuses/"+orig+"/quotes", carol.Token, nil)
		if got := stIDs(s.Must(t, 200, "GET", "/api/v1/statuses/"+orig+"/quotes", alice.Token, nil).List(t)); !slices.Equal(got, []string{quote}) {
			t.Errorf("quotes = %v, want [%s]", got, quote)
		}

		// An edit of the quoted post tells those who quoted it.
		s.Must(t, 200, "PUT", "/api/v1/statuses/"+orig, alice.Token, map[string]any{"status": "original, edited"})
		if got := quoteNotifTypes(t, s, bob); !slices.Contains(got, "quoted_update") {
			t.Errorf("bob's notifications = %v, want quoted_update", got)
		}

		// Only the quoted author detaches; the quote then hides the post.
		s.Must(t, 403, "POST", "/api/v1/statuses/"+orig+"/quotes/"+quote+"/revoke", carol.Token, nil)
		st := s.Must(t, 200, "POST", "/api/v1/statuses/"+orig+"/quotes/"+quote+"/revoke", alice.Token, nil).Map(t)
		if state, id := quoteOf(t, st); state != "revoked" || id != "" {
			t.Errorf("after revoke: %q %q", state, id)
		}
		if state, id := quoteOf(t, s.Must(t, 200, "GET", "/api/v1/statuses/"+quote, "", nil).Map(t)); state != "revoked" || id != "" {
			t.Errorf("anonymous after revoke: %q %q", state, id)
		}
		if n := s.Must(t, 200, "GET", "/api/v1/statuses/"+orig, alice.Token, nil).Map(t)["quotes_count"]; n != 0.0 {
			t.Errorf("quotes_count after revoke = %v", n)
		}
		s.Must(t, 404, "POST", "/api/v1/statuses/"+orig+"/quotes/"+orig+"/revoke", alice.Token, nil)

		// A deleted quoted post.
		gone := stPost(t, s, alice, map[string]any{"status": "soon gone"})
		q2 := stPost(t, s, bob, map[string]any{"status": "quoting", "quoted_status_id": gone})
		s.Must(t, 200, "DELETE", "/api/v1/statuses/"+gone, alice.Token, nil)
		if state, id := quoteOf(t, s.Must(t, 200, "GET", "/api/v1/statuses/"+q2, carol.Token, nil).Map(t)); state != "deleted" || id != "" {
			t.Errorf("after delete: %q %q", state, id)
		}

		// A followers-only post quoted by a follower (as another server may
		// deliver it) shows only to those who may see the post itself.
		private := stPost(t, s, alice, map[string]any{"status": "for followers", "visibility": "private"})
		q3 := stPost(t, s, bob, map[string]any{"status": "look"})
		stExec(t, s, `INSERT INTO quotes (status_id, quoted_status_id, quoted_account_id, state, created_at, updated_at)
			VALUES ($1, $2, $3, 'accepted', 0, 0)`, int64(mustID(t, q3)), int64(mustID(t, private)), int64(alice.ID))
		if state, id := quoteOf(t, s.Must(t, 200, "GET", "/api/v1/statuses/"+q3, bob.Token, nil).Map(t)); state != "accepted" || id != private {
			t.Errorf("follower sees %q %q", state, id)
		}
		for name, tok := range map[string]string{"carol": carol.Token, "anonymous": ""} {
			st := s.Must(t, 200, "GET", "/api/v1/statuses/"+q3, tok, nil)
			if state, id := quoteOf(t, st.Map(t)); state != "unauthorized" || id != "" {
				t.Errorf("%s sees %q %q", name, state, id)
			}
			if slices.Contains(stIDs(s.Must(t, 200, "GET", "/api/v1/accounts/"+bob.ID.String()+"/statuses", tok, nil).List(t)), private) {
				t.Errorf("%s sees the private post", name)
			}
			if strings.Contains(string(st.Body), "for followers") {
				t.Errorf("%s's response leaks the private text", name)
			}
		}
	})
}

package federation_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/db"
)

// TestThreeServersReplyAuthorization runs three agora servers: alice on
// one asks for approval of replies; bob on two replies (a ReplyRequest to
// one, nothing to his followers yet); erin on three follows both, so
// three is a third server for bob's reply. Once alice approves, bob's
// server sends the reply with its replyAuthorization to his followers;
// three fetches that authorization from one, finds it names bob's reply
// and alice's post, keeps the result and shows the reply in the thread.
// The refusals are in TestThirdPartyAuthorizations (agora servers never
// send an unapproved reply).
func TestThreeServersReplyAuthorization(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite)
	two := startOn(t, "127.0.0.2", db.SQLite)
	three := startOn(t, "127.0.0.3", db.Postgres)
	alice, bob, erin := one.newUserToken(t, "alice"), two.newUserToken(t, "bob"), three.newUserToken(t, "erin")
	host := func(s *server) string { return strings.TrimPrefix(s.URL, "http://") }
	follow := func(s *server, u *user, acct string) {
		t.Helper()
		var a, rel jsonMap
		s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct="+acct, u.token, nil, &a)
		s.mustAPI(t, "POST", "/api/v1/accounts/"+a["id"].(string)+"/follow", u.token, nil, &rel)
		outWait(t, u.Username+" following "+acct, func() bool {
			var rels []jsonMap
			s.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+a["id"].(string), u.token, nil, &rels)
			return rels[0]["following"] == true
		})
	}
	follow(three, erin, "alice@"+host(one))
	follow(three, erin, "bob@"+host(two))

	manual := url.Values{"status": {"replies by approval"}}
	manual.Add("interaction_policy[can_reply][manual_approval][]", "public")
	var post jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, manual, &post)
	var postOnThree jsonMap
	outWait(t, "alice's post on three", func() bool {
		st, ok := three.statusByURI(t, erin, post["uri"].(string))
		postOnThree = st
		return ok
	})
	var found struct{ Statuses []jsonMap }
	two.mustAPI(t, "GET", "/api/v2/search?"+url.Values{"q": {post["uri"].(string)}, "resolve": {"true"}}.Encode(), bob.token, nil, &found)
	if len(found.Statuses) != 1 {
		t.Fatalf("alice's post not found on two: %v", found.Statuses)
	}
	var reply jsonMap
	two.mustAPI(t, "POST", "/api/v1/statuses", bob.token, url.Values{"status": {"may I?"}, "in_reply_to_id": {found.Statuses[0]["id"].(string)}}, &reply)

	var reqs []jsonMap
	outWait(t, "bob's ReplyRequest on one", func() bool {
		one.mustAPI(t, "GET", "/api/v1/interaction_requests", alice.token, nil, &reqs)
		return len(reqs) == 1
	})
	if _, ok := three.statusByURI(t, erin, reply["uri"].(string)); ok {
		t.Error("the pending reply reached three")
	}
	one.mustAPI(t, "POST", "/api/v1/interaction_requests/"+reqs[0]["id"].(string)+"/authorize", alice.token, nil, nil)

	var onThree jsonMap
	outWait(t, "bob's approved reply on three", func() bool {
		st, ok := three.statusByURI(t, erin, reply["uri"].(string))
		onThree = st
		return ok
	})
	if onThree["in_reply_to_id"] != postOnThree["id"] {
		t.Errorf("reply on three answers %v, want %v", onThree["in_reply_to_id"], postOnThree["id"])
	}
	var thread struct{ Descendants []jsonMap }
	three.mustAPI(t, "GET", "/api/v1/statuses/"+postOnThree["id"].(string)+"/context", erin.token, nil, &thread)
	if len(thread.Descendants) != 1 || thread.Descendants[0]["uri"] != reply["uri"] {
		t.Errorf("thread on three = %v", thread.Descendants)
	}
	auth, err := three.App.Store.ValidAuthorizationFor(context.Background(), reply["uri"].(string), post["uri"].(string))
	if err != nil || !strings.HasPrefix(auth, one.URL+"/users/alice/authorizations/") {
		t.Errorf("authorization checked on three = %q, %v", auth, err)
	}
}

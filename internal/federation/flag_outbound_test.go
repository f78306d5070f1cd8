package federation_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
)

// TestReportForwardedAsFlag: a report about a remote account, with
// forward, reaches its server as a Flag in this server's name (signed by
// the instance actor), naming the account and the reported post, never
// the reporter.
func TestReportForwardedAsFlag(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		s := start(t, d)
		alice := s.newUserToken(t, "alice")
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		sid, postURI := s.App.Store.IDs.Next(), k.URL+"/users/bob/statuses/1"
		if _, err := s.App.DB.W.ExecContext(context.Background(), `INSERT INTO statuses (id, account_id, uri, local, content, visibility, conversation_id, created_at)
			VALUES ($1, $2, $3, FALSE, '<p>spam</p>', 'public', $1, $4)`, int64(sid), int64(bob.ID), postURI, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		report := func(forward string) {
			s.mustAPI(t, "POST", "/api/v1/reports", alice.token, url.Values{"account_id": {bob.ID.String()}, "status_ids[]": {sid.String()},
				"comment": {"selling pills"}, "category": {"spam"}, "forward": {forward}}, nil)
		}
		report("false")
		report("true")
		flags := k.await(t, "Flag", 1)
		f := flags[0].Activity
		objs := fmt.Sprint(f["object"])
		if f["actor"] != s.URL+"/actor" || !strings.Contains(objs, bob.URI) || !strings.Contains(objs, postURI) || f["content"] != "selling pills" ||
			flags[0].Path != "/inbox" {
			t.Errorf("Flag at %s: %v", flags[0].Path, f)
		}
		if strings.Contains(fmt.Sprint(f), "alice") {
			t.Errorf("the Flag names the reporter: %v", f)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(k.received("Flag")); n != 1 {
			t.Errorf("%d Flags, want 1 (the report without forward stays here)", n)
		}
	})
}

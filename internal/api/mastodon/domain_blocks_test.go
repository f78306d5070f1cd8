package mastodon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/moderation"
)

// remoteAccount inserts a remote account with one public status and makes
// it follow target; it returns the account's and the status's ids.
func remoteAccount(t *testing.T, s *apitest.Server, username, host string, target domain.ID) (domain.ID, domain.ID) {
	t.Helper()
	ctx := context.Background()
	st := s.App.Store
	id, sid, now := st.IDs.Next(), st.IDs.Next(), time.Now().UnixMilli()
	w := s.App.DB.W
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO accounts (id, username, domain, uri, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			[]any{int64(id), username, host, fmt.Sprintf("https://%s/users/%s", host, username), now - 90*24*3600*1000}},
		{`INSERT INTO statuses (id, account_id, uri, local, content, visibility, conversation_id, created_at)
			VALUES ($1, $2, $3, FALSE, '<p>hello</p>', 'public', $1, $4)`, []any{int64(sid), int64(id), fmt.Sprintf("https://%s/s/%d", host, sid), now}},
		{`INSERT INTO follows (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4)`, []any{int64(st.IDs.Next()), int64(id), int64(target), now}},
		{`UPDATE accounts SET followers_count = followers_count + 1 WHERE id = $1`, []any{int64(target)}},
		{`INSERT INTO home_feed (account_id, status_id, author_id, origin_author_id) VALUES ($1, $2, $3, $3)`, []any{int64(target), int64(sid), int64(id)}},
	} {
		if _, err := w.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	return id, sid
}

func TestAdminDomainBlocks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		admin := staff(t, s, "admin", domain.RoleAdmin)
		mod := staff(t, s, "mod", domain.RoleModerator)
		alice := s.NewUser(t, "alice")
		troll, trollStatus := remoteAccount(t, s, "troll", "spam.example", alice.ID)
		sub, _ := remoteAccount(t, s, "bot", "a.spam.example", alice.ID)
		friend, friendStatus := remoteAccount(t, s, "friend", "fine.example", alice.ID)

		s.Must(t, 403, "POST", "/api/v1/admin/domain_blocks", mod.Token, url.Values{"domain": {"spam.example"}})
		s.Must(t, 403, "GET", "/api/v1/admin/domain_blocks", alice.Token, nil)
		s.Must(t, 422, "POST", "/api/v1/admin/domain_blocks", admin.Token, url.Values{"domain": {"not a domain"}})
		s.Must(t, 422, "POST", "/api/v1/admin/domain_blocks", admin.Token, url.Values{"domain": {"spam.example"}, "severity": {"banish"}})
		b := s.Must(t, 200, "POST", "/api/v1/admin/domain_blocks", admin.Token, url.Values{"domain": {"*.SPAM.example."},
			"severity": {"suspend"}, "public_comment": {"Spam and harassment"}, "private_comment": {"see report 12"}, "reject_reports": {"true"}}).Map(t)
		if b["domain"] != "spam.example" || b["severity"] != "suspend" || b["reject_reports"] != true || b["digest"] == "" {
			t.Fatalf("created block = %v", b)
		}
		s.Must(t, 422, "POST", "/api/v1/admin/domain_blocks", admin.Token, url.Values{"domain": {"spam.example"}})

		// The domain and its subdomains are blocked; others not.
		for host, want := range map[string]bool{"spam.example": true, "x.a.spam.example:443": true, "notspam.example": false, "fine.example": false} {
			got, err := s.App.Store.DomainBlockFor(ctx, host)
			if err != nil || (got != nil) != want {
				t.Errorf("DomainBlockFor(%s) = %v, %v; want blocked %v", host, got, err, want)
			}
		}
		// Accounts suspended at once; content purged by the job.
		accts, err := s.App.Store.Accounts(ctx, []domain.ID{troll, sub, friend})
		if err != nil {
			t.Fatal(err)
		}
		if accts[troll].SuspendedAt == nil || accts[sub].SuspendedAt == nil || accts[friend].SuspendedAt != nil {
			t.Errorf("suspensions: troll %v, sub %v, friend %v", accts[troll].SuspendedAt, accts[sub].SuspendedAt, accts[friend].SuspendedAt)
		}
		svc := moderation.New(s.App.Store, nil, s.URL)
		if n, err := svc.PurgeSuspendedDomains(ctx); err != nil || n != 2 {
			t.Errorf("purge = %d, %v; want 2 accounts", n, err)
		}
		if n, err := svc.PurgeSuspendedDomains(ctx); err != nil || n != 0 {
			t.Errorf("second purge = %d, %v; want nothing left", n, err)
		}
		if _, err := s.App.Store.Status(ctx, trollStatus); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("troll's status after purge: %v", err)
		}
		if _, err := s.App.Store.Status(ctx, friendStatus); err != nil {
			t.Errorf("friend's status purged: %v", err)
		}
		me := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
		if me["followers_count"] != float64(1) {
			t.Errorf("alice's followers after the purge = %v, want 1", me["followers_count"])
		}
		home := s.Must(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil).List(t)
		if len(home) != 1 || home[0]["id"] != friendStatus.String() {
			t.Errorf("home after purge = %v", home)
		}

		// Public list: everyone sees the blocks and their public reasons.
		s.Must(t, 200, "POST", "/api/v1/admin/domain_blocks", admin.Token, url.Values{"domain": {"harass.example"}, "obfuscate": {"true"}})
		pub := s.Must(t, 200, "GET", "/api/v1/instance/domain_blocks", "", nil).List(t)
		if len(pub) != 2 || pub[1]["domain"] != "spam.example" || pub[1]["comment"] != "Spam and harassment" || pub[1]["private_comment"] != nil {
			t.Errorf("public list = %v", pub)
		}
		if d := pub[0]["domain"].(string); d == "harass.example" || len(d) != len("harass.example") || pub[0]["severity"] != "silence" {
			t.Errorf("obfuscated block = %v", pub[0])
		}

		// Lighter severity lifts the suspension it set; deleting lifts the silence.
		id := b["id"].(string)
		u := s.Must(t, 200, "PUT", "/api/v1/admin/domain_blocks/"+id, admin.Token, url.Values{"severity": {"silence"}}).Map(t)
		if u["severity"] != "silence" || u["public_comment"] != "Spam and harassment" {
			t.Errorf("updated block = %v", u)
		}
		a, _ := s.App.Store.Account(ctx, troll)
		if a.SuspendedAt != nil || a.SilencedAt == nil {
			t.Errorf("after silence: suspended %v silenced %v", a.SuspendedAt, a.SilencedAt)
		}
		s.Must(t, 422, "PUT", "/api/v1/admin/domain_blocks/"+id, admin.Token, url.Values{"domain": {"other.example"}})
		s.Must(t, 200, "DELETE", "/api/v1/admin/domain_blocks/"+id, admin.Token, nil)
		a, _ = s.App.Store.Account(ctx, troll)
		if a.SilencedAt != nil {
			t.Errorf("silence kept after delete")
		}
		s.Must(t, 404, "GET", "/api/v1/admin/domain_blocks/"+id, admin.Token, nil)
		if got := s.Must(t, 200, "GET", "/api/v1/admin/domain_blocks", admin.Token, nil).List(t); len(got) != 1 {
			t.Errorf("blocks after delete = %v", got)
		}
		log := s.Must(t, 200, "GET", "/api/agora/v1/admin/audit_log", admin.Token, nil).List(t)
		actions := map[string]bool{}
		for _, e := range log {
			actions[e["action"].(string)] = true
		}
		for _, want := range []string{"domain_block.create", "domain_block.update", "domain_block.delete"} {
			if !actions[want] {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
	})
}

func TestUserDomainBlocks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		loudAcct, loud := remoteAccount(t, s, "loud", "loud.example", bob.ID)
		mention := func() {
			t.Helper()
			n := &domain.Notification{AccountID: bob.ID, FromAccountID: loudAcct, Type: domain.NotifyMention, StatusID: loud}
			if err := s.App.Store.InsertNotification(context.Background(), s.App.DB.W, n); err != nil {
				t.Fatal(err)
			}
		}
		notified := func() int {
			return len(s.Must(t, 200, "GET", "/api/v1/notifications?include_filtered=true", bob.Token, nil).List(t))
		}
		publicIDs := func(token string) map[string]bool {
			out := map[string]bool{}
			for _, st := range s.Must(t, 200, "GET", "/api/v1/timelines/public", token, nil).List(t) {
				out[st["id"].(string)] = true
			}
			return out
		}
		if !publicIDs(bob.Token)[loud.String()] {
			t.Fatal("remote status not in the public timeline before the block")
		}
		s.Must(t, 200, "POST", "/api/v1/domain_blocks", bob.Token, url.Values{"domain": {"Loud.Example"}})
		s.Must(t, 200, "POST", "/api/v1/domain_blocks", bob.Token, url.Values{"domain": {"loud.example"}}) // twice is fine
		var list []string
		if err := json.Unmarshal(s.Must(t, 200, "GET", "/api/v1/domain_blocks", bob.Token, nil).Body, &list); err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0] != "loud.example" {
			t.Errorf("domain blocks = %v", list)
		}
		if publicIDs(bob.Token)[loud.String()] || !publicIDs(alice.Token)[loud.String()] {
			t.Error("the block must hide the domain from bob's public timeline only")
		}
		if home := s.Must(t, 200, "GET", "/api/v1/timelines/home", bob.Token, nil).List(t); len(home) != 0 {
			t.Errorf("bob's home still has the domain: %v", home)
		}
		if me := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", bob.Token, nil).Map(t); me["followers_count"] != float64(0) {
			t.Errorf("the domain's follower stays: %v", me["followers_count"])
		}
		mention()
		if n := notified(); n != 0 {
			t.Errorf("a blocked domain's notification was stored: %d", n)
		}
		s.Must(t, 422, "POST", "/api/v1/domain_blocks", bob.Token, url.Values{"domain": {s.App.Cfg.Domain}})
		s.Must(t, 422, "POST", "/api/v1/domain_blocks", bob.Token, url.Values{})
		s.Must(t, 401, "GET", "/api/v1/domain_blocks", "", nil)
		s.Must(t, 200, "DELETE", "/api/v1/domain_blocks", bob.Token, url.Values{"domain": {"loud.example"}})
		if !publicIDs(bob.Token)[loud.String()] {
			t.Error("unblocked domain still hidden")
		}
		mention()
		if n := notified(); n != 1 {
			t.Errorf("notifications after unblocking = %d, want 1", n)
		}
	})
}

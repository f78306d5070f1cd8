package imports_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/export"
	"github.com/agora-social/agora/internal/imports"
	"github.com/agora-social/agora/internal/store"
)

// waitFinished waits for the import job to finish the import.
func waitFinished(t *testing.T, s *apitest.Server, id domain.ID) *store.Import {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		imp, err := s.App.Store.Import(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if imp.State == "finished" {
			return imp
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %d still %s after 20 s: %+v", id, imp.State, imp)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExportThenImport: what one account exports, another imports, and
// ends up with the same network; rows that cannot be applied are kept
// with their reason; an overwrite removes what the file does not list.
func TestExportThenImport(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		dave, erin, frank := s.NewUser(t, "dave"), s.NewUser(t, "erin"), s.NewUser(t, "frank")
		zed := s.NewUser(t, "zed")
		host := strings.TrimPrefix(s.URL, "http://")

		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/follow", alice.Token, map[string]any{"reblogs": false, "notify": true})
		s.Must(t, 200, "POST", "/api/v1/accounts/"+carol.AccountID+"/follow", alice.Token, nil)
		list := s.Must(t, 200, "POST", "/api/v1/lists", alice.Token, map[string]any{"title": "Press"}).Map(t)
		s.Must(t, 200, "POST", "/api/v1/lists/"+list["id"].(string)+"/accounts", alice.Token, map[string]any{"account_ids": []string{bob.AccountID}})
		s.Must(t, 200, "POST", "/api/v1/accounts/"+dave.AccountID+"/block", alice.Token, nil)
		s.Must(t, 200, "POST", "/api/v1/accounts/"+erin.AccountID+"/mute", alice.Token, map[string]any{"notifications": false})
		s.Must(t, 200, "POST", "/api/v1/domain_blocks", alice.Token, map[string]any{"domain": "spam.example"})
		post := s.Must(t, 200, "POST", "/api/v1/statuses", bob.Token, map[string]any{"status": "worth keeping"}).Map(t)["id"].(string)
		s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/bookmark", alice.Token, nil)

		// zed already follows frank, and bookmarks nothing.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+frank.AccountID+"/follow", zed.Token, nil)

		svc := s.App.Imports
		run := func(kind string, overwrite bool, file string) *store.Import {
			t.Helper()
			imp, err := svc.Create(ctx, zed.ID, kind, overwrite, kind+".csv", strings.NewReader(file))
			if err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
			return waitFinished(t, s, imp.ID)
		}
		csvOf := func(name string) string {
			var b bytes.Buffer
			if err := s.App.Web.Export.WriteCSV(ctx, &b, export.ListNamed(name), alice.ID); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}

		// Following, replacing: frank is unfollowed; a handle on a server
		// that cannot be reached fails with its reason, the rest goes on.
		following := csvOf("following_accounts.csv") + "ghost@127.0.0.2:1,true,false,\n" + "zed@" + host + ",true,false,\n"
		imp := run(imports.Following, true, following)
		if imp.Total != 4 || imp.Processed != 4 || imp.Imported != 2 {
			t.Errorf("following import: %+v", imp)
		}
		failed, err := s.App.Store.ImportRows(ctx, imp.ID, "failed", 10)
		if err != nil || len(failed) != 2 {
			t.Fatalf("failed rows: %v %v", failed, err)
		}
		if d := imports.Describe(failed[0]); d != "line 4 (ghost@127.0.0.2:1): ghost@127.0.0.2:1 could not be found on its server" {
			t.Errorf("failed row: %q", d)
		}
		if d := imports.Describe(failed[1]); !strings.HasSuffix(d, "That is your own account") {
			t.Errorf("failed row: %q", d)
		}
		rels := s.Must(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+bob.AccountID+"&id[]="+carol.AccountID+"&id[]="+frank.AccountID, zed.Token, nil).List(t)
		if rels[0]["following"] != true || rels[0]["showing_reblogs"] != false || rels[0]["notifying"] != true {
			t.Errorf("bob: %v", rels[0])
		}
		if rels[1]["following"] != true || rels[2]["following"] != false {
			t.Errorf("carol %v, frank %v (frank must be unfollowed by the overwrite)", rels[1], rels[2])
		}

		for _, c := range []struct{ kind, file string }{
			{imports.Lists, csvOf("lists.csv")},
			{imports.Blocks, csvOf("blocked_accounts.csv")},
			{imports.Mutes, csvOf("muted_accounts.csv")},
			{imports.DomainBlocks, csvOf("blocked_domains.csv")},
			{imports.Bookmarks, csvOf("bookmarks.csv")},
		} {
			if imp := run(c.kind, false, c.file); imp.Imported != imp.Total || imp.Total == 0 {
				t.Errorf("%s import: %+v", c.kind, imp)
			}
		}
		for _, name := range []string{"lists.csv", "blocked_accounts.csv", "muted_accounts.csv", "blocked_domains.csv"} {
			var b bytes.Buffer
			if err := s.App.Web.Export.WriteCSV(ctx, &b, export.ListNamed(name), zed.ID); err != nil {
				t.Fatal(err)
			}
			if b.String() != csvOf(name) {
				t.Errorf("%s after import:\n%q\nwant\n%q", name, b.String(), csvOf(name))
			}
		}
		marks := s.Must(t, 200, "GET", "/api/v1/bookmarks", zed.Token, nil).List(t)
		if len(marks) != 1 || marks[0]["id"] != post {
			t.Errorf("bookmarks: %v", marks)
		}

		if _, err := svc.Create(ctx, zed.ID, imports.Lists, true, "lists.csv", strings.NewReader("Press,bob@"+host+"\n")); err == nil {
			t.Error("a list import replaced lists")
		}
	})
}

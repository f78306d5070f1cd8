package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// TestQuoteRemotePostWeb quotes, without JavaScript, a remote post whose
// author approves quotes by hand: the status page offers Quote, and the
// quote then says, in English and French, that it waits for approval. A
// remote post without canQuote offers no Quote link.
func TestQuoteRemotePostWeb(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		ctx := context.Background()
		s.NewUser(t, "bob")
		zed := &domain.Account{Username: "zed", Domain: "remote.example", URI: "https://remote.example/users/zed",
			InboxURL: "https://remote.example/users/zed/inbox", FollowersURL: "https://remote.example/users/zed/followers"}
		if err := s.App.Store.UpsertRemoteAccount(ctx, &store.RemoteAccount{Account: zed}); err != nil {
			t.Fatal(err)
		}
		remotePost := func(n, text, policy string) string {
			st := &domain.Status{ID: s.App.Store.IDs.Next(), AccountID: zed.ID, URI: "https://remote.example/n/" + n,
				URL: "https://remote.example/@zed/" + n, Visibility: domain.Public, CreatedAt: s.App.Store.Now(), Content: "<p>" + text + "</p>"}
			st.ConversationID = st.ID
			if _, err := s.App.Store.CreateRemoteStatus(ctx, st, nil, nil, false); err != nil {
				t.Fatal(err)
			}
			if err := s.App.Store.SetQuotePolicy(ctx, st.ID, policy); err != nil {
				t.Fatal(err)
			}
			return st.ID.String()
		}
		asked := remotePost("1", "ask me first", "auto=;manual=public")
		closed := remotePost("2", "no quotes", "")

		bob := newBrowser(t, s)
		bob.signIn("bob")
		if p := bob.get("/@zed@remote.example/"+closed, 200).Body; strings.Contains(p, "/web/statuses/"+closed+"/quote") {
			t.Errorf("a remote post without canQuote offers Quote")
		}
		if p := bob.get("/@zed@remote.example/"+asked, 200).Body; !strings.Contains(p, `href="/web/statuses/`+asked+`/quote"`) {
			t.Fatalf("no Quote link on a remote post its author approves quotes of")
		}
		bob.post("/web/statuses/"+asked+"/quote", "/web/statuses", url.Values{"status": {"what do you think"},
			"quoted_status_id": {asked}, "visibility": {"public"}}, http.StatusSeeOther)
		home := bob.get("/", 200).Body
		if !strings.Contains(home, "The quoted post is waiting for its author’s approval.") || strings.Contains(home, "ask me first") {
			t.Errorf("home does not show the pending quote")
		}
		bob.lang = "fr"
		if home := bob.get("/", 200).Body; !strings.Contains(home, "Le message cité attend l’accord de son auteur·rice.") {
			t.Errorf("no French sentence for the pending quote")
		}
	})
}

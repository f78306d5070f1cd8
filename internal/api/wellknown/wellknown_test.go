package wellknown_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/db"
)

func TestDiscovery(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		s.NewUser(t, "alice")
		idx := s.Must(t, 200, "GET", "/.well-known/nodeinfo", "", nil).Map(t)
		if links := idx["links"].([]any); len(links) != 2 {
			t.Fatalf("nodeinfo links = %v", links)
		}
		for _, v := range []string{"2.0", "2.1"} {
			ni := s.Must(t, 200, "GET", "/nodeinfo/"+v, "", nil).Map(t)
			up := ni["metadata"].(map[string]any)["upstream"].(map[string]any)
			if up["name"] != "mastodon" {
				t.Errorf("%s: metadata.upstream.name = %v", v, up["name"])
			}
			users := ni["usage"].(map[string]any)["users"].(map[string]any)
			if users["total"].(float64) != 1 {
				t.Errorf("%s: users.total = %v, want 1", v, users["total"])
			}
		}
		hm := s.Do(t, "GET", "/.well-known/host-meta", "", nil)
		if hm.Status != 200 || !strings.Contains(string(hm.Body), "/.well-known/webfinger?resource={uri}") {
			t.Errorf("host-meta: %d %s", hm.Status, hm.Body)
		}
		domain := strings.TrimPrefix(s.URL, "http://")
		wf := s.Must(t, 200, "GET", "/.well-known/webfinger?resource=acct:alice@"+domain, "", nil).Map(t)
		if wf["subject"] != "acct:alice@"+domain {
			t.Errorf("subject = %v", wf["subject"])
		}
		s.Must(t, 200, "GET", "/.well-known/webfinger?resource="+s.URL+"/users/alice", "", nil)
		s.Must(t, 404, "GET", "/.well-known/webfinger?resource=acct:bob@"+domain, "", nil)
		s.Must(t, 404, "GET", "/.well-known/webfinger?resource=acct:alice@elsewhere.example", "", nil)
		s.Must(t, 400, "GET", "/.well-known/webfinger", "", nil)
	})
}

// TestInstanceActorWebFinger asks for the instance actor as Mastodon names
// it (acct:DOMAIN@DOMAIN) and by its id: both lead to /actor, whose
// preferredUsername is that domain.
func TestInstanceActorWebFinger(t *testing.T) {
	s := apitest.Start(t, db.SQLite)
	domain := strings.TrimPrefix(s.URL, "http://")
	for _, res := range []string{"acct:" + domain + "@" + domain, s.URL + "/actor"} {
		wf := s.Must(t, 200, "GET", "/.well-known/webfinger?resource="+url.QueryEscape(res), "", nil).Map(t)
		if wf["subject"] != "acct:"+domain+"@"+domain {
			t.Errorf("%s: subject = %v", res, wf["subject"])
		}
		self := ""
		for _, l := range wf["links"].([]any) {
			if l := l.(map[string]any); l["rel"] == "self" && l["type"] == "application/activity+json" {
				self, _ = l["href"].(string)
			}
		}
		if self != s.URL+"/actor" {
			t.Errorf("%s: self = %q, want %s/actor", res, self, s.URL)
		}
	}
	actor := s.Must(t, 200, "GET", "/actor", "", nil).Map(t)
	if actor["preferredUsername"] != domain || actor["id"] != s.URL+"/actor" {
		t.Errorf("instance actor = %v %v", actor["id"], actor["preferredUsername"])
	}
	s.Must(t, 404, "GET", "/.well-known/webfinger?resource="+url.QueryEscape("acct:"+domain+"@elsewhere.example"), "", nil)
}

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
	"github.com/agora-social/agora/internal/web"
)

func noticeForm(s *apitest.Server, stID string, extra url.Values) url.Values {
	f := url.Values{"account": {"@alice"}, "content_urls": {s.URL + "/@alice/" + stID}, "legal_category": {"illegal_or_harmful_speech"},
		"legal_explanation": {"Defamation of a named person."}, "notifier_name": {"Jo Public"}, "notifier_email": {"jo@example.net"},
		"good_faith_confirmed": {"1"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// TestModerationPages: the public notice form, the queue, the decision
// form, the statement page with its appeal form, and /transparency, all
// without JavaScript.
func TestModerationPages(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		s.NewUserRole(t, "mod", domain.RoleModerator)
		stID := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "a lie about someone"}).Map(t)["id"].(string)

		anon := newBrowser(t, s)
		p := anon.post("/report", "/report", noticeForm(s, stID, url.Values{"notifier_name": {""}}), http.StatusUnprocessableEntity)
		contains(t, p, "Give your name and e-mail address")
		anon.post("/report", "/report", noticeForm(s, stID, url.Values{"good_faith_confirmed": {""}}), http.StatusUnprocessableEntity)
		anon.post("/report", "/report", noticeForm(s, stID, url.Values{"account": {"@nobody"}}), http.StatusUnprocessableEntity)
		// Child sexual abuse material may be notified anonymously.
		anon.post("/report", "/report", noticeForm(s, stID, url.Values{"notifier_name": {""}, "notifier_email": {""},
			"legal_category": {"child_sexual_abuse"}}), http.StatusOK)
		p = anon.post("/report", "/report", noticeForm(s, stID, nil), http.StatusOK)
		contains(t, p, "your notice was received under reference")

		// Only moderators see the queue.
		user := newBrowser(t, s)
		user.signIn("alice")
		user.get("/admin/reports", http.StatusForbidden)
		anon.get("/admin/reports", http.StatusSeeOther)

		mod := newBrowser(t, s)
		mod.signIn("mod")
		q := mod.get("/admin/reports", 200)
		contains(t, q, "@alice", "legal")
		reps, err := s.App.Store.Reports(t.Context(), storeFilterOpen(), domain.Page{Limit: 10}, true)
		if err != nil || len(reps) != 2 {
			t.Fatalf("reports: %v %v", reps, err)
		}
		repID := reps[len(reps)-1].ID.String()
		if len(reps[len(reps)-1].StatusIDs) != 1 || reps[len(reps)-1].StatusIDs[0].String() != stID {
			t.Fatalf("the status URL was not recognized: %v", reps[len(reps)-1].StatusIDs)
		}
		rp := mod.get("/admin/reports/"+repID, 200)
		contains(t, rp, "Defamation of a named person.", "a lie about someone")
		mod.post("/admin/reports/"+repID, "/admin/reports/"+repID+"/decision", url.Values{"action": {"remove"}, "ground": {"illegal"},
			"explanation": {"Defamatory."}}, http.StatusUnprocessableEntity) // no legal ground
		d := mod.post("/admin/reports/"+repID, "/admin/reports/"+repID+"/decision", url.Values{"action": {"remove"}, "ground": {"illegal"},
			"legal_ground": {"Art. 29, loi du 29 juillet 1881"}, "explanation": {"Defamatory."}}, http.StatusSeeOther)
		loc := d.Header.Get("Location")
		if !strings.HasPrefix(loc, "/statements/") {
			t.Fatalf("decision went to %q", loc)
		}
		s.Must(t, 404, "GET", "/api/v1/statuses/"+stID, "", nil)

		// The author reads the statement and appeals on the web.
		sp := user.get(loc, 200)
		contains(t, sp, "Art. 29, loi du 29 juillet 1881", "Defamatory.", "Art. 21")
		anon.get(loc, http.StatusSeeOther)
		other := newBrowser(t, s)
		s.NewUser(t, "eve")
		other.signIn("eve")
		other.get(loc, http.StatusNotFound)
		user.post(loc, loc+"/appeal", url.Values{"text": {""}}, http.StatusUnprocessableEntity)
		user.post(loc, loc+"/appeal", url.Values{"text": {"This is true and documented."}}, http.StatusSeeOther)
		contains(t, user.get(loc, 200), "This is true and documented.", "pending")

		tp := anon.get("/transparency", 200)
		contains(t, tp, "Transparency report", "legal: 2", "illegal: 1", "remove: 1")
	})
}

// TestNoticeFlood: the public form takes web.LimitNoticesPerIP notices per
// address and window.
func TestNoticeFlood(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		stID := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "x"}).Map(t)["id"].(string)
		b := newBrowser(t, s)
		for i := 0; i < web.LimitNoticesPerIP; i++ {
			b.post("/report", "/report", noticeForm(s, stID, nil), http.StatusOK)
		}
		b.post("/report", "/report", noticeForm(s, stID, nil), http.StatusTooManyRequests)
	})
}

func storeFilterOpen() store.ReportFilter { return store.ReportFilter{States: []string{"open"}} }

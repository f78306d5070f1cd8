package mastodon_test

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

// groupedResults is GET /api/v2/notifications's body as a client reads it.
type groupedResults struct {
	Accounts        []map[string]any `json:"accounts"`
	PartialAccounts []map[string]any `json:"partial_accounts"`
	Statuses        []map[string]any `json:"statuses"`
	Groups          []struct {
		GroupKey          string   `json:"group_key"`
		Count             int      `json:"notifications_count"`
		Type              string   `json:"type"`
		MostRecentID      string   `json:"most_recent_notification_id"`
		PageMinID         *string  `json:"page_min_id"`
		PageMaxID         *string  `json:"page_max_id"`
		LatestAt          *string  `json:"latest_page_notification_at"`
		SampleAccountIDs  []string `json:"sample_account_ids"`
		StatusID          *string  `json:"status_id"`
		ModerationWarning any      `json:"moderation_warning"`
	} `json:"notification_groups"`
}

var nextLink = regexp.MustCompile(`<([^>]+)>; rel="next"`)

func ids(ms []map[string]any) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m["id"].(string))
	}
	return out
}

// TestGroupedNotificationsAPI follows Mastodon 4.3's grouped notifications:
// three favourites of one post make one group; mentions stay alone.
func TestGroupedNotificationsAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob, carol := s.NewUser(t, "alice"), s.NewUser(t, "bob"), s.NewUser(t, "carol")
		dave, eve := s.NewUser(t, "dave"), s.NewUser(t, "eve")
		post := s.Must(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"favourite me"}}).Map(t)["id"].(string)
		for _, u := range []*apitest.User{bob, carol, dave} {
			s.Must(t, 200, "POST", "/api/v1/statuses/"+post+"/favourite", u.Token, nil)
		}
		mention := s.Must(t, 200, "POST", "/api/v1/statuses", eve.Token, url.Values{"status": {"hi @alice"}}).Map(t)["id"].(string)
		list := func(query string) (groupedResults, *apitest.Response) {
			t.Helper()
			res := s.Must(t, 200, "GET", "/api/v2/notifications"+query, alice.Token, nil)
			var g groupedResults
			res.Decode(t, &g)
			return g, res
		}

		g, res := list("")
		if len(g.Groups) != 2 {
			t.Fatalf("groups = %s", res.Body)
		}
		m, f := g.Groups[0], g.Groups[1]
		if m.Type != "mention" || m.Count != 1 || !strings.HasPrefix(m.GroupKey, "ungrouped-") || *m.StatusID != mention ||
			!reflect.DeepEqual(m.SampleAccountIDs, []string{eve.AccountID}) {
			t.Errorf("mention group = %+v", m)
		}
		if f.Type != "favourite" || f.Count != 3 || !strings.HasPrefix(f.GroupKey, "favourite-"+post+"-") || f.StatusID == nil || *f.StatusID != post {
			t.Errorf("favourite group = %+v", f)
		}
		if want := []string{dave.AccountID, carol.AccountID, bob.AccountID}; !reflect.DeepEqual(f.SampleAccountIDs, want) {
			t.Errorf("sample accounts = %v, want %v (newest first)", f.SampleAccountIDs, want)
		}
		if f.PageMinID == nil || f.PageMaxID == nil || *f.PageMaxID != f.MostRecentID || *f.PageMinID >= f.MostRecentID || f.LatestAt == nil {
			t.Errorf("favourite group page fields: %+v", f)
		}
		if got := ids(g.Accounts); len(got) != 4 || g.PartialAccounts != nil {
			t.Errorf("accounts = %v, partial = %v", got, g.PartialAccounts)
		}
		if got := ids(g.Statuses); !reflect.DeepEqual(got, []string{mention, post}) {
			t.Errorf("statuses = %v", got)
		}
		// v1 is unchanged: one entry per notification.
		if v1 := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t); len(v1) != 4 {
			t.Errorf("v1 notifications = %d", len(v1))
		}

		// Pages of one group, following the Link header to the end. As in
		// Mastodon, a page below a group's newest notification shows the
		// group again, counted up to that page (clients merge by key).
		var walked []string
		next := "?limit=1"
		for range 6 {
			page, res := list(next)
			if len(page.Groups) == 0 {
				break
			}
			walked = append(walked, fmt.Sprintf("%s/%d", page.Groups[0].GroupKey, page.Groups[0].Count))
			link := nextLink.FindStringSubmatch(res.Header.Get("Link"))
			if link == nil || !strings.Contains(res.Header.Get("Link"), `rel="prev"`) {
				t.Fatalf("Link = %q", res.Header.Get("Link"))
			}
			u, err := url.Parse(link[1])
			if err != nil || u.Query().Get("limit") != "1" || u.Query().Get("max_id") == "" {
				t.Fatalf("next link = %q", link[1])
			}
			next = "?" + u.RawQuery
		}
		if want := []string{m.GroupKey + "/1", f.GroupKey + "/3", f.GroupKey + "/2", f.GroupKey + "/1"}; !reflect.DeepEqual(walked, want) {
			t.Errorf("walked %v, want %v", walked, want)
		}
		// Two groups a page: the whole list at once; min_id pages up.
		if two, _ := list("?limit=2"); len(two.Groups) != 2 {
			t.Errorf("limit 2: %d groups", len(two.Groups))
		}
		if up, res := list("?min_id=" + f.MostRecentID); len(up.Groups) != 1 || up.Groups[0].GroupKey != m.GroupKey {
			t.Errorf("min_id page: %s", res.Body)
		}

		// Partial avatars: each group's first account whole, the others short.
		p, _ := list("?expand_accounts=partial_avatars")
		if got := ids(p.Accounts); !reflect.DeepEqual(got, []string{eve.AccountID, dave.AccountID}) {
			t.Errorf("partial_avatars accounts = %v", got)
		}
		if got := ids(p.PartialAccounts); !reflect.DeepEqual(got, []string{carol.AccountID, bob.AccountID}) || len(p.PartialAccounts[0]) != 7 {
			t.Errorf("partial accounts = %v", p.PartialAccounts)
		}

		// Filters as v1's; grouped_types limits the grouping.
		for _, c := range []struct {
			query string
			want  int
		}{{"?types[]=favourite", 1}, {"?exclude_types[]=favourite", 1}, {"?account_id=" + bob.AccountID, 1},
			{"?grouped_types[]=mention", 4}, {"?grouped_types[]=favourite", 2}} {
			if got, res := list(c.query); len(got.Groups) != c.want {
				t.Errorf("%s: %s", c.query, res.Body)
			}
		}
		if byBob, _ := list("?account_id=" + bob.AccountID); len(byBob.Groups) == 1 && byBob.Groups[0].Count != 1 {
			t.Errorf("bob's favourite group counts %d", byBob.Groups[0].Count)
		}
		s.Must(t, 422, "GET", "/api/v2/notifications?types[]=nope", alice.Token, nil)
		s.Must(t, 422, "GET", "/api/v2/notifications?expand_accounts=nope", alice.Token, nil)
		s.Must(t, 401, "GET", "/api/v2/notifications", "", nil)

		// One group, its accounts, the unread count.
		one := s.Must(t, 200, "GET", "/api/v2/notifications/"+f.GroupKey, alice.Token, nil)
		var shown groupedResults
		one.Decode(t, &shown)
		if len(shown.Groups) != 1 || shown.Groups[0].Count != 3 || shown.Groups[0].PageMinID != nil || len(shown.Statuses) != 1 {
			t.Errorf("group %s = %s", f.GroupKey, one.Body)
		}
		accts := s.Must(t, 200, "GET", "/api/v2/notifications/"+f.GroupKey+"/accounts", alice.Token, nil).List(t)
		if got := ids(accts); !reflect.DeepEqual(got, f.SampleAccountIDs) {
			t.Errorf("group accounts = %v", got)
		}
		two := s.Must(t, 200, "GET", "/api/v2/notifications/"+f.GroupKey+"/accounts?limit=2", alice.Token, nil)
		link := nextLink.FindStringSubmatch(two.Header.Get("Link"))
		if len(two.List(t)) != 2 || link == nil {
			t.Fatalf("two group accounts: Link %q", two.Header.Get("Link"))
		}
		last := s.Must(t, 200, "GET", strings.TrimPrefix(link[1], s.URL), alice.Token, nil)
		if got := ids(last.List(t)); !reflect.DeepEqual(got, []string{bob.AccountID}) || nextLink.MatchString(last.Header.Get("Link")) {
			t.Errorf("last page of group accounts = %v (Link %q)", got, last.Header.Get("Link"))
		}
		unread := func(query string) float64 {
			t.Helper()
			return s.Must(t, 200, "GET", "/api/v2/notifications/unread_count"+query, alice.Token, nil).Map(t)["count"].(float64)
		}
		if n := unread(""); n != 2 {
			t.Errorf("unread groups = %v", n)
		}
		if n := unread("?grouped_types[]=mention"); n != 4 {
			t.Errorf("unread ungrouped = %v", n)
		}
		s.Must(t, 404, "GET", "/api/v2/notifications/favourite-1-12", alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v2/notifications/"+f.GroupKey, bob.Token, nil)

		// Dismissing the group removes its three notifications.
		s.Must(t, 200, "POST", "/api/v2/notifications/"+f.GroupKey+"/dismiss", alice.Token, nil)
		s.Must(t, 404, "GET", "/api/v2/notifications/"+f.GroupKey, alice.Token, nil)
		if left, res := list(""); len(left.Groups) != 1 || left.Groups[0].GroupKey != m.GroupKey {
			t.Errorf("after dismiss: %s", res.Body)
		}
		if n := unread(""); n != 1 {
			t.Errorf("unread after dismiss = %v", n)
		}
		if v1 := s.Must(t, 200, "GET", "/api/v1/notifications", alice.Token, nil).List(t); len(v1) != 1 {
			t.Errorf("v1 after dismissing the group = %d", len(v1))
		}
		s.Must(t, 200, "POST", "/api/v2/notifications/"+m.GroupKey+"/dismiss", alice.Token, nil)
		if empty, res := list(""); len(empty.Groups) != 0 || res.Header.Get("Link") != "" || empty.Accounts == nil || empty.Statuses == nil {
			t.Errorf("no notifications: %s (Link %q)", res.Body, res.Header.Get("Link"))
		}
	})
}

package mastodon_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/apitest"
)

func TestLookupAndSearch(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice, bob := s.NewUser(t, "alice"), s.NewUser(t, "bob")
		s.NewUser(t, "alicia")
		remote := s.App.Store.IDs.Next()
		if _, err := s.App.DB.W.Exec(`INSERT INTO accounts (id, username, domain, uri, created_at, updated_at)
			VALUES ($1, 'alf', 'remote.example', 'https://remote.example/users/alf', 0, 0)`, int64(remote)); err != nil {
			t.Fatal(err)
		}
		domainName := strings.TrimPrefix(s.URL, "http://")
		for _, acct := range []string{"alice", "@alice", "ALICE", "alice@" + domainName} {
			m := s.Must(t, 200, "GET", "/api/v1/accounts/lookup?acct="+url.QueryEscape(acct), "", nil).Map(t)
			if m["id"] != alice.AccountID || m["acct"] != "alice" {
				t.Errorf("lookup %s = %v %v", acct, m["id"], m["acct"])
			}
		}
		if m := s.Must(t, 200, "GET", "/api/v1/accounts/lookup?acct=alf@remote.example", "", nil).Map(t); m["acct"] != "alf@remote.example" {
			t.Errorf("remote lookup acct = %v", m["acct"])
		}
		for _, acct := range []string{"nobody", "alice@elsewhere.example", "alf"} {
			s.Must(t, 404, "GET", "/api/v1/accounts/lookup?acct="+url.QueryEscape(acct), "", nil)
		}
		s.Must(t, 422, "GET", "/api/v1/accounts/lookup", "", nil)

		got := gIDs(s.Must(t, 200, "GET", "/api/v1/accounts/search?q=ali", bob.Token, nil).List(t))
		if len(got) != 2 {
			t.Errorf("search ali = %v, want alice and alicia", got)
		}
		s.Must(t, 200, "POST", "/api/v1/accounts/"+alice.AccountID+"/follow", bob.Token, nil)
		if got := gIDs(s.Must(t, 200, "GET", "/api/v1/accounts/search?q=ali&following=true", bob.Token, nil).List(t)); len(got) != 1 || got[0] != alice.AccountID {
			t.Errorf("search following = %v", got)
		}
		if got := s.Must(t, 200, "GET", "/api/v1/accounts/search?q=ali&limit=1&offset=1&resolve=true", bob.Token, nil).List(t); len(got) != 1 {
			t.Errorf("search with offset = %d results", len(got))
		}
		if got := s.Must(t, 200, "GET", "/api/v1/accounts/search?q=", bob.Token, nil).List(t); len(got) != 0 {
			t.Errorf("empty search = %v", got)
		}
		// Blocked accounts do not show up.
		s.Must(t, 200, "POST", "/api/v1/accounts/"+bob.AccountID+"/block", alice.Token, nil)
		if got := gIDs(s.Must(t, 200, "GET", "/api/v1/accounts/search?q=ali", bob.Token, nil).List(t)); len(got) != 1 || got[0] == alice.AccountID {
			t.Errorf("search by a blocked viewer = %v", got)
		}
		s.Must(t, 422, "GET", "/api/v1/accounts/search?q=ali&limit=x", bob.Token, nil)
		s.Must(t, 422, "GET", "/api/v1/accounts/search?q=ali&offset=-1", bob.Token, nil)
		s.Must(t, 401, "GET", "/api/v1/accounts/search?q=ali", "", nil)
	})
}

func TestUpdateCredentials(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.NewUser(t, "alice")
		const path = "/api/v1/accounts/update_credentials"

		// JSON with fields as an array.
		m := s.Must(t, 200, "PATCH", path, alice.Token, map[string]any{
			"display_name": "Alice <b>A.</b>",
			"note":         "Hello & welcome.\nSee https://example.org/about.\n\nSecond <paragraph>",
			"bot":          true,
			"fields_attributes": []map[string]string{
				{"name": "Site", "value": "https://alice.example"},
				{"name": "Pronouns", "value": "she/<her>"},
			},
			"source": map[string]any{"privacy": "unlisted", "sensitive": true, "language": "fr"},
		}).Map(t)
		if m["display_name"] != "Alice <b>A.</b>" || m["bot"] != true {
			t.Errorf("display_name %v bot %v", m["display_name"], m["bot"])
		}
		wantNote := `<p>Hello &amp; welcome.<br />See <a href="https://example.org/about" target="_blank" rel="nofollow noopener" translate="no">` +
			`<span class="invisible">https://</span><span class="">example.org/about</span><span class="invisible"></span></a>.</p><p>Second &lt;paragraph&gt;</p>`
		if m["note"] != wantNote {
			t.Errorf("note =\n%v\nwant\n%v", m["note"], wantNote)
		}
		fields := m["fields"].([]any)
		if len(fields) != 2 {
			t.Fatalf("fields = %v", fields)
		}
		if v := fields[0].(map[string]any)["value"].(string); !strings.HasPrefix(v, `<a href="https://alice.example"`) || !strings.Contains(v, `rel="nofollow noopener me"`) {
			t.Errorf("URL field value = %s", v)
		}
		if v := fields[1].(map[string]any)["value"]; v != "she/&lt;her&gt;" {
			t.Errorf("text field value = %v", v)
		}
		src := m["source"].(map[string]any)
		if src["privacy"] != "unlisted" || src["sensitive"] != true || src["language"] != "fr" ||
			src["note"] != "Hello & welcome.\nSee https://example.org/about.\n\nSecond <paragraph>" {
			t.Errorf("source = %v", src)
		}
		if v := src["fields"].([]any)[0].(map[string]any)["value"]; v != "https://alice.example" {
			t.Errorf("source field value = %v", v)
		}
		creds := s.Must(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Map(t)
		if p := creds["source"].(map[string]any); p["privacy"] != "unlisted" || p["language"] != "fr" {
			t.Errorf("preferences not saved: %v", p)
		}

		// Form with indexed fields; absent keys stay as they are.
		m = s.Must(t, 200, "PATCH", path, alice.Token, url.Values{
			"locked":                      {"true"},
			"fields_attributes[1][name]":  {"B"},
			"fields_attributes[1][value]": {"2"},
			"fields_attributes[0][name]":  {"A"},
			"fields_attributes[0][value]": {"1"},
			"fields_attributes[2][name]":  {""},
			"fields_attributes[2][value]": {""},
		}).Map(t)
		if m["locked"] != true || m["display_name"] != "Alice <b>A.</b>" || m["bot"] != true {
			t.Errorf("form update: locked %v display_name %v", m["locked"], m["display_name"])
		}
		if f := m["fields"].([]any); len(f) != 2 || f[0].(map[string]any)["name"] != "A" || f[1].(map[string]any)["value"] != "2" {
			t.Errorf("form fields = %v", f)
		}

		// Multipart, as masto.js sends it.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("display_name", "Alice")
		_ = mw.WriteField("discoverable", "false")
		_ = mw.Close()
		res := gMultipart(t, s, alice.Token, &body, mw.FormDataContentType())
		if res.Status != 200 || !strings.Contains(string(res.Body), `"display_name":"Alice"`) || !strings.Contains(string(res.Body), `"discoverable":false`) {
			t.Errorf("multipart update: %d %s", res.Status, res.Body)
		}
		body.Reset()
		mw = multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("avatar", "me.png")
		_, _ = fw.Write([]byte("\x89PNG fake"))
		_ = mw.Close()
		if res := gMultipart(t, s, alice.Token, &body, mw.FormDataContentType()); res.Status != 422 || !strings.Contains(string(res.Body), "file type is not supported") {
			t.Errorf("avatar upload: %d %s", res.Status, res.Body)
		}

		fiveFields := map[string]any{}
		var list []map[string]string
		for i := range 5 {
			list = append(list, map[string]string{"name": "n" + string(rune('a'+i)), "value": "v"})
		}
		fiveFields["fields_attributes"] = list
		bad := []struct {
			name string
			body any
		}{
			{"long display name", map[string]any{"display_name": strings.Repeat("x", 31)}},
			{"long note", map[string]any{"note": strings.Repeat("x", 501)}},
			{"five fields", fiveFields},
			{"long field name", map[string]any{"fields_attributes": []map[string]string{{"name": strings.Repeat("n", 256), "value": "v"}}}},
			{"long field value", map[string]any{"fields_attributes": []map[string]string{{"name": "n", "value": strings.Repeat("v", 256)}}}},
			{"bad privacy", map[string]any{"source": map[string]any{"privacy": "direct"}}},
			{"bad language", map[string]any{"source": map[string]any{"language": "french"}}},
			{"bad boolean", map[string]any{"locked": "sometimes"}},
			{"bad field key", url.Values{"fields_attributes[x][name]": {"a"}}},
		}
		for _, c := range bad {
			if r := s.Do(t, "PATCH", path, alice.Token, c.body); r.Status != 422 {
				t.Errorf("%s: status %d, want 422 (%s)", c.name, r.Status, r.Body)
			}
		}
		// A failed update changed nothing.
		if m := s.Must(t, 200, "GET", "/api/v1/accounts/"+alice.AccountID, "", nil).Map(t); m["display_name"] != "Alice" || len(m["fields"].([]any)) != 2 {
			t.Errorf("profile after failed updates = %v %v", m["display_name"], m["fields"])
		}
	})
}

// gMultipart sends a multipart PATCH to update_credentials.
func gMultipart(t *testing.T, s *apitest.Server, token string, body *bytes.Buffer, contentType string) *apitest.Response {
	t.Helper()
	req, err := http.NewRequest("PATCH", s.URL+"/api/v1/accounts/update_credentials", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return &apitest.Response{Status: res.StatusCode, Header: res.Header, Body: b.Bytes()}
}

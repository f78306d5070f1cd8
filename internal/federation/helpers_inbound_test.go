package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// user is a local account with an API token.
type user struct {
	*domain.Account
	token string
}

func (s *server) newUserToken(t *testing.T, name string) *user {
	t.Helper()
	a := s.newUser(t, name)
	u, err := s.App.Store.UserByAccount(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.NewSecret(32)
	if err := s.App.Store.CreateToken(context.Background(), auth.HashSecret(tok),
		&domain.Token{UserID: u.ID, Scopes: domain.Scopes{"read", "write", "follow", "push", "admin:read"}}); err != nil {
		t.Fatal(err)
	}
	return &user{Account: a, token: tok}
}

// actorURI is a local account's ActivityPub id.
func (s *server) actorURI(name string) string { return s.URL + "/users/" + name }

// api calls the Mastodon API and decodes the JSON answer into out (when
// not nil); it returns the status.
func (s *server) api(t *testing.T, method, path, token string, form url.Values, out any) int {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, s.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return res.StatusCode
}

// mustAPI is api that fails unless the status is 200.
func (s *server) mustAPI(t *testing.T, method, path, token string, form url.Values, out any) {
	t.Helper()
	if code := s.api(t, method, path, token, form, out); code != 200 {
		t.Fatalf("%s %s: status %d", method, path, code)
	}
}

type jsonMap = map[string]any

var activitySeq atomic.Int64

// send posts a signed activity from the remote's actor to the server's
// shared inbox and waits until the worker processed it. The activity gets
// an id and actor when it has none.
func (r *remote) send(t *testing.T, s *server, act jsonMap) string {
	t.Helper()
	if act["id"] == nil {
		act["id"] = fmt.Sprintf("%s/activities/%d", r.URL, activitySeq.Add(1))
	}
	if act["actor"] == nil {
		act["actor"] = r.actor
	}
	if act["@context"] == nil {
		act["@context"] = "https://www.w3.org/ns/activitystreams"
	}
	body, _ := json.Marshal(act)
	r.sendRaw(t, s, act["id"].(string), body)
	return act["id"].(string)
}

// sendRaw posts body (an activity with this id) and waits for processing.
func (r *remote) sendRaw(t *testing.T, s *server, id string, body []byte) {
	t.Helper()
	if code, msg := r.post(t, s.URL+"/inbox", body, nil); code != http.StatusAccepted {
		t.Fatalf("POST %s: status %d (%s)", id, code, msg)
	}
	s.waitProcessed(t, id)
}

// waitProcessed waits for the inbox worker to mark the activity processed
// (a wait for the asynchronous worker, not a timing assertion).
func (s *server) waitProcessed(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for {
		a, err := s.App.Store.InboxActivityByActivityID(ctx, id)
		if err == nil && a.ProcessedAt != 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("activity %s not processed", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// note is a public Note by the remote's actor at path on the remote.
func (r *remote) note(path, content string, extra jsonMap) jsonMap {
	n := jsonMap{
		"id": r.URL + path, "type": "Note", "attributedTo": r.actor, "content": content,
		"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []string{r.actor + "/followers"},
		"published": time.Now().UTC().Format(time.RFC3339), "url": r.URL + path,
	}
	for k, v := range extra {
		n[k] = v
	}
	return n
}

// create wraps a note in a Create and sends it.
func (r *remote) create(t *testing.T, s *server, note jsonMap) string {
	t.Helper()
	return r.send(t, s, jsonMap{"type": "Create", "object": note, "to": note["to"], "cc": note["cc"]})
}

// remoteAccount resolves the remote's actor through the lookup API and
// returns its id as the API renders it.
func (s *server) remoteAccount(t *testing.T, r *remote, token string) string {
	t.Helper()
	var acct jsonMap
	s.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+r.host(), token, nil, &acct)
	return acct["id"].(string)
}

// followRemote makes u follow the remote's actor and the remote accept it.
func (s *server) followRemote(t *testing.T, r *remote, u *user) string {
	t.Helper()
	id := s.remoteAccount(t, r, u.token)
	var rel jsonMap
	s.mustAPI(t, "POST", "/api/v1/accounts/"+id+"/follow", u.token, nil, &rel)
	if rel["requested"] != true && rel["following"] != true {
		t.Fatalf("follow of a remote account: %v", rel)
	}
	r.send(t, s, jsonMap{"type": "Accept", "object": jsonMap{"type": "Follow", "actor": s.actorURI(u.Username), "object": r.actor}})
	if rel := s.relationship(t, u, id); rel["following"] != true {
		t.Fatalf("after Accept: %v", rel)
	}
	return id
}

func (s *server) relationship(t *testing.T, u *user, id string) jsonMap {
	t.Helper()
	var rels []jsonMap
	s.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+id, u.token, nil, &rels)
	return rels[0]
}

// home is u's home timeline.
func (s *server) home(t *testing.T, u *user) []jsonMap {
	t.Helper()
	var out []jsonMap
	s.mustAPI(t, "GET", "/api/v1/timelines/home", u.token, nil, &out)
	return out
}

// notifications lists u's notifications of a type.
func (s *server) notifications(t *testing.T, u *user, typ string) []jsonMap {
	t.Helper()
	var out []jsonMap
	s.mustAPI(t, "GET", "/api/v1/notifications?types[]="+typ, u.token, nil, &out)
	return out
}

// statusByURI finds the stored status of a remote id, as the API shows it to u.
func (s *server) statusByURI(t *testing.T, u *user, uri string) (jsonMap, bool) {
	t.Helper()
	st, err := s.App.Store.StatusByURI(context.Background(), uri)
	if err != nil {
		return nil, false
	}
	var out jsonMap
	if code := s.api(t, "GET", "/api/v1/statuses/"+st.ID.String(), u.token, nil, &out); code != 200 {
		return nil, false
	}
	return out, true
}

// post creates a local status and returns it.
func (s *server) post(t *testing.T, u *user, text string) jsonMap {
	t.Helper()
	var out jsonMap
	s.mustAPI(t, "POST", "/api/v1/statuses", u.token, url.Values{"status": {text}}, &out)
	return out
}

// fixture reads testdata/name with the placeholders replaced.
func fixture(t *testing.T, name string, vars map[string]string) []byte {
	t.Helper()
	b, err := readTestdata(name)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range vars {
		b = bytes.ReplaceAll(b, []byte("{{"+k+"}}"), []byte(v))
	}
	return b
}

package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/app"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/storetest"
)

// server is a whole agora on a real database and HTTP server, with the
// federation workers registered and a clock offset tests can move.
type server struct {
	*httptest.Server
	App    *app.App
	offset atomic.Int64 // nanoseconds added to the federation clock
}

func each(t *testing.T, fn func(t *testing.T, s *server)) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, start(t, d)) })
	}
}

func start(t *testing.T, dialect db.Dialect, env ...string) *server {
	t.Helper()
	return startOn(t, "127.0.0.1", dialect, env...)
}

// startOn is start listening on another loopback address (127.0.0.2 makes
// a second host, as two servers on the fediverse are).
func startOn(t *testing.T, ip string, dialect db.Dialect, env ...string) *server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	if ip != "127.0.0.1" {
		l, err := net.Listen("tcp", ip+":0")
		if err != nil {
			t.Fatalf("listen on %s: %v", ip, err)
		}
		ts.Listener.Close()
		ts.Listener = l
	}
	vars := map[string]string{
		"AGORA_URL":                     "http://" + ts.Listener.Addr().String(),
		"AGORA_DATA":                    t.TempDir(),
		"AGORA_ALLOW_PRIVATE_ADDRESSES": "true",
	}
	if dialect == db.Postgres {
		u, err := storetest.NewSchemaURL(t)
		if err != nil {
			t.Fatalf("postgres schema: %v", err)
		}
		vars["DATABASE_URL"] = u
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{Server: ts, App: a}
	a.Fed.Now = func() time.Time { return time.Now().Add(time.Duration(s.offset.Load())) }
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = a.Handler()
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		cancel()
		a.Stop(context.Background())
		a.Close()
	})
	return s
}

func (s *server) newUser(t *testing.T, name string) *domain.Account {
	t.Helper()
	_, acct, err := s.App.Accounts.Register(context.Background(), accounts.SignUp{
		Username: name, Email: name + "@example.org", Password: "correct horse battery", ByAdmin: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

// get fetches path with an Accept header, without following redirects.
func (s *server) get(t *testing.T, path, accept string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

func (s *server) getJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	code, h, b := s.get(t, path, "application/activity+json")
	if code != 200 {
		t.Fatalf("GET %s: status %d, body %s", path, code, b)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/activity+json") {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return m
}

// remote is a fake remote server: one actor (bob) with its key and
// WebFinger, and any other documents a test serves on it.
type remote struct {
	*httptest.Server
	actor   string
	keyID   string
	pub     atomic.Value // string
	priv    string
	fetches atomic.Int64 // of the actor document
	rfc9421 bool         // sign with RFC 9421 instead of draft-cavage

	// acceptPosts makes it take the activities POSTed to it (202), kept in
	// posted; otherwise a POST gets 404.
	acceptPosts atomic.Bool
	posted      []map[string]any

	mu      sync.Mutex
	profile map[string]any    // actor properties added or replacing the defaults
	docs    map[string][]byte // path -> document
	gets    map[string]int    // path -> GETs of served documents
}

func newRemote(t *testing.T) *remote {
	t.Helper()
	r := &remote{profile: map[string]any{}, docs: map[string][]byte{}, gets: map[string]int{}}
	pub, priv, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	r.pub.Store(pub)
	r.priv = priv
	r.Server = httptest.NewServer(http.HandlerFunc(r.handle))
	t.Cleanup(r.Close)
	r.actor = r.URL + "/users/bob"
	r.keyID = r.actor + "#main-key"
	return r
}

// host is the remote's host (with port), the domain of its accounts.
func (r *remote) host() string { return strings.TrimPrefix(r.URL, "http://") }

func (r *remote) handle(w http.ResponseWriter, req *http.Request) {
	if req.Method == http.MethodPost && r.acceptPosts.Load() {
		var act map[string]any
		if err := json.NewDecoder(req.Body).Decode(&act); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.posted = append(r.posted, act)
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		return
	}
	switch req.URL.Path {
	case "/users/bob":
		r.fetches.Add(1)
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(r.actorDoc())
		return
	case "/.well-known/webfinger":
		if req.URL.Query().Get("resource") != "acct:bob@"+r.host() {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_ = json.NewEncoder(w).Encode(map[string]any{"subject": "acct:bob@" + r.host(), "links": []map[string]string{
			{"rel": "self", "type": "application/activity+json", "href": r.actor}}})
		return
	}
	r.mu.Lock()
	doc, ok := r.docs[req.URL.Path]
	r.gets[req.URL.Path]++
	r.mu.Unlock()
	if !ok {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json")
	_, _ = w.Write(doc)
}

// postedOf returns the activities of a type POSTed to the remote so far.
func (r *remote) postedOf(typ string) []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, a := range r.posted {
		if a["type"] == typ {
			out = append(out, a)
		}
	}
	return out
}

func (r *remote) actorDoc() map[string]any {
	doc := map[string]any{
		"@context": []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       r.actor, "type": "Person", "preferredUsername": "bob", "inbox": r.actor + "/inbox",
		"followers": r.actor + "/followers", "endpoints": map[string]string{"sharedInbox": r.URL + "/inbox"},
		"publicKey": map[string]string{"id": r.keyID, "owner": r.actor, "publicKeyPem": r.pub.Load().(string)},
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range r.profile {
		doc[k] = v
	}
	return doc
}

// setProfile sets a property of the actor document.
func (r *remote) setProfile(k string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.profile[k] = v
}

// serve makes the remote answer path with doc (JSON-encoded unless bytes).
func (r *remote) serve(path string, doc any) {
	b, ok := doc.([]byte)
	if !ok {
		b, _ = json.Marshal(doc)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[path] = b
}

// served counts the GETs of a served path.
func (r *remote) served(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gets[path]
}

// rotate gives the remote actor a new key pair.
func (r *remote) rotate(t *testing.T) {
	pub, priv, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	r.pub.Store(pub)
	r.priv = priv
}

// post sends body to url signed with the remote actor's key; edit may
// change the request after signing (to tamper with it).
func (r *remote) post(t *testing.T, url string, body []byte, edit func(*http.Request)) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	key, err := httpsig.ParsePrivateKey(r.priv)
	if err != nil {
		t.Fatal(err)
	}
	sign := httpsig.Sign
	if r.rfc9421 {
		sign = httpsig.SignMessage
	}
	if err := sign(req, r.keyID, key, body, time.Now()); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (r *remote) activity(id, typ string) []byte {
	b, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       r.URL + "/activities/" + id, "type": typ, "actor": r.actor, "object": "http://agora.example/users/alice",
	})
	return b
}

type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

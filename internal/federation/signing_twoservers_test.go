package federation_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/httpsig"
)

// TestRFC9421Deliveries: a server signing with RFC 9421 only
// (AGORA_HTTP_SIGNATURES=rfc9421) follows an account of a second agora
// server, in authorized-fetch mode, which verifies its signed fetches and
// its Follow; the Accept comes back signed draft-cavage.
func TestRFC9421Deliveries(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite, "AGORA_HTTP_SIGNATURES=rfc9421")
	two := startOn(t, "127.0.0.2", db.Postgres, "AGORA_FEDERATION_AUTHORIZED_FETCH=true")
	alice := one.newUserToken(t, "alice")
	two.newUserToken(t, "bob")
	hostTwo := strings.TrimPrefix(two.URL, "http://")
	var bob jsonMap
	one.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+hostTwo, alice.token, nil, &bob)
	var rel jsonMap
	one.mustAPI(t, "POST", "/api/v1/accounts/"+bob["id"].(string)+"/follow", alice.token, nil, &rel)
	outWait(t, "the Accept of alice's RFC 9421-signed follow", func() bool {
		var rels []jsonMap
		one.mustAPI(t, "GET", "/api/v1/accounts/relationships?id[]="+bob["id"].(string), alice.token, nil, &rels)
		return rels[0]["following"] == true
	})
}

// cavageOnly is a remote server that knows only draft-cavage signatures:
// it answers 401 to RFC 9421 ones, verifies the others with the sender's
// key, and records the scheme of every request.
type cavageOnly struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "METHOD path scheme"
}

func (c *cavageOnly) ResolveKey(ctx context.Context, keyID string, _ bool) (*httpsig.Key, error) {
	actor, _, _ := strings.Cut(keyID, "#")
	req, _ := http.NewRequestWithContext(ctx, "GET", actor, nil)
	req.Header.Set("Accept", "application/activity+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var doc struct {
		ID        string `json:"id"`
		PublicKey struct {
			ID  string `json:"id"`
			PEM string `json:"publicKeyPem"`
		} `json:"publicKey"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&doc); err != nil || doc.PublicKey.ID != keyID {
		return nil, errors.New("no such key")
	}
	return &httpsig.Key{ID: keyID, Owner: doc.ID, PEM: doc.PublicKey.PEM}, nil
}

func newCavageOnly(t *testing.T) *cavageOnly {
	c := &cavageOnly{}
	pub, _, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	v := &httpsig.Verifier{Keys: c, Scheme: "http"}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "unsigned"
		switch {
		case r.Header.Get("Signature-Input") != "":
			scheme = "rfc9421"
		case r.Header.Get("Signature") != "":
			scheme = "cavage"
		}
		c.mu.Lock()
		c.seen = append(c.seen, r.Method+" "+r.URL.Path+" "+scheme)
		c.mu.Unlock()
		if scheme == "rfc9421" && r.Method == http.MethodPost {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/.well-known/webfinger":
			w.Header().Set("Content-Type", "application/jrd+json")
			host := strings.TrimPrefix(c.URL, "http://")
			_ = json.NewEncoder(w).Encode(map[string]any{"subject": "acct:bob@" + host, "links": []map[string]string{
				{"rel": "self", "type": "application/activity+json", "href": c.URL + "/users/bob"}}})
		case "/users/bob":
			w.Header().Set("Content-Type", "application/activity+json")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"@context": []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
				"id":       c.URL + "/users/bob", "type": "Person", "preferredUsername": "bob", "inbox": c.URL + "/users/bob/inbox",
				"endpoints": map[string]string{"sharedInbox": c.URL + "/inbox"},
				"publicKey": map[string]string{"id": c.URL + "/users/bob#main-key", "owner": c.URL + "/users/bob", "publicKeyPem": pub},
			})
		case "/users/bob/inbox", "/inbox":
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if _, err := v.Verify(r.Context(), r, body); err != nil {
				t.Errorf("cavage delivery refused: %v", err)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusAccepted)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *cavageOnly) posts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, s := range c.seen {
		if strings.HasPrefix(s, "POST ") {
			out = append(out, strings.TrimPrefix(s, "POST "))
		}
	}
	return out
}

// TestDoubleKnock: a double-knocking server (AGORA_HTTP_SIGNATURES=
// double-knock) delivers a Follow to a server that refuses RFC 9421 with
// 401: the Follow is sent again signed draft-cavage and accepted, and the
// next delivery to that host (the Undo) goes signed draft-cavage at once.
func TestDoubleKnock(t *testing.T) {
	old := newCavageOnly(t)
	one := startOn(t, "127.0.0.1", db.SQLite, "AGORA_HTTP_SIGNATURES=double-knock")
	alice := one.newUserToken(t, "alice")
	var bob jsonMap
	one.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=bob@"+strings.TrimPrefix(old.URL, "http://"), alice.token, nil, &bob)
	var rel jsonMap
	one.mustAPI(t, "POST", "/api/v1/accounts/"+bob["id"].(string)+"/follow", alice.token, nil, &rel)
	outWait(t, "the Follow, knocked twice", func() bool { return len(old.posts()) >= 2 })
	if got := strings.Join(old.posts(), ", "); got != "/users/bob/inbox rfc9421, /users/bob/inbox cavage" {
		t.Fatalf("deliveries = %s", got)
	}
	one.mustAPI(t, "POST", "/api/v1/accounts/"+bob["id"].(string)+"/unfollow", alice.token, nil, &rel)
	outWait(t, "the Undo", func() bool { return len(old.posts()) >= 3 })
	if got := old.posts()[2]; got != "/users/bob/inbox cavage" {
		t.Errorf("the Undo went %s, want draft-cavage at once", got)
	}
	old.mu.Lock()
	defer old.mu.Unlock()
	for _, s := range old.seen {
		if strings.HasPrefix(s, "GET /users/bob ") && !strings.HasSuffix(s, " rfc9421") {
			t.Errorf("the actor fetch went %s; the first knock is RFC 9421", s)
		}
	}
}

package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/httpsig"
)

// testRelay is a minimal ActivityPub relay on 127.0.0.3 (a third host):
// it accepts the Follow of the public collection from a server's instance
// actor, and forwards what subscribers send it to the other subscribers,
// HTTP-signed by its own key, either as it is (Mastodon's relays: the
// activity keeps its author's Linked Data signature) or, in announce mode,
// as an Announce of the object by the relay (LitePub relays).
type testRelay struct {
	*httptest.Server
	t        *testing.T
	actor    string
	keyID    string
	pub      string
	priv     string
	announce bool // LitePub mode

	mu       sync.Mutex
	subs     map[string]string // subscriber actor -> inbox
	received []map[string]any  // activities received from subscribers (not Follow/Undo)
	seq      int
}

func newTestRelay(t *testing.T, announce bool) *testRelay {
	t.Helper()
	pub, priv, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.3:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.3: %v", err)
	}
	r := &testRelay{t: t, pub: pub, priv: priv, announce: announce, subs: map[string]string{}}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.handle))
	r.Listener.Close()
	r.Listener = l
	r.Start()
	t.Cleanup(r.Close)
	r.actor = r.URL + "/actor"
	r.keyID = r.actor + "#main-key"
	return r
}

func (r *testRelay) inbox() string { return r.URL + "/inbox" }

func (r *testRelay) handle(w http.ResponseWriter, req *http.Request) {
	switch {
	case req.Method == http.MethodGet && req.URL.Path == "/actor":
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"@context": []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
			"id":       r.actor, "type": "Application", "preferredUsername": "relay", "inbox": r.inbox(),
			"publicKey": map[string]string{"id": r.keyID, "owner": r.actor, "publicKeyPem": r.pub},
		})
	case req.Method == http.MethodPost && req.URL.Path == "/inbox":
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		var act map[string]any
		if err == nil {
			err = json.Unmarshal(body, &act)
		}
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		actor, _ := act["actor"].(string)
		switch act["type"] {
		case "Follow":
			go r.accept(act, actor)
		case "Undo":
			r.mu.Lock()
			delete(r.subs, actor)
			r.mu.Unlock()
		default:
			r.mu.Lock()
			r.received = append(r.received, act)
			r.mu.Unlock()
			go r.forward(body, act)
		}
	default:
		http.NotFound(w, req)
	}
}

// accept subscribes a server's actor (its inbox read from its document)
// and answers its Follow.
func (r *testRelay) accept(follow map[string]any, actor string) {
	var doc struct {
		Inbox string `json:"inbox"`
	}
	req, _ := http.NewRequest("GET", actor, nil)
	req.Header.Set("Accept", "application/activity+json")
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		err = json.NewDecoder(res.Body).Decode(&doc)
		res.Body.Close()
	}
	if err != nil || doc.Inbox == "" {
		r.t.Logf("relay: actor %s: %v", actor, err)
		return
	}
	r.mu.Lock()
	r.subs[actor] = doc.Inbox
	r.seq++
	id := fmt.Sprintf("%s/accepts/%d", r.URL, r.seq)
	r.mu.Unlock()
	r.send(doc.Inbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Accept",
		"actor": r.actor, "object": follow})
}

// forward sends an activity to every subscriber but its sender's server.
func (r *testRelay) forward(body []byte, act map[string]any) {
	actor, _ := act["actor"].(string)
	r.mu.Lock()
	var inboxes []string
	for sub, inbox := range r.subs {
		if hostPart(sub) != hostPart(actor) {
			inboxes = append(inboxes, inbox)
		}
	}
	r.seq++
	seq := r.seq
	r.mu.Unlock()
	for _, inbox := range inboxes {
		if !r.announce {
			r.post(inbox, body)
			continue
		}
		if act["type"] != "Create" {
			continue
		}
		obj, _ := act["object"].(map[string]any)
		id, _ := obj["id"].(string)
		r.send(inbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": fmt.Sprintf("%s/announces/%d", r.URL, seq), "type": "Announce", "actor": r.actor,
			"object": id, "to": []string{"https://www.w3.org/ns/activitystreams#Public"}})
	}
}

func (r *testRelay) send(inbox string, act map[string]any) {
	b, _ := json.Marshal(act)
	r.post(inbox, b)
}

// post delivers body to inbox, HTTP-signed by the relay.
func (r *testRelay) post(inbox string, body []byte) int {
	req, _ := http.NewRequest("POST", inbox, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	key, err := httpsig.ParsePrivateKey(r.priv)
	if err != nil {
		r.t.Error(err)
		return 0
	}
	if err := httpsig.Sign(req, r.keyID, key, body, time.Now()); err != nil {
		r.t.Error(err)
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		r.t.Logf("relay: post to %s: %v", inbox, err)
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// receivedOf returns the activities of a type subscribers sent the relay.
func (r *testRelay) receivedOf(typ string) []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, a := range r.received {
		if a["type"] == typ {
			out = append(out, a)
		}
	}
	return out
}

func hostPart(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

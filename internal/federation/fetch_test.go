package federation_test

import (
	"context"
	"encoding/json"
	"errors"

	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/store"
)

// signedGet fetches url from agora signed by the remote's actor (unsigned
// when r is nil); it returns the status, headers and decoded body.
func signedGet(t *testing.T, r *remote, url string) (int, http.Header, jsonMap) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", "application/activity+json")
	if r != nil {
		key, err := httpsig.ParsePrivateKey(r.priv)
		if err != nil {
			t.Fatal(err)
		}
		sign := httpsig.Sign
		if r.rfc9421 {
			sign = httpsig.SignMessage
		}
		if err := sign(req, r.keyID, key, nil, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m jsonMap
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, res.Header, m
}

func TestAuthorizedFetch(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d, "AGORA_FEDERATION_AUTHORIZED_FETCH=true")
		alice := s.newUserToken(t, "alice")
		st := s.post(t, alice, "hello, signed world")
		statusURL := s.actorURI("alice") + "/statuses/" + st["id"].(string)
		r := newRemote(t)

		// Unsigned: collections and posts refused; the actor restricted to
		// what verifying its signatures needs; the instance actor whole.
		for _, path := range []string{"/users/alice/outbox", "/users/alice/followers", "/users/alice/following",
			"/users/alice/collections/featured", "/users/alice/statuses/" + st["id"].(string)} {
			if code, _, body := signedGet(t, nil, s.URL+path); code != http.StatusUnauthorized || body["error"] == nil {
				t.Errorf("unsigned GET %s: %d %v", path, code, body)
			}
		}
		code, _, actor := signedGet(t, nil, s.actorURI("alice"))
		pk, _ := actor["publicKey"].(map[string]any)
		if code != 200 || pk["publicKeyPem"] == nil || actor["inbox"] == nil || actor["followers"] != nil || actor["summary"] != nil {
			t.Errorf("unsigned actor: %d %v", code, actor)
		}
		if code, _, inst := signedGet(t, nil, s.URL+"/actor"); code != 200 || inst["publicKey"] == nil {
			t.Errorf("unsigned instance actor: %d %v", code, inst)
		}
		// A forged signature is refused too.
		req, _ := http.NewRequest("GET", statusURL, nil)
		req.Header.Set("Accept", "application/activity+json")
		_, forged, _ := httpsig.GenerateKey()
		fk, _ := httpsig.ParsePrivateKey(forged)
		_ = httpsig.Sign(req, r.keyID, fk, nil, time.Now())
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
			t.Errorf("forged signature: %v %v", res, err)
		} else {
			res.Body.Close()
		}

		// Signed: everything served.
		if code, _, note := signedGet(t, r, statusURL); code != 200 || note["content"] == nil {
			t.Errorf("signed status: %d %v", code, note)
		}
		if code, _, full := signedGet(t, r, s.actorURI("alice")); code != 200 || full["followers"] == nil {
			t.Errorf("signed actor: %d %v", code, full)
		}
		if code, _, outbox := signedGet(t, r, s.URL+"/users/alice/outbox"); code != 200 || outbox["totalItems"] != float64(1) {
			t.Errorf("signed outbox: %d %v", code, outbox)
		}
		r9421 := newRemote(t)
		r9421.rfc9421 = true
		if code, _, note := signedGet(t, r9421, statusURL); code != 200 || note["content"] == nil {
			t.Errorf("RFC 9421 signed status: %d %v", code, note)
		}

		// Blocked by the owner: as if missing.
		bob := s.remoteAccount(t, r, alice.token)
		s.mustAPI(t, "POST", "/api/v1/accounts/"+bob+"/block", alice.token, nil, nil)
		if code, _, _ := signedGet(t, r, statusURL); code != http.StatusNotFound {
			t.Errorf("status fetched by a blocked signer: %d", code)
		}
		s.mustAPI(t, "POST", "/api/v1/accounts/"+bob+"/unblock", alice.token, nil, nil)
		if code, _, _ := signedGet(t, r, statusURL); code != 200 {
			t.Errorf("status fetched after unblock: %d", code)
		}

		// A suspended domain: refused.
		if err := s.App.Store.SaveDomainBlock(ctx, &store.DomainBlock{Domain: "127.0.0.1", Severity: store.SeveritySuspend}, nil); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := signedGet(t, r, statusURL); code != http.StatusForbidden {
			t.Errorf("status fetched by a suspended domain: %d", code)
		}
	})
}

func TestFollowersOnlyStatusFetch(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		s := start(t, d)
		alice := s.newUserToken(t, "alice")
		var st jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, map[string][]string{"status": {"followers only"}, "visibility": {"private"}}, &st)
		statusURL := s.actorURI("alice") + "/statuses/" + st["id"].(string)
		follower, stranger := newRemote(t), newRemote(t)

		// Before any follow: unsigned and signed fetches find nothing.
		if code, _, _ := signedGet(t, nil, statusURL); code != http.StatusNotFound {
			t.Errorf("unsigned fetch of a followers-only status: %d", code)
		}
		if code, _, _ := signedGet(t, follower, statusURL); code != http.StatusNotFound {
			t.Errorf("signed fetch before the follow: %d", code)
		}
		follower.send(t, s, jsonMap{"type": "Follow", "object": s.actorURI("alice")})

		code, h, note := signedGet(t, follower, statusURL)
		if code != 200 || note["content"] == nil || h.Get("Cache-Control") != "private" {
			t.Errorf("signed fetch by the follower's server: %d %v %v", code, h, note)
		}
		if code, _, _ := signedGet(t, stranger, statusURL); code != http.StatusNotFound {
			t.Errorf("signed fetch by another server: %d", code)
		}
		if code, _, _ := signedGet(t, nil, statusURL); code != http.StatusNotFound {
			t.Errorf("unsigned fetch after the follow: %d", code)
		}
		// A direct post is served only to the servers it mentions.
		var dm, nobody jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, map[string][]string{"status": {"@bob@" + follower.host() + " secret"}, "visibility": {"direct"}}, &dm)
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, map[string][]string{"status": {"note to self"}, "visibility": {"direct"}}, &nobody)
		dmURL := s.actorURI("alice") + "/statuses/" + dm["id"].(string)
		if code, h, note := signedGet(t, follower, dmURL); code != 200 || note["content"] == nil || h.Get("Cache-Control") != "private" {
			t.Errorf("signed fetch of a direct post by the mentioned server: %d %v", code, note)
		}
		for _, r := range []*remote{stranger, nil} {
			if code, _, _ := signedGet(t, r, dmURL); code != http.StatusNotFound {
				t.Errorf("fetch of a direct post by a server it does not mention: %d", code)
			}
		}
		if code, _, _ := signedGet(t, follower, s.actorURI("alice")+"/statuses/"+nobody["id"].(string)); code != http.StatusNotFound {
			t.Errorf("signed fetch of a direct post that mentions nobody there: %d", code)
		}
		// A followers-only post that mentions someone on a server without
		// followers is served to that server.
		// (bob on that server is not known here yet: the post looks him up.)
		var mention jsonMap
		s.mustAPI(t, "POST", "/api/v1/statuses", alice.token, map[string][]string{"status": {"@bob@" + stranger.host() + " for you too"}, "visibility": {"private"}}, &mention)
		if code, _, _ := signedGet(t, stranger, s.actorURI("alice")+"/statuses/"+mention["id"].(string)); code != 200 {
			t.Errorf("signed fetch of a followers-only post by the server it mentions: %d", code)
		}

		// The outbox: followers-only posts only for the followers' server.
		outbox := s.actorURI("alice") + "/outbox?page=true"
		for _, c := range []struct {
			r    *remote
			want bool
		}{{follower, true}, {stranger, false}, {nil, false}} {
			code, h, page := signedGet(t, c.r, outbox)
			raw, _ := json.Marshal(page)
			if has := strings.Contains(string(raw), "followers only"); code != 200 || has != c.want {
				t.Errorf("outbox page (follower's server: %v): %d, has the followers-only post: %v", c.want, code, has)
			}
			if strings.Contains(string(raw), "secret") {
				t.Error("an outbox page holds a direct post")
			}
			if c.want && h.Get("Cache-Control") != "private" {
				t.Errorf("outbox with followers-only posts cacheable: %v", h)
			}
		}
	})
}

func TestAllowlistMode(t *testing.T) {
	eachOut(t, func(t *testing.T, d db.Dialect) {
		ctx := context.Background()
		s := start(t, d, "AGORA_FEDERATION_MODE=allowlist")
		st := s.App.Store
		alice := s.newUserToken(t, "alice")

		// Delivery: a follower's server not allowed gets nothing (the job
		// is cancelled before any request).
		k := newOutSink(t, true)
		bob := k.account(t, s, "bob")
		if _, err := st.Follow(ctx, bob.ID, alice.ID, store.FollowOptions{URI: bob.URI + "#follows/1"}); err != nil {
			t.Fatal(err)
		}
		outPublish(t, s, alice.Account, "not for strangers", "public")
		jobs := outSettled(t, s, 2) // the Accept and the Create
		for _, j := range jobs {
			if j.State != "cancelled" {
				t.Errorf("delivery job %d: %s", j.ID, j.State)
			}
		}
		if n := k.requests.Load(); n != 0 {
			t.Errorf("the sink not allowed got %d requests", n)
		}

		// Inbox: refused before any key fetch, nothing stored.
		r := newRemote(t)
		body := r.activity("1", "Follow")
		if code, msg := r.post(t, s.URL+"/inbox", body, nil); code != http.StatusForbidden {
			t.Errorf("activity from a domain not allowed: %d %s", code, msg)
		}
		if _, err := st.InboxActivityByActivityID(ctx, r.URL+"/activities/1"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("refused activity stored: %v", err)
		}
		if n := r.fetches.Load(); n != 0 {
			t.Errorf("key fetched %d times for a domain not allowed", n)
		}
		// Fetches of that domain are refused too.
		if _, err := s.App.Fed.SignedGet(ctx, r.actor, 1<<20); err == nil {
			t.Error("fetch from a domain not allowed succeeded")
		}

		// Allowed (the domain covers its ports and subdomains): accepted.
		if _, err := st.AllowDomain(ctx, "127.0.0.1", nil); err != nil {
			t.Fatal(err)
		}
		r.sendRaw(t, s, r.URL+"/activities/1", body)
		if n := r.fetches.Load(); n == 0 {
			t.Error("key not fetched from an allowed domain")
		}
	})
}

// TestTwoServersAuthorizedFetch: two agora servers in authorized-fetch mode
// find and follow each other, fetching each other's actors with signed
// GETs (the instance actor's key fetched unsigned), and a followers-only
// post of one is fetched by the other, where its author has a follower.
func TestTwoServersAuthorizedFetch(t *testing.T) {
	one := startOn(t, "127.0.0.1", db.SQLite, "AGORA_FEDERATION_AUTHORIZED_FETCH=true")
	two := startOn(t, "127.0.0.2", db.Postgres, "AGORA_FEDERATION_AUTHORIZED_FETCH=true")
	alice, bob := one.newUserToken(t, "alice"), two.newUserToken(t, "bob")
	hostOne := strings.TrimPrefix(one.URL, "http://")

	var aliceOnTwo jsonMap
	two.mustAPI(t, "GET", "/api/v1/accounts/lookup?acct=alice@"+hostOne, bob.token, nil, &aliceOnTwo)
	if aliceOnTwo["acct"] != "alice@"+hostOne {
		t.Fatalf("lookup through authorized fetch: %v", aliceOnTwo)
	}
	var rel jsonMap
	two.mustAPI(t, "POST", "/api/v1/accounts/"+aliceOnTwo["id"].(string)+"/follow", bob.token, nil, &rel)
	outWait(t, "the Accept of bob's follow", func() bool { return two.relationship(t, bob, aliceOnTwo["id"].(string))["following"] == true })

	var st jsonMap
	one.mustAPI(t, "POST", "/api/v1/statuses", alice.token, url.Values{"status": {"for followers"}, "visibility": {"private"}}, &st)
	uri := one.actorURI("alice") + "/statuses/" + st["id"].(string)
	body, err := two.App.Fed.SignedGet(context.Background(), uri, 1<<20)
	if err != nil || !strings.Contains(string(body), "for followers") {
		t.Errorf("signed fetch of a followers-only post by a follower's server: %v %s", err, body)
	}
	if code, _, _ := signedGet(t, nil, uri); code != http.StatusUnauthorized {
		t.Errorf("unsigned fetch: %d", code)
	}
}

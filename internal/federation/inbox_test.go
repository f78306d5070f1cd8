package federation_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/db"
	"github.com/agora-social/agora/internal/httpsig"
)

func TestInboxAcceptsSignedActivity(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		s.newUser(t, "alice")
		r := newRemote(t)
		body := r.activity("1", "Follow")

		code, msg := r.post(t, s.URL+"/users/alice/inbox", body, nil)
		if code != http.StatusAccepted {
			t.Fatalf("signed POST: status %d (%s), want 202", code, msg)
		}
		id := r.URL + "/activities/1"
		a, err := s.App.Store.InboxActivityByActivityID(ctx, id)
		if err != nil {
			t.Fatalf("activity not stored: %v", err)
		}
		if a.Type != "Follow" || a.ActorURI != r.actor || a.KeyID != r.keyID || a.RecipientAccountID == 0 || a.Body != string(body) {
			t.Errorf("stored %+v", a)

		}

		// The same activity again (a retry): accepted, stored once.
		if code, msg := r.post(t, s.URL+"/inbox", body, nil); code != http.StatusAccepted {
			t.Fatalf("duplicate: status %d (%s), want 202", code, msg)
		}
		if n, _ := s.App.Store.CountInboxActivities(ctx, id); n != 1 {
			t.Errorf("stored %d times, want 1", n)
		}
		// The key was fetched once and cached.
		if n := r.fetches.Load(); n != 1 {
			t.Errorf("actor fetched %d times, want 1", n)
		}

		// The job runs and marks the activity processed.
		deadline := time.Now().Add(10 * time.Second)
		for {
			a, _ = s.App.Store.InboxActivity(ctx, a.ID)
			if a.ProcessedAt != 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("activity not processed within 10s")
			}
			time.Sleep(20 * time.Millisecond)
		}

		// The shared inbox takes activities too, with no recipient.
		if code, msg := r.post(t, s.URL+"/inbox", r.activity("2", "Create"), nil); code != http.StatusAccepted {
			t.Fatalf("shared inbox: status %d (%s)", code, msg)
		}
		if a, err := s.App.Store.InboxActivityByActivityID(ctx, r.URL+"/activities/2"); err != nil || a.RecipientAccountID != 0 {
			t.Fatalf("shared inbox activity: %+v, %v", a, err)
		}
	})
}

func TestInboxRefusesForgedActivities(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		s.newUser(t, "alice")
		r := newRemote(t)
		other := newRemote(t)
		cases := []struct {
			name string
			body []byte
			edit func(*http.Request)
			want int
		}{
			{"unsigned", r.activity("u", "Follow"), func(req *http.Request) { req.Header.Del("Signature") }, 401},
			{"tampered body", r.activity("b", "Follow"), func(req *http.Request) {
				b := r.activity("b", "Block")
				req.Body = readCloser(b)
				req.ContentLength = int64(len(b))
			}, 401},
			{"tampered digest", r.activity("d", "Follow"), func(req *http.Request) {
				req.Header.Set("Digest", httpsig.Digest([]byte("{}")))
			}, 401},
			{"stale date", r.activity("s", "Follow"), func(req *http.Request) {
				req.Header.Set("Date", time.Now().Add(-24*time.Hour).UTC().Format(http.TimeFormat))
			}, 401},
			{"other path", r.activity("p", "Follow"), func(req *http.Request) { req.URL.Path = "/inbox" }, 401},
			{"actor is not the signer", other.activity("x", "Follow"), nil, 401},
			{"unknown key", r.activity("k", "Follow"), func(req *http.Request) {
				req.Header.Set("Signature", strings.Replace(req.Header.Get("Signature"), "#main-key", "#other-key", 1))
			}, 401},
			{"oversized", []byte(`{"id":"` + strings.Repeat("x", 1<<20) + `"}`), nil, 413},
			{"not json", []byte(`not json`), nil, 400},
			{"deeply nested", []byte(`{"id":"` + r.URL + `/activities/deep","type":"Create","actor":"` + r.actor + `","object":` +
				strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`), nil, 400},
		}
		for _, c := range cases {
			code, msg := r.post(t, s.URL+"/users/alice/inbox", c.body, c.edit)
			if code != c.want {
				t.Errorf("%s: status %d (%s), want %d", c.name, code, msg, c.want)
			}
		}
		for _, id := range []string{"u", "b", "d", "s", "p", "k", "deep"} {
			if n, _ := s.App.Store.CountInboxActivities(ctx, r.URL+"/activities/"+id); n != 0 {
				t.Errorf("refused activity %s was stored", id)
			}
		}
		if n, _ := s.App.Store.CountInboxActivities(ctx, other.URL+"/activities/x"); n != 0 {
			t.Error("activity of another actor was stored")
		}
		// An unknown recipient is 404.
		if code, _ := r.post(t, s.URL+"/users/nobody/inbox", r.activity("n", "Follow"), nil); code != 404 {
			t.Errorf("unknown inbox: status %d, want 404", code)
		}
	})
}

func TestInboxAcceptsRFC9421(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		s.newUser(t, "alice")
		r := newRemote(t)
		r.rfc9421 = true
		if code, msg := r.post(t, s.URL+"/users/alice/inbox", r.activity("1", "Create"), nil); code != 202 {
			t.Fatalf("status %d (%s), want 202", code, msg)
		}
		tampered := func(req *http.Request) { req.Header.Set("Content-Digest", httpsig.ContentDigest([]byte("{}"))) }
		if code, _ := r.post(t, s.URL+"/users/alice/inbox", r.activity("2", "Create"), tampered); code != 401 {
			t.Fatalf("tampered: status %d, want 401", code)
		}
		if n, _ := s.App.Store.CountInboxActivities(context.Background(), r.URL+"/activities/1"); n != 1 {
			t.Fatalf("stored %d times, want 1", n)
		}
	})
}

func TestInboxKeyRotation(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		s.newUser(t, "alice")
		r := newRemote(t)
		if code, msg := r.post(t, s.URL+"/inbox", r.activity("1", "Like"), nil); code != 202 {
			t.Fatalf("status %d (%s)", code, msg)
		}
		r.rotate(t)
		// Just after the first fetch the key is not fetched again: a forged
		// signature cannot make us fetch on every request.
		if code, _ := r.post(t, s.URL+"/inbox", r.activity("2", "Like"), nil); code != 401 {
			t.Fatalf("within the refetch interval: status %d, want 401", code)
		}
		s.offset.Store(int64(2 * time.Minute))
		if code, msg := r.post(t, s.URL+"/inbox", r.activity("3", "Like"), nil); code != 202 {
			t.Fatalf("after rotation: status %d (%s), want 202", code, msg)
		}
		if n := r.fetches.Load(); n != 2 {
			t.Errorf("actor fetched %d times, want 2", n)
		}
	})
}

// The key fetch goes through the guarded client: with private addresses
// refused (the default), a keyId on 127.0.0.1 is never fetched.
func TestInboxKeyFetchHonoursPrivateAddressGuard(t *testing.T) {
	s := start(t, db.SQLite, "AGORA_ALLOW_PRIVATE_ADDRESSES=false")
	s.newUser(t, "alice")
	r := newRemote(t)
	code, msg := r.post(t, s.URL+"/inbox", r.activity("1", "Like"), nil)
	if code != 401 || !strings.Contains(msg, "address not allowed") {
		t.Fatalf("status %d (%s), want 401 naming the address guard", code, msg)
	}
	if n := r.fetches.Load(); n != 0 {
		t.Fatalf("remote fetched %d times, want 0", n)
	}
}

type bytesReadCloser struct{ *strings.Reader }

func (bytesReadCloser) Close() error { return nil }

func readCloser(b []byte) bytesReadCloser { return bytesReadCloser{strings.NewReader(string(b))} }

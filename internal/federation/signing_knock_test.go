package federation

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/httpsig"
)

type oneKey struct{ k *httpsig.Key }

func (o oneKey) ResolveKey(_ context.Context, id string, _ bool) (*httpsig.Key, error) {
	if id != o.k.ID {
		return nil, errors.New("unknown key")
	}
	return o.k, nil
}

// knockServer verifies signatures with the real verifier; cavageOnly
// servers answer 401 to RFC 9421 signatures, as a server that knows only
// draft-cavage does. It records the scheme of each request.
type knockServer struct {
	*httptest.Server
	mu      sync.Mutex
	schemes []string
}

func newKnockServer(t *testing.T, pub string, cavageOnly bool) *knockServer {
	ks := &knockServer{}
	v := &httpsig.Verifier{Keys: oneKey{&httpsig.Key{ID: "https://a.example/actor#main-key", Owner: "https://a.example/actor", PEM: pub}}, Scheme: "http"}
	ks.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "cavage"
		if r.Header.Get("Signature-Input") != "" {
			scheme = "rfc9421"
		}
		ks.mu.Lock()
		ks.schemes = append(ks.schemes, scheme)
		ks.mu.Unlock()
		if cavageOnly && scheme == "rfc9421" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if _, err := v.Verify(r.Context(), r, nil); err != nil {
			t.Errorf("%s signature refused: %v", scheme, err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(ks.Close)
	return ks
}

func (ks *knockServer) taken() string {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	out := strings.Join(ks.schemes, ",")
	ks.schemes = nil
	return out
}

// TestSigningPolicy: each AGORA_HTTP_SIGNATURES mode signs as it says, and
// double-knocking falls back to draft-cavage on a 401, remembers the host
// for a day (not longer), and keeps RFC 9421 for a server that takes it.
func TestSigningPolicy(t *testing.T) {
	pub, priv, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := httpsig.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	old, modern := newKnockServer(t, pub, true), newKnockServer(t, pub, false)
	now := time.Now()
	get := func(p *signingPolicy, ks *knockServer, at time.Time) int {
		t.Helper()
		status, err := p.send(hostOf(ks.URL), at, func(rfc bool) (int, error) {
			req, _ := http.NewRequest(http.MethodGet, ks.URL+"/users/x", nil)
			sign := httpsig.Sign
			if rfc {
				sign = httpsig.SignMessage
			}
			if err := sign(req, "https://a.example/actor#main-key", key, nil, time.Now()); err != nil {
				return 0, err
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			res.Body.Close()
			return res.StatusCode, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return status
	}
	for _, c := range []struct {
		mode      string
		server    *knockServer
		at        time.Time
		status    int
		schemes   string
		remembers bool
	}{
		{SignCavage, old, now, 200, "cavage", false},
		{"", modern, now, 200, "cavage", false},
		{SignRFC9421, modern, now, 200, "rfc9421", false},
		{SignRFC9421, old, now, 401, "rfc9421", false},
		{SignDoubleKnock, modern, now, 200, "rfc9421", false},
		{SignDoubleKnock, old, now, 200, "rfc9421,cavage", true},
	} {
		p := newSigningPolicy(c.mode)
		if got := get(p, c.server, c.at); got != c.status {
			t.Errorf("%q: status %d, want %d", c.mode, got, c.status)
		}
		if got := c.server.taken(); got != c.schemes {
			t.Errorf("%q: schemes %s, want %s", c.mode, got, c.schemes)
		}
		if !c.remembers {
			continue
		}
		// The host is remembered: draft-cavage at once, for a day.
		get(p, c.server, now.Add(time.Hour))
		if got := c.server.taken(); got != "cavage" {
			t.Errorf("a remembered host got %s", got)
		}
		if !p.firstRFC9421(hostOf(modern.URL), now) {
			t.Error("another host lost RFC 9421")
		}
		get(p, c.server, now.Add(CavageMemory+time.Minute))
		if got := c.server.taken(); got != "rfc9421,cavage" {
			t.Errorf("after a day: %s, want a new knock", got)
		}
	}
}

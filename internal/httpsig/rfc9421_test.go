package httpsig

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signedMessage builds an RFC 9421 signed request as a server receives it.
func signedMessage(t *testing.T, privPEM, method string, body []byte) *http.Request {
	t.Helper()
	key, err := ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := http.NewRequest(method, "https://agora.example/users/alice/inbox?x=1", bytes.NewReader(body))
	if err := SignMessage(out, keyID, key, body, now); err != nil {
		t.Fatal(err)
	}
	in := httptest.NewRequest(method, "/users/alice/inbox?x=1", bytes.NewReader(body))
	in.Header = out.Header.Clone()
	in.Host = out.Host
	return in
}

func TestRFC9421(t *testing.T) {
	pub, priv := newPair(t)
	_, otherPriv := newPair(t)
	body := []byte(`{"type":"Create"}`)
	v := &Verifier{Keys: &keys{m: map[string]*Key{keyID: {ID: keyID, Owner: "https://remote.example/users/bob", PEM: pub}}},
		Now: func() time.Time { return now }, Scheme: "https"}
	ctx := context.Background()

	r := signedMessage(t, priv, "POST", body)
	if want := `sig1=("@method" "@target-uri" "@authority" "content-digest");created=`; !strings.HasPrefix(r.Header.Get("Signature-Input"), want) {
		t.Fatalf("Signature-Input = %s", r.Header.Get("Signature-Input"))
	}
	got, err := v.Verify(ctx, r, body)
	if err != nil {
		t.Fatal(err)
	}
	if got.Owner != "https://remote.example/users/bob" {
		t.Errorf("owner = %s", got.Owner)
	}
	if _, err := v.Verify(ctx, signedMessage(t, priv, "GET", nil), nil); err != nil {
		t.Fatalf("GET: %v", err)
	}

	cases := []struct {
		name string
		f    func(r *http.Request) []byte
	}{
		{"body", func(r *http.Request) []byte { return []byte(`{"type":"Delete"}`) }},
		{"content-digest", func(r *http.Request) []byte {
			b := []byte(`{"type":"Delete"}`)
			r.Header.Set("Content-Digest", ContentDigest(b))
			return b
		}},
		{"path", func(r *http.Request) []byte { r.URL.Path = "/inbox"; return body }},
		{"host", func(r *http.Request) []byte { r.Host = "evil.example"; return body }},
		{"method", func(r *http.Request) []byte { r.Method = "PUT"; return body }},
		{"created", func(r *http.Request) []byte {
			in := r.Header.Get("Signature-Input")
			i := strings.Index(in, "created=") + len("created=")
			j := i + strings.IndexByte(in[i:], ';')
			r.Header.Set("Signature-Input", in[:i]+strconv.FormatInt(now.Unix()+1, 10)+in[j:]) // still fresh
			return body
		}},
		{"no content-digest", func(r *http.Request) []byte { r.Header.Del("Content-Digest"); return body }},
		{"unsigned content-digest", func(r *http.Request) []byte {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), ` "content-digest"`, "", 1))
			return body
		}},
		{"label mismatch", func(r *http.Request) []byte {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "sig1=", "sig2=", 1))
			return body
		}},
		{"algorithm", func(r *http.Request) []byte {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), "rsa-v1_5-sha256", "hmac-sha256", 1))
			return body
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := signedMessage(t, priv, "POST", body)
			b := c.f(r)
			if _, err := v.Verify(ctx, r, b); !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		if _, err := v.Verify(ctx, signedMessage(t, otherPriv, "POST", body), body); !errors.Is(err, ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("stale", func(t *testing.T) {
		v2 := *v
		v2.Now = func() time.Time { return now.Add(14 * time.Hour) }
		if _, err := v2.Verify(ctx, signedMessage(t, priv, "POST", body), body); !errors.Is(err, ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
}

func TestParseMessageSigSeveralMembers(t *testing.T) {
	in := `a=("@method");created=1;keyid="k1", sig1=("@method" "@target-uri");created=2;keyid="k,2";alg="rsa-v1_5-sha256"`
	sig := `sig1=:AAEC:`
	m, err := parseMessageSig(in, sig)
	if err != nil {
		t.Fatal(err)
	}
	if m.keyID != "k,2" || m.created != 2 || len(m.comps) != 2 || m.rawParams != `("@method" "@target-uri");created=2;keyid="k,2";alg="rsa-v1_5-sha256"` {
		t.Fatalf("parsed %+v", m)
	}
}

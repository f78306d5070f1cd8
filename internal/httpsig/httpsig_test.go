package httpsig

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// keys is a KeyResolver over a map; refreshed counts refresh calls.
type keys struct {
	m, fresh  map[string]*Key
	refreshed int
}

func (k *keys) ResolveKey(_ context.Context, id string, refresh bool) (*Key, error) {
	if refresh {
		k.refreshed++
		if f := k.fresh[id]; f != nil {
			return f, nil
		}
	}
	if key := k.m[id]; key != nil {
		return key, nil
	}
	return nil, errors.New("unknown key")
}

const keyID = "https://remote.example/users/bob#main-key"

func newPair(t *testing.T) (pubPEM, privPEM string) {
	t.Helper()
	pub, priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

var now = time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC)

// signed builds a signed request as a server would receive it.
func signed(t *testing.T, privPEM, method string, body []byte) *http.Request {
	t.Helper()
	key, err := ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(method, "https://agora.example/users/alice/inbox?x=1", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := Sign(out, keyID, key, body, now); err != nil {
		t.Fatal(err)
	}
	in := httptest.NewRequest(method, "https://agora.example/users/alice/inbox?x=1", bytes.NewReader(body))
	in.Header = out.Header.Clone()
	in.Host = out.Host
	return in
}

func TestSignVerify(t *testing.T) {
	pub, priv := newPair(t)
	_, otherPriv := newPair(t)
	body := []byte(`{"type":"Follow"}`)
	v := &Verifier{Keys: &keys{m: map[string]*Key{keyID: {ID: keyID, Owner: "https://remote.example/users/bob", PEM: pub}}}, Now: func() time.Time { return now }}
	ctx := context.Background()

	t.Run("post", func(t *testing.T) {
		r := signed(t, priv, "POST", body)
		if !strings.Contains(r.Header.Get("Signature"), `headers="(request-target) host date digest"`) {
			t.Fatalf("Signature = %s", r.Header.Get("Signature"))
		}
		got, err := v.Verify(ctx, r, body)
		if err != nil {
			t.Fatal(err)
		}
		if got.Owner != "https://remote.example/users/bob" || got.KeyID != keyID {
			t.Errorf("verified = %+v", got)
		}
	})
	t.Run("get", func(t *testing.T) {
		r := signed(t, priv, "GET", nil)
		if !strings.Contains(r.Header.Get("Signature"), `headers="(request-target) host date"`) {
			t.Fatalf("Signature = %s", r.Header.Get("Signature"))
		}
		if _, err := v.Verify(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	})

	type tamper func(r *http.Request) (*http.Request, []byte)
	cases := []struct {
		name string
		f    tamper
		want error
	}{
		{"body", func(r *http.Request) (*http.Request, []byte) { return r, []byte(`{"type":"Block"}`) }, ErrInvalid},
		{"digest and body", func(r *http.Request) (*http.Request, []byte) {
			b := []byte(`{"type":"Block"}`)
			r.Header.Set("Digest", Digest(b))
			return r, b
		}, ErrInvalid},
		{"path", func(r *http.Request) (*http.Request, []byte) { r.URL.Path = "/users/carol/inbox"; return r, body }, ErrInvalid},
		{"host", func(r *http.Request) (*http.Request, []byte) { r.Host = "other.example"; return r, body }, ErrInvalid},
		{"method", func(r *http.Request) (*http.Request, []byte) { r.Method = "PUT"; return r, body }, ErrInvalid},
		{"date", func(r *http.Request) (*http.Request, []byte) {
			r.Header.Set("Date", now.Add(time.Minute).Format(http.TimeFormat))
			return r, body
		}, ErrInvalid},
		{"unsigned", func(r *http.Request) (*http.Request, []byte) { r.Header.Del("Signature"); return r, body }, ErrUnsigned},
		{"no digest header", func(r *http.Request) (*http.Request, []byte) { r.Header.Del("Digest"); return r, body }, ErrInvalid},
		{"unknown algorithm", func(r *http.Request) (*http.Request, []byte) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "rsa-sha256", "hmac-sha256", 1))
			return r, body
		}, ErrInvalid},
		{"digest not signed", func(r *http.Request) (*http.Request, []byte) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), " digest", "", 1))
			return r, body
		}, ErrInvalid},
		{"garbage", func(r *http.Request) (*http.Request, []byte) { r.Header.Set("Signature", "keyId"); return r, body }, ErrInvalid},
	}
	for _, c := range cases {
		t.Run("tampered "+c.name, func(t *testing.T) {
			r, b := c.f(signed(t, priv, "POST", body))
			if _, err := v.Verify(ctx, r, b); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}

	t.Run("wrong key", func(t *testing.T) {
		r := signed(t, otherPriv, "POST", body)
		if _, err := v.Verify(ctx, r, body); !errors.Is(err, ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})

	t.Run("date window", func(t *testing.T) {
		for _, c := range []struct {
			at time.Time
			ok bool
		}{
			{now.Add(-12 * time.Hour), true},
			{now.Add(-14 * time.Hour), false},
			{now.Add(30 * time.Minute), true},
			{now.Add(2 * time.Hour), false},
		} {
			r := signed(t, priv, "POST", body)
			v2 := *v
			v2.Now = func() time.Time { return now.Add(now.Sub(c.at)) }
			_, err := v2.Verify(ctx, r, body)
			if (err == nil) != c.ok {
				t.Errorf("signed at %s from now: got %v, want ok=%v", c.at.Sub(now), err, c.ok)
			}
		}
	})
}

func TestKeyRotationRefetchesOnce(t *testing.T) {
	oldPub, _ := newPair(t)
	newPub, newPriv := newPair(t)
	ks := &keys{
		m:     map[string]*Key{keyID: {ID: keyID, Owner: "o", PEM: oldPub}},
		fresh: map[string]*Key{keyID: {ID: keyID, Owner: "o", PEM: newPub}},
	}
	v := &Verifier{Keys: ks, Now: func() time.Time { return now }}
	body := []byte(`{}`)
	if _, err := v.Verify(context.Background(), signed(t, newPriv, "POST", body), body); err != nil {
		t.Fatal(err)
	}
	if ks.refreshed != 1 {
		t.Errorf("refreshed %d times, want 1", ks.refreshed)
	}
}

// The "Test" key and the basic test (C.2) of draft-cavage-http-signatures-12,
// appendix C: a signature made by another implementation.
const cavageTestKey = `-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----`

func TestCavageVector(t *testing.T) {
	body := []byte(`{"hello": "world"}`)
	r := httptest.NewRequest("POST", "/foo?param=value&pet=dog", bytes.NewReader(body))
	r.Host = "example.com"
	r.Header.Set("Date", "Sun, 05 Jan 2014 21:31:40 GMT")
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")
	r.Header.Set("Signature", `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",`+
		`signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="`)
	ks := &keys{m: map[string]*Key{"Test": {ID: "Test", Owner: "test", PEM: cavageTestKey}}}
	clock := func() time.Time { return time.Date(2014, 1, 5, 21, 40, 0, 0, time.UTC) }
	if got := Digest(body); got != r.Header.Get("Digest") {
		t.Fatalf("Digest = %s, want the draft's %s", got, r.Header.Get("Digest"))
	}
	v := &Verifier{Keys: ks, Now: clock, Required: []string{"(request-target)", "host"}}
	if _, err := v.Verify(context.Background(), r, body); err != nil {
		t.Fatalf("draft vector: %v", err)
	}
	// By default a POST must also sign its digest, which this vector does not.
	v.Required = nil
	if _, err := v.Verify(context.Background(), r, body); !errors.Is(err, ErrInvalid) {
		t.Fatalf("without a signed digest: got %v, want ErrInvalid", err)
	}
}

package ldsig

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The .nq files in testdata are the canonical N-Quads that an independent
// implementation (github.com/piprate/json-gold v0.9.1, URDNA2015, with the
// same bundled contexts) produced for the .json files next to them: the
// Mastodon-shaped Create covers contexts, language maps, lists, typed
// literals, numbers and unknown terms; poll, blank nodes told apart by
// their neighbours; ring, blank nodes that need the N-degree hash.
func TestCanonicalMatchesReference(t *testing.T) {
	for _, name := range []string{"create_mastodon", "poll", "ring"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile("testdata/" + name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile("testdata/" + name + ".nq")
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := CanonicalJSON(in)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("canonical form differs:\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestCanonicalDropsUnknownTerms(t *testing.T) {
	in, _ := os.ReadFile("testdata/create_mastodon.json")
	_, dropped, err := CanonicalJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"object._misskey_content"}; !reflect.DeepEqual(dropped, want) {
		t.Errorf("dropped = %v, want %v", dropped, want)
	}
}

var testKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

const activity = `{"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1",{"sensitive":"as:sensitive"}],
"id":"https://a.example/users/alice/statuses/1/activity","type":"Create","actor":"https://a.example/users/alice",
"to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://a.example/users/alice/followers"],
"object":{"id":"https://a.example/users/alice/statuses/1","type":"Note","attributedTo":"https://a.example/users/alice",
"content":"<p>hello</p>","sensitive":false,"published":"2026-12-04T10:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"]}}`

const creator = "https://a.example/users/alice#main-key"

func sign(t *testing.T, body string) []byte {
	t.Helper()
	signed, err := Sign([]byte(body), testKey, creator, time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func verify(body []byte, pub *rsa.PublicKey) error {
	d, err := Parse(body)
	if err != nil {
		return err
	}
	return d.Verify(pub)
}

func TestSignVerifyRoundTrip(t *testing.T) {
	signed := sign(t, activity)
	d, err := Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	if d.Signature.Creator != creator || d.Signature.Created != "2026-12-04T10:00:00Z" || d.Signature.Type != Type {
		t.Errorf("signature = %+v", d.Signature)
	}
	if err := d.Verify(&testKey.PublicKey); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if u := d.Unsigned(); len(u) != 0 {
		t.Errorf("Unsigned = %v, want none", u)
	}
	// Key order, whitespace and JSON escapes do not matter: the graph does.
	var m map[string]any
	_ = json.Unmarshal(signed, &m)
	pretty, _ := json.MarshalIndent(m, "", "   ")
	if err := verify(pretty, &testKey.PublicKey); err != nil {
		t.Errorf("re-encoded document: %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	signed := string(sign(t, activity))
	cases := []struct {
		name string
		body string
		key  *rsa.PublicKey
		want error
	}{
		{"tampered content", strings.Replace(signed, "hello", "HELLO", 1), &testKey.PublicKey, ErrBadSignature},
		{"tampered audience", strings.Replace(signed, `"cc":["https://a.example/users/alice/followers"]`, `"cc":[]`, 1), &testKey.PublicKey, ErrBadSignature},
		{"tampered created", strings.Replace(signed, "2026-12-04T10:00:00Z\",\"creator", "2026-12-05T10:00:00Z\",\"creator", 1), &testKey.PublicKey, ErrBadSignature},
		{"other key", signed, &other.PublicKey, ErrBadSignature},
		{"unsigned", activity, &testKey.PublicKey, ErrNoSignature},
		{"other suite", strings.Replace(signed, Type, "Ed25519Signature2018", 1), &testKey.PublicKey, ErrSignatureAlg},
		{"unknown context", strings.Replace(signed, "https://w3id.org/security/v1", "https://evil.example/ctx", 1), &testKey.PublicKey, ErrUnknownContext},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.body == signed && c.want == nil {
				t.Fatal("case changed nothing")
			}
			err := verify([]byte(c.body), c.key)
			if !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// Terms that no context defines are not part of the signed graph: adding
// one keeps the signature valid, and Unsigned names it, so that callers
// can refuse (or drop) what the signature does not vouch for. Go's JSON
// decoder matches field names case-insensitively, so "Content" would
// otherwise override "content".
func TestUnknownTermsAreNotSigned(t *testing.T) {
	signed := string(sign(t, activity))
	forged := strings.Replace(signed, `"content":"\u003cp\u003ehello\u003c/p\u003e"`,
		`"content":"\u003cp\u003ehello\u003c/p\u003e","Content":"evil","_misskey_content":"evil"`, 1)
	if forged == signed {
		t.Fatal("replacement did not apply")
	}
	d, err := Parse([]byte(forged))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Verify(&testKey.PublicKey); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got, want := d.Unsigned(), []string{"object.Content", "object._misskey_content"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Unsigned = %v, want %v", got, want)
	}
	// Defined in an inline context, the same term is signed.
	withTerm := strings.Replace(activity, `{"sensitive":"as:sensitive"}`, `{"sensitive":"as:sensitive","mk":"https://misskey-hub.net/ns#","_misskey_content":"mk:_misskey_content"}`, 1)
	withTerm = strings.Replace(withTerm, `"content":"<p>hello</p>"`, `"content":"<p>hello</p>","_misskey_content":"hello"`, 1)
	signedTerm := string(sign(t, withTerm))
	if err := verify([]byte(strings.Replace(signedTerm, `"_misskey_content":"hello"`, `"_misskey_content":"evil"`, 1)), &testKey.PublicKey); !errors.Is(err, ErrBadSignature) {
		t.Errorf("changed defined term: err = %v, want ErrBadSignature", err)
	}
}

func TestLimits(t *testing.T) {
	// Two identical blank collections of identical blank items: telling
	// the items apart would try 8! orders of them.
	inner := `{"type":"Collection","items":[` + strings.TrimSuffix(strings.Repeat(`{"name":"n"},`, 8), ",") + `]}`
	poison := `{"@context":"https://www.w3.org/ns/activitystreams","type":"Collection","items":[` + inner + `,` + inner + `]}`
	if _, _, err := CanonicalJSON([]byte(poison)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("indistinguishable blank nodes: err = %v, want ErrUnsupported", err)
	}
	deep := strings.Repeat(`{"object":`, 100) + `"x"` + strings.Repeat(`}`, 100)
	deep = `{"@context":"https://www.w3.org/ns/activitystreams","object":` + deep + `}`
	if _, _, err := CanonicalJSON([]byte(deep)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("deep document: err = %v, want ErrUnsupported", err)
	}
	if _, err := Parse(make([]byte, MaxDocument+1)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("large document: err = %v, want ErrUnsupported", err)
	}
}

func TestUndefinedTypesAreReported(t *testing.T) {
	doc := `{"@context":"https://www.w3.org/ns/activitystreams","type":"Note","tag":[{"type":"Emoji","name":":x:"}]}`
	_, dropped, err := CanonicalJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"tag.type:Emoji"}; !reflect.DeepEqual(dropped, want) {
		t.Errorf("dropped = %v, want %v", dropped, want)
	}
}

// BenchmarkVerify measures the verification of a relayed Create: two
// canonicalizations and an RSA verification (docs/performance.md).
func BenchmarkVerify(b *testing.B) {
	in, _ := os.ReadFile("testdata/create_mastodon.json")
	signed, err := Sign(in, testKey, creator, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := verify(signed, &testKey.PublicKey); err != nil {
			b.Fatal(err)
		}
	}
}

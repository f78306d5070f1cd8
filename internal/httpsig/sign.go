// Package httpsig signs and verifies HTTP requests the way the fediverse
// does: draft-cavage HTTP Signatures (rsa-sha256, as Mastodon sends them)
// with a Digest of the body, and RFC 9421 HTTP Message Signatures
// (rsa-v1_5-sha256) with a Content-Digest.
package httpsig

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Digest is the value of a Digest header for body: "SHA-256=base64".
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// Sign signs req for keyID (the actor URI + "#main-key") with key, the way
// Mastodon expects: it sets Host and Date, and for a request with a body a
// Digest, then a Signature over "(request-target) host date [digest]".
// body must be the exact bytes req will send (nil for GET).
func Sign(req *http.Request, keyID string, key *rsa.PrivateKey, body []byte, now time.Time) error {
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	headers := []string{"(request-target)", "host", "date"}
	if body != nil || req.Method == http.MethodPost {
		req.Header.Set("Digest", Digest(body))
		headers = append(headers, "digest")
	}
	s, err := signingString(req, headers, nil)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="%s",signature="%s"`,
		keyID, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig)))
	return nil
}

// requestTarget is "method path?query" as the request was sent.
func requestTarget(req *http.Request) string {
	// URL.RequestURI keeps the path's original escaping (RawPath) and drops
	// the scheme and host of an absolute-form request line.
	return strings.ToLower(req.Method) + " " + req.URL.RequestURI()
}

// signingString builds the draft-cavage signing string for the listed
// headers; params supply (created) and (expires).
func signingString(req *http.Request, headers []string, params map[string]string) (string, error) {
	var b strings.Builder
	for i, h := range headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		var v string
		switch h {
		case "(request-target)":
			v = requestTarget(req)
		case "(created)", "(expires)":
			p := params[strings.Trim(h, "()")]
			if p == "" {
				return "", fmt.Errorf("%w: %s listed but not given", ErrInvalid, h)
			}
			v = p
		case "host":
			v = req.Host
			if v == "" {
				v = req.URL.Host
			}
		default:
			vals := req.Header.Values(h)
			if len(vals) == 0 {
				return "", fmt.Errorf("%w: signed header %q is missing", ErrInvalid, h)
			}
			for j := range vals {
				vals[j] = strings.TrimSpace(vals[j])
			}
			v = strings.Join(vals, ", ")
		}
		b.WriteString(h)
		b.WriteString(": ")
		b.WriteString(v)
	}
	return b.String(), nil
}

// GenerateKey makes an RSA 2048 key pair as PEM: the private key in PKCS#8,
// the public key in PKIX ("BEGIN PUBLIC KEY"), as Mastodon publishes it.
func GenerateKey() (publicPEM, privatePEM string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// ParsePrivateKey reads an RSA private key in PKCS#8 or PKCS#1 PEM.
func ParsePrivateKey(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("private key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key: %T is not RSA", k)
	}
	return rk, nil
}

// ParsePublicKey reads a public key in PKIX or PKCS#1 PEM; RSA and Ed25519
// keys only.
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil {
		return nil, fmt.Errorf("%w: public key has no PEM block", ErrInvalid)
	}
	var k any
	if k1, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		k = k1
	} else if k, err = x509.ParsePKIXPublicKey(block.Bytes); err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrInvalid, err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: unsupported public key type %T", ErrInvalid, k)
	}
	if rk.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("%w: RSA key of %d bits is too short", ErrInvalid, rk.N.BitLen())
	}
	return rk, nil
}

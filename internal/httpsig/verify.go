package httpsig

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits of verification, as Mastodon applies them.
const (
	// MaxAge is how old a signature's Date may be (Mastodon's
	// EXPIRATION_WINDOW_LIMIT, 12 hours, plus its 1 hour clock skew margin).
	MaxAge = 13 * time.Hour
	// MaxFuture is how far ahead of our clock a Date may be (the skew margin).
	MaxFuture = time.Hour
	// maxHeaderLen bounds the Signature header we parse.
	maxHeaderLen = 8 << 10
	minRSABits   = 1024
)

// Errors, for errors.Is: ErrUnsigned when a request carries no signature,
// ErrInvalid for every other reason it is refused.
var (
	ErrUnsigned = errors.New("request is not signed")
	ErrInvalid  = errors.New("invalid signature")
)

// Key is a remote public key and the actor that owns it.
type Key struct {
	ID    string // keyId
	Owner string // the actor URI
	PEM   string
}

// KeyResolver finds the public key of a keyId. With refresh the caller wants
// a fresh copy (the cached one failed to verify, the key may have rotated);
// a resolver may return the cached key again when it refreshed it recently.
type KeyResolver interface {
	ResolveKey(ctx context.Context, keyID string, refresh bool) (*Key, error)
}

// Verifier checks incoming signed requests.
type Verifier struct {
	Keys KeyResolver
	Now  func() time.Time // time.Now when nil
	// Scheme is the scheme of this server's public URL, for RFC 9421's
	// @target-uri behind a TLS-terminating proxy; "https" when empty.
	Scheme string
	// Required lists the draft-cavage headers that must be signed; by default
	// (request-target), host and date, plus digest when there is a body.
	Required []string
}

// Verified is the outcome of a successful verification.
type Verified struct {
	KeyID   string
	Owner   string   // the actor URI that owns the key
	Headers []string // the headers the signature covers
}

type params struct {
	keyID, algorithm, signature string
	headers                     []string
	extra                       map[string]string // created, expires
}

// parseSignature parses a draft-cavage Signature header:
// keyId="...",algorithm="...",headers="...",signature="...".
func parseSignature(h string) (*params, error) {
	if len(h) > maxHeaderLen {
		return nil, fmt.Errorf("%w: Signature header too long", ErrInvalid)
	}
	p := &params{extra: map[string]string{}}
	rest := strings.TrimSpace(h)
	for rest != "" {
		name, after, ok := strings.Cut(rest, "=")
		if !ok {
			return nil, fmt.Errorf("%w: malformed Signature header", ErrInvalid)
		}
		name = strings.ToLower(strings.TrimSpace(name))
		var val string
		if strings.HasPrefix(after, `"`) {
			end := strings.IndexByte(after[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated value in Signature header", ErrInvalid)
			}
			val, rest = after[1:1+end], after[2+end:]
		} else { // created and expires are bare numbers
			end := strings.IndexByte(after, ',')
			if end < 0 {
				end = len(after)
			}
			val, rest = strings.TrimSpace(after[:end]), after[end:]
		}
		rest = strings.TrimLeft(strings.TrimSpace(rest), ",")
		rest = strings.TrimSpace(rest)
		switch name {
		case "keyid":
			p.keyID = val
		case "algorithm":
			p.algorithm = strings.ToLower(val)
		case "headers":
			p.headers = strings.Fields(strings.ToLower(val))
		case "signature":
			p.signature = val
		case "created", "expires":
			p.extra[name] = val
		}
	}
	if p.keyID == "" || p.signature == "" {
		return nil, fmt.Errorf("%w: keyId and signature are required", ErrInvalid)
	}
	if len(p.headers) == 0 {
		p.headers = []string{"date"} // the draft's default
	}
	return p, nil
}

// Verify checks r's signature (draft-cavage, or RFC 9421 when the request
// has a Signature-Input header) against body (the request body already read,
// nil or empty when there is none): the signature covers the required
// headers, the Date is fresh, the Digest matches the body and the key of the
// keyId verifies it. When the cached key fails, the key is fetched again
// once, in case it rotated.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*Verified, error) {
	if r.Header.Get("Signature-Input") != "" {
		return v.verifyMessage(ctx, r, body)
	}
	h := r.Header.Get("Signature")
	if h == "" {
		return nil, ErrUnsigned
	}
	p, err := parseSignature(h)
	if err != nil {
		return nil, err
	}
	switch p.algorithm {
	case "", "rsa-sha256", "hs2019": // hs2019 means "from the key": ours are RSA
	default:
		return nil, fmt.Errorf("%w: algorithm %q is not supported", ErrInvalid, p.algorithm)
	}
	if err := v.checkCovered(p, body); err != nil {
		return nil, err
	}
	if err := v.checkTime(r, p); err != nil {
		return nil, err
	}
	if len(body) > 0 || r.Header.Get("Digest") != "" {
		if err := checkDigest(r.Header.Values("Digest"), body); err != nil {
			return nil, err
		}
	}
	s, err := signingString(r, p.headers, p.extra)
	if err != nil {
		return nil, err
	}
	sig, err := base64.StdEncoding.DecodeString(p.signature)
	if err != nil {
		return nil, fmt.Errorf("%w: signature is not base64", ErrInvalid)
	}
	sum := sha256.Sum256([]byte(s))
	return v.checkKey(ctx, p.keyID, sum[:], sig, p.headers)
}

// checkKey verifies sig over hashed with the key of keyID, fetching the key
// again once when the known one fails (it may have rotated).
func (v *Verifier) checkKey(ctx context.Context, keyID string, hashed, sig []byte, covered []string) (*Verified, error) {
	key, err := v.Keys.ResolveKey(ctx, keyID, false)
	if err != nil {
		return nil, fmt.Errorf("%w: key %s: %w", ErrInvalid, keyID, err)
	}
	if err := verifyWith(key, hashed, sig); err != nil {
		fresh, ferr := v.Keys.ResolveKey(ctx, keyID, true)
		if ferr != nil {
			return nil, fmt.Errorf("%w: key %s: %w", ErrInvalid, keyID, ferr)
		}
		if fresh.PEM == key.PEM {
			return nil, err
		}
		if err := verifyWith(fresh, hashed, sig); err != nil {
			return nil, err
		}
		key = fresh
	}
	return &Verified{KeyID: keyID, Owner: key.Owner, Headers: covered}, nil
}

func verifyWith(k *Key, hashed, sig []byte) error {
	pub, err := ParsePublicKey(k.PEM)
	if err != nil {
		return err
	}
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, hashed, sig); err != nil {
		return fmt.Errorf("%w: signature does not match key %s", ErrInvalid, k.ID)
	}
	return nil
}

// checkCovered requires the headers that bind the signature to this request.
func (v *Verifier) checkCovered(p *params, body []byte) error {
	required := v.Required
	if required == nil {
		required = []string{"(request-target)", "host"}
		if len(body) > 0 {
			required = append(required, "digest")
		}
	}
	for _, h := range required {
		if !slices.Contains(p.headers, h) {
			return fmt.Errorf("%w: %s is not signed", ErrInvalid, h)
		}
	}
	// A date must be signed, as the Date header or as (created).
	if !slices.Contains(p.headers, "date") && !slices.Contains(p.headers, "(created)") {
		return fmt.Errorf("%w: date is not signed", ErrInvalid)
	}
	return nil
}

func (v *Verifier) checkTime(r *http.Request, p *params) error {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	var sent time.Time
	if slices.Contains(p.headers, "(created)") {
		n, err := strconv.ParseInt(p.extra["created"], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: created is not a number", ErrInvalid)
		}
		sent = time.Unix(n, 0)
	}
	if slices.Contains(p.headers, "date") {
		d, err := http.ParseTime(r.Header.Get("Date"))
		if err != nil {
			return fmt.Errorf("%w: Date header is not an HTTP date", ErrInvalid)
		}
		sent = d
	}
	if e := p.extra["expires"]; e != "" && slices.Contains(p.headers, "(expires)") {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil || now.After(time.Unix(n, 0)) {
			return fmt.Errorf("%w: signature expired", ErrInvalid)
		}
	}
	if now.Sub(sent) > MaxAge {
		return fmt.Errorf("%w: signed %s ago, more than %s", ErrInvalid, now.Sub(sent).Round(time.Second), MaxAge)
	}
	if sent.Sub(now) > MaxFuture {
		return fmt.Errorf("%w: signed %s in the future, more than %s", ErrInvalid, sent.Sub(now).Round(time.Second), MaxFuture)
	}
	return nil
}

// checkDigest requires a SHA-256 Digest matching body. A header may list
// several algorithms; SHA-256 must be among them.
func checkDigest(values []string, body []byte) error {
	want := Digest(body)
	found := false
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(alg, "SHA-256") {
				continue
			}
			found = true
			if subtle.ConstantTimeCompare([]byte("SHA-256="+val), []byte(want)) != 1 {
				return fmt.Errorf("%w: Digest does not match the body", ErrInvalid)
			}
		}
	}
	if !found {
		return fmt.Errorf("%w: no SHA-256 Digest of the body", ErrInvalid)
	}
	return nil
}

package httpsig

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RFC 9421 (HTTP Message Signatures), as Mastodon 4.5 sends it: covered
// components "@method" "@target-uri" (and usually "@authority",
// "content-digest"), a created parameter, keyid, alg rsa-v1_5-sha256.

// ContentDigest is the value of a Content-Digest header for body.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// SignMessage signs req with an RFC 9421 signature labelled "sig1" over
// "@method" "@target-uri" "@authority" and, with a body, "content-digest".
func SignMessage(req *http.Request, keyID string, key *rsa.PrivateKey, body []byte, now time.Time) error {
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	comps := []string{"@method", "@target-uri", "@authority"}
	if body != nil || req.Method == http.MethodPost {
		req.Header.Set("Content-Digest", ContentDigest(body))
		comps = append(comps, "content-digest")
	}
	quoted := make([]string, len(comps))
	for i, c := range comps {
		quoted[i] = strconv.Quote(c)
	}
	params := fmt.Sprintf(`(%s);created=%d;keyid=%s;alg="rsa-v1_5-sha256"`, strings.Join(quoted, " "), now.Unix(), strconv.Quote(keyID))
	base, err := signatureBase(req, comps, params, req.URL.Scheme)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(base))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

// signatureBase builds the RFC 9421 signature base.
func signatureBase(req *http.Request, comps []string, rawParams, scheme string) (string, error) {
	var b strings.Builder
	for _, c := range comps {
		var v string
		switch c {
		case "@method":
			v = req.Method
		case "@authority":
			v = strings.ToLower(req.Host)
		case "@target-uri":
			v = scheme + "://" + strings.ToLower(req.Host) + req.URL.RequestURI()
		case "@path":
			v = req.URL.EscapedPath()
		case "@query":
			v = "?" + req.URL.RawQuery
		case "@request-target":
			v = req.URL.RequestURI()
		default:
			if strings.HasPrefix(c, "@") {
				return "", fmt.Errorf("%w: component %s is not supported", ErrInvalid, c)
			}
			vals := req.Header.Values(c)
			if len(vals) == 0 {
				return "", fmt.Errorf("%w: signed header %q is missing", ErrInvalid, c)
			}
			for i := range vals {
				vals[i] = strings.TrimSpace(vals[i])
			}
			v = strings.Join(vals, ", ")
		}
		fmt.Fprintf(&b, "%q: %s\n", c, v)
	}
	fmt.Fprintf(&b, "\"@signature-params\": %s", rawParams)
	return b.String(), nil
}

// messageSig is one parsed RFC 9421 signature.
type messageSig struct {
	comps     []string
	rawParams string // the inner list and parameters as received
	keyID     string
	alg       string
	created   int64
	expires   int64
	sig       []byte
}

// parseMessageSig reads the first signature of Signature-Input that
// Signature also carries. It handles the subset of structured fields that
// signatures use: an inner list of strings, then ;name=value parameters.
func parseMessageSig(input, signature string) (*messageSig, error) {
	if len(input) > maxHeaderLen || len(signature) > maxHeaderLen {
		return nil, fmt.Errorf("%w: signature headers too long", ErrInvalid)
	}
	sigs := map[string]string{}
	for member := range strings.SplitSeq(signature, ",") {
		label, val, ok := strings.Cut(strings.TrimSpace(member), "=")
		if ok && len(val) >= 2 && val[0] == ':' && val[len(val)-1] == ':' {
			sigs[label] = val[1 : len(val)-1]
		}
	}
	rest := strings.TrimSpace(input)
	for rest != "" {
		label, after, ok := strings.Cut(rest, "=")
		if !ok || !strings.HasPrefix(after, "(") {
			return nil, fmt.Errorf("%w: malformed Signature-Input", ErrInvalid)
		}
		end := strings.IndexByte(after, ')')
		if end < 0 {
			return nil, fmt.Errorf("%w: malformed Signature-Input", ErrInvalid)
		}
		// The member runs to the next top-level comma (outside quotes).
		memberEnd := len(after)
		inQuote := false
		for i := end; i < len(after); i++ {
			if after[i] == '"' {
				inQuote = !inQuote
			} else if after[i] == ',' && !inQuote {
				memberEnd = i
				break
			}
		}
		raw := after[:memberEnd]
		rest = strings.TrimSpace(strings.TrimPrefix(after[memberEnd:], ","))
		b64, ok := sigs[strings.TrimSpace(label)]
		if !ok {
			continue
		}
		m := &messageSig{rawParams: raw}
		for f := range strings.FieldsSeq(after[1:end]) {
			c, err := strconv.Unquote(f)
			if err != nil {
				return nil, fmt.Errorf("%w: component %s is not a string", ErrInvalid, f)
			}
			m.comps = append(m.comps, strings.ToLower(c))
		}
		for p := range strings.SplitSeq(raw[end+1:], ";") {
			name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
			if uq, err := strconv.Unquote(val); err == nil {
				val = uq
			}
			switch name {
			case "keyid":
				m.keyID = val
			case "alg":
				m.alg = val
			case "created":
				m.created, _ = strconv.ParseInt(val, 10, 64)
			case "expires":
				m.expires, _ = strconv.ParseInt(val, 10, 64)
			}
		}
		sig, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("%w: signature is not base64", ErrInvalid)
		}
		m.sig = sig
		if m.keyID == "" {
			return nil, fmt.Errorf("%w: keyid is required", ErrInvalid)
		}
		return m, nil
	}
	return nil, fmt.Errorf("%w: no signature matches Signature-Input", ErrInvalid)
}

// verifyMessage verifies an RFC 9421 signature.
func (v *Verifier) verifyMessage(ctx context.Context, r *http.Request, body []byte) (*Verified, error) {
	m, err := parseMessageSig(r.Header.Get("Signature-Input"), r.Header.Get("Signature"))
	if err != nil {
		return nil, err
	}
	switch m.alg {
	case "", "rsa-v1_5-sha256":
	default:
		return nil, fmt.Errorf("%w: algorithm %q is not supported", ErrInvalid, m.alg)
	}
	required := []string{"@method", "@target-uri"}
	if len(body) > 0 {
		required = append(required, "content-digest")
	}
	for _, c := range required {
		if !slices.Contains(m.comps, c) {
			return nil, fmt.Errorf("%w: %s is not signed", ErrInvalid, c)
		}
	}
	if m.created == 0 {
		return nil, fmt.Errorf("%w: created is required", ErrInvalid)
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	sent := time.Unix(m.created, 0)
	if now.Sub(sent) > MaxAge || sent.Sub(now) > MaxFuture {
		return nil, fmt.Errorf("%w: created %s is outside the accepted window", ErrInvalid, sent.UTC().Format(time.RFC3339))
	}
	if m.expires != 0 && now.After(time.Unix(m.expires, 0)) {
		return nil, fmt.Errorf("%w: signature expired", ErrInvalid)
	}
	if len(body) > 0 || r.Header.Get("Content-Digest") != "" {
		if err := checkContentDigest(r.Header.Values("Content-Digest"), body); err != nil {
			return nil, err
		}
	}
	scheme := v.Scheme
	if r.TLS != nil {
		scheme = "https"
	}
	if scheme == "" {
		scheme = "https"
	}
	base, err := signatureBase(r, m.comps, m.rawParams, scheme)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(base))
	return v.checkKey(ctx, m.keyID, sum[:], m.sig, m.comps)
}

// checkContentDigest requires a sha-256 or sha-512 Content-Digest of body.
func checkContentDigest(values []string, body []byte) error {
	s256 := sha256.Sum256(body)
	s512 := sha512.Sum512(body)
	found := false
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || len(val) < 2 || val[0] != ':' || val[len(val)-1] != ':' {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(val[1 : len(val)-1])
			if err != nil {
				return fmt.Errorf("%w: Content-Digest is not base64", ErrInvalid)
			}
			var want []byte
			switch strings.ToLower(alg) {
			case "sha-256":
				want = s256[:]
			case "sha-512":
				want = s512[:]
			default:
				continue
			}
			found = true
			if subtle.ConstantTimeCompare(got, want) != 1 {
				return fmt.Errorf("%w: Content-Digest does not match the body", ErrInvalid)
			}
		}
	}
	if !found {
		return fmt.Errorf("%w: no sha-256 or sha-512 Content-Digest of the body", ErrInvalid)
	}
	return nil
}

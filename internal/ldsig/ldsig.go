// Package ldsig signs and verifies JSON-LD documents with Linked Data
// signatures of type RsaSignature2017, as Mastodon does for the public
// activities that relays forward: the signature options (creator, created,
// in the https://w3id.org/identity/v1 context) and the document without its
// signature are canonicalized with URDNA2015, the SHA-256 hex digests of
// both are concatenated, and that string is signed with RSA-SHA256 (PKCS
// #1 v1.5); signatureValue is the base64 signature.
//
// Only the contexts bundled in contexts/ can be used: a document naming any
// other context URL cannot be verified (nothing is fetched).
package ldsig

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Type is the signature suite agora signs and verifies.
const Type = "RsaSignature2017"

// optionsContext is the @context of the signature options.
const optionsContext = "https://w3id.org/identity/v1"

// Limits of a document to sign or verify.
const (
	MaxDocument = 1 << 20 // bytes
)

// Errors of verification.
var (
	ErrNoSignature  = errors.New("the document has no Linked Data signature")
	ErrSignatureAlg = errors.New("the signature is not an " + Type)
	ErrBadSignature = errors.New("the Linked Data signature does not verify")
)

// Signature is the signature object of a document.
type Signature struct {
	Type           string `json:"type"`
	Creator        string `json:"creator"`
	Created        string `json:"created"`
	SignatureValue string `json:"signatureValue"`
}

// Document is a signed JSON-LD document being verified.
type Document struct {
	Signature Signature
	doc       map[string]any
	options   map[string]any
	toVerify  []byte // the two hashes, once computed
	dropped   []string
}

// Parse reads a document carrying an RsaSignature2017.
func Parse(body []byte) (*Document, error) {
	if len(body) > MaxDocument {
		return nil, fmt.Errorf("%w: document larger than %d bytes", ErrUnsupported, MaxDocument)
	}
	doc, err := decode(body)
	if err != nil {
		return nil, err
	}
	raw, ok := doc["signature"].(map[string]any)
	if !ok {
		return nil, ErrNoSignature
	}
	d := &Document{doc: doc, options: map[string]any{}}
	for k, v := range raw {
		switch k {
		case "type":
			d.Signature.Type, _ = v.(string)
		case "signatureValue":
			d.Signature.SignatureValue, _ = v.(string)
		case "id":
		default:
			if k == "creator" {
				d.Signature.Creator, _ = v.(string)
			}
			if k == "created" {
				d.Signature.Created, _ = v.(string)
			}
			d.options[k] = v
		}
	}
	if d.Signature.Type != Type {
		return nil, ErrSignatureAlg
	}
	if d.Signature.Creator == "" || d.Signature.SignatureValue == "" {
		return nil, fmt.Errorf("%w: creator or signatureValue missing", ErrNoSignature)
	}
	return d, nil
}

func decode(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("document is not a JSON object: %w", err)
	}
	if doc == nil {
		return nil, errors.New("document is not a JSON object")
	}
	return doc, nil
}

// Verify checks the signature with the creator's public key.
func (d *Document) Verify(pub *rsa.PublicKey) error {
	if d.toVerify == nil {
		data, dropped, err := toBeSigned(d.doc, d.options)
		if err != nil {
			return err
		}
		d.toVerify, d.dropped = data, dropped
	}
	sig, err := base64.StdEncoding.DecodeString(d.Signature.SignatureValue)
	if err != nil {
		return fmt.Errorf("%w: signatureValue is not base64", ErrBadSignature)
	}
	sum := sha256.Sum256(d.toVerify)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return ErrBadSignature
	}
	return nil
}

// Unsigned lists the properties of the document (as dotted paths) and
// the types ("path.type:Name") that its contexts do not define: they are
// not covered by the signature, so a relay could have added or changed
// them. Valid after Verify.
func (d *Document) Unsigned() []string { return d.dropped }

// Sign returns body (a JSON object) with an RsaSignature2017 by key, whose
// id is creator, made at created. An existing signature is replaced.
func Sign(body []byte, key *rsa.PrivateKey, creator string, created time.Time) ([]byte, error) {
	if len(body) > MaxDocument {
		return nil, fmt.Errorf("%w: document larger than %d bytes", ErrUnsupported, MaxDocument)
	}
	doc, err := decode(body)
	if err != nil {
		return nil, err
	}
	options := map[string]any{"creator": creator, "created": created.UTC().Format("2006-01-02T15:04:05Z")}
	data, _, err := toBeSigned(doc, options)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return nil, err
	}
	doc["signature"] = map[string]any{"type": Type, "creator": creator, "created": options["created"],
		"signatureValue": base64.StdEncoding.EncodeToString(sig)}
	return json.Marshal(doc)
}

// toBeSigned is the string that is signed: the hex SHA-256 of the
// canonical options, then of the canonical document without its
// signature.
func toBeSigned(doc, options map[string]any) ([]byte, []string, error) {
	opts := make(map[string]any, len(options)+1)
	for k, v := range options {
		opts[k] = v
	}
	opts["@context"] = optionsContext
	optsHash, _, err := hashDocument(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("signature options: %w", err)
	}
	rest := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "signature" {
			rest[k] = v
		}
	}
	docHash, dropped, err := hashDocument(rest)
	if err != nil {
		return nil, nil, err
	}
	return []byte(optsHash + docHash), dropped, nil
}

// hashDocument is the hex SHA-256 of the canonical N-Quads of doc.
func hashDocument(doc map[string]any) (string, []string, error) {
	nq, dropped, err := Canonical(doc)
	if err != nil {
		return "", nil, err
	}
	return hashString(nq), dropped, nil
}

// Canonical returns the URDNA2015 canonical N-Quads of a JSON-LD document,
// and the properties that the canonical form leaves out.
func Canonical(doc map[string]any) (string, []string, error) {
	quads, dropped, err := toRDF(doc)
	if err != nil {
		return "", nil, err
	}
	nq, err := canonicalize(quads)
	return nq, dropped, err
}

// CanonicalJSON is Canonical for a JSON text.
func CanonicalJSON(body []byte) (string, []string, error) {
	doc, err := decode(body)
	if err != nil {
		return "", nil, err
	}
	return Canonical(doc)
}

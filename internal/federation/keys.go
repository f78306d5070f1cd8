package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/store"
)

// Limits of the remote key cache.
const (
	// KeyRefetchInterval is how soon a cached key may be fetched again after
	// a failed verification: a forged signature cannot make us fetch a key
	// on every request.
	KeyRefetchInterval = time.Minute
	// maxActorDocument bounds a fetched actor or key document.
	maxActorDocument = 1 << 20
	acceptActivity   = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
)

// Limits of the in-memory layer of the key cache.
const (
	// keyMemoryTTL is how long a key read from remote_keys is used from
	// memory before it is read again (a rotation seen by another node
	// reaches this one within it; a failed verification refreshes at once).
	keyMemoryTTL = 5 * time.Minute
	// keyMemoryMax bounds the keys held in memory.
	keyMemoryMax = 10000
)

// keyCache resolves keyIds through the remote_keys table, fetching
// unknown (and, on request, stale) keys with a signed GET. Keys used
// recently are also held in memory, so that verifying the signatures of
// busy remote servers costs no database read.
type keyCache struct {
	h   *Handler
	mu  sync.Mutex
	mem map[string]memKey
	// signing chooses the signature scheme of outgoing requests
	// (AGORA_HTTP_SIGNATURES); draft-cavage when nil.
	signing     *signingPolicy
	signingOnce sync.Once
}

// policy is the signature scheme policy of outgoing requests.
func (c *keyCache) policy() *signingPolicy {
	c.signingOnce.Do(func() {
		if c.signing == nil {
			c.signing = newSigningPolicy(SignCavage)
		}
	})
	return c.signing
}

type memKey struct {
	key      *httpsig.Key
	loadedAt time.Time
}

func (c *keyCache) remember(k *httpsig.Key) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mem == nil {
		c.mem = map[string]memKey{}
	}
	if len(c.mem) >= keyMemoryMax {
		for id := range c.mem { // drop an arbitrary tenth
			delete(c.mem, id)
			if len(c.mem) < keyMemoryMax*9/10 {
				break
			}
		}
	}
	c.mem[k.ID] = memKey{key: k, loadedAt: c.h.Now()}
}

// ResolveKey implements httpsig.KeyResolver.
func (c *keyCache) ResolveKey(ctx context.Context, keyID string, refresh bool) (*httpsig.Key, error) {
	if !refresh {
		c.mu.Lock()
		m, ok := c.mem[keyID]
		c.mu.Unlock()
		if ok && c.h.Now().Sub(m.loadedAt) < keyMemoryTTL {
			return m.key, nil
		}
	}
	cached, err := c.h.Store.RemoteKey(ctx, keyID)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}
	if cached != nil {
		fresh := c.h.Now().Sub(time.UnixMilli(cached.FetchedAt)) < KeyRefetchInterval
		if !refresh || fresh {
			k := &httpsig.Key{ID: keyID, Owner: cached.OwnerURI, PEM: cached.PublicKey}
			c.remember(k)
			return k, nil
		}
	}
	k, err := c.fetch(ctx, keyID)
	if err != nil {
		return nil, err
	}
	if err := c.h.Store.SaveRemoteKey(ctx, &store.RemoteKey{KeyID: k.ID, OwnerURI: k.Owner, PublicKey: k.PEM}); err != nil {
		return nil, err
	}
	c.remember(k)
	return k, nil
}

// remoteKeyDoc is the part of an actor or key document that names a key.
type remoteKeyDoc struct {
	ID           string          `json:"id"`
	Type         any             `json:"type"`
	Owner        string          `json:"owner"`
	PublicKeyPem string          `json:"publicKeyPem"`
	PublicKey    json.RawMessage `json:"publicKey"`
}

// fetch dereferences keyID: either an actor document carrying the key in
// publicKey (Mastodon's "actor#main-key"), or a key document naming its
// owner. The key and its owner must be on the keyId's host.
func (c *keyCache) fetch(ctx context.Context, keyID string) (*httpsig.Key, error) {
	u, err := url.Parse(keyID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("keyId %q is not an http(s) URL", keyID)
	}
	docURL := *u
	docURL.Fragment = ""
	body, err := c.h.SignedGet(ctx, docURL.String(), maxActorDocument)
	if err != nil {
		return nil, fmt.Errorf("fetch key: %w", err)
	}
	var doc remoteKeyDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("fetch key: %s is not JSON: %w", docURL.String(), err)
	}
	var k *httpsig.Key
	if doc.PublicKeyPem != "" { // a key document
		k = &httpsig.Key{ID: doc.ID, Owner: doc.Owner, PEM: doc.PublicKeyPem}
	} else { // an actor: publicKey is one object or a list of them
		var keys []remoteKeyDoc
		if bytes.HasPrefix(bytes.TrimSpace(doc.PublicKey), []byte("[")) {
			_ = json.Unmarshal(doc.PublicKey, &keys)
		} else {
			var one remoteKeyDoc
			if json.Unmarshal(doc.PublicKey, &one) == nil {
				keys = append(keys, one)
			}
		}
		for _, pk := range keys {
			if pk.ID == keyID && pk.PublicKeyPem != "" {
				k = &httpsig.Key{ID: pk.ID, Owner: doc.ID, PEM: pk.PublicKeyPem}
				if pk.Owner != "" && pk.Owner != doc.ID {
					return nil, fmt.Errorf("key %s: owner %s is not the actor %s", keyID, pk.Owner, doc.ID)
				}
			}
		}
	}
	if k == nil || k.ID != keyID {
		return nil, fmt.Errorf("key %s: not found in %s", keyID, docURL.String())
	}
	if k.Owner == "" || !sameHost(k.Owner, keyID) {
		return nil, fmt.Errorf("key %s: owner %q is not on the key's host", keyID, k.Owner)
	}
	if _, err := httpsig.ParsePublicKey(k.PEM); err != nil {
		return nil, fmt.Errorf("key %s: %w", keyID, err)
	}
	return k, nil
}

// sameHost reports whether two URLs have the same scheme-less host (the
// origin check of ActivityPub ids).
func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && strings.EqualFold(ua.Host, ub.Host)
}

// ErrNotAllowed is the error of a fetch from a domain not allowed in
// allow-list mode.
var ErrNotAllowed error = domain.Forbidden("the domain is not allowed (allow-list mode)")

// SignedGet fetches an ActivityPub document, signed by the instance actor
// (servers in authorized-fetch mode require signed GETs). Suspended
// domains, and in allow-list mode domains not allowed, are not fetched.
func (h *Handler) SignedGet(ctx context.Context, rawURL string, limit int64) ([]byte, error) {
	h.init()
	switch fed, err := h.federation(ctx, hostOf(rawURL)); {
	case err != nil:
		return nil, err
	case fed == hostSuspended:
		return nil, fmt.Errorf("fetch %s: %w", rawURL, domain.Forbidden("the domain is suspended"))
	case fed == hostNotAllowed:
		return nil, fmt.Errorf("fetch %s: %w", rawURL, ErrNotAllowed)
	}
	var body []byte
	status, err := h.keys.policy().send(hostOf(rawURL), h.Now(), func(rfc9421 bool) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Accept", acceptActivity)
		if err := h.signAsInstance(ctx, req, nil, rfc9421); err != nil {
			return 0, err
		}
		res, b, err := h.Client.Fetch(req, limit)
		if err != nil {
			return 0, err
		}
		body = b
		return res.StatusCode, nil
	})
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		return nil, &httpclient.StatusError{URL: rawURL, Status: status}
	}
	return body, nil
}

// signAsInstance signs req with the instance actor's key: an RFC 9421
// message signature when rfc9421 is set, else draft-cavage.
func (h *Handler) signAsInstance(ctx context.Context, req *http.Request, body []byte, rfc9421 bool) error {
	keys, err := h.Store.InstanceActorKeys(ctx, httpsig.GenerateKey)
	if err != nil {
		return err
	}
	priv, err := httpsig.ParsePrivateKey(keys.Private)
	if err != nil {
		return err
	}
	sign := httpsig.Sign
	if rfc9421 {
		sign = httpsig.SignMessage
	}
	return sign(req, activitypub.KeyID(h.Cfg.URL+"/actor"), priv, body, h.Now())
}

// SignAs signs req as the local account (for deliveries), creating the
// account's keys on first need. body is the exact request body.
func (h *Handler) SignAs(ctx context.Context, req *http.Request, a *domain.Account, body []byte) error {
	h.init()
	keys, err := h.Store.AccountKeys(ctx, a.ID, httpsig.GenerateKey)
	if err != nil {
		return err
	}
	priv, err := httpsig.ParsePrivateKey(keys.Private)
	if err != nil {
		return err
	}
	return httpsig.Sign(req, activitypub.KeyID(h.actorURI(a)), priv, body, h.Now())
}

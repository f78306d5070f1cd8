// Package federation serves the ActivityPub endpoints (actors, collections,
// inboxes) and holds what federation needs around them: the remote key
// cache, request signing with local keys, and the inbox worker.
package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/httpclient"
	"github.com/agora-social/agora/internal/httpsig"
	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/store"
)

// Handler serves the ActivityPub endpoints.
type Handler struct {
	Cfg   *config.Config
	Log   *slog.Logger
	Store *store.Store
	Jobs  *jobs.Queue
	// Client is the outgoing HTTP client; built from Cfg when nil.
	Client *httpclient.Client
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MediaURL is the public URL of a stored media file (the media
	// service's); nil leaves local attachments out of federated notes.
	MediaURL func(key string) string
	// PollTallyDelay is the delay before a poll's new tallies are sent;
	// PollTallyDelay (a minute) when zero. Tests shorten it.
	PollTallyDelay time.Duration

	once         sync.Once
	registerOnce sync.Once
	ingestOnce   sync.Once
	ingest       *ingest // the inbox's batching state (ingest.go)
	verifier     *httpsig.Verifier
	keys         *keyCache
	rules        hostRules // the inbox's cache of domain rules (hosts_rules.go)
}

func (h *Handler) init() {
	h.once.Do(func() {
		if h.Now == nil {
			h.Now = time.Now
		}
		if h.Log == nil {
			h.Log = slog.Default()
		}
		if h.Client == nil {
			h.Client = httpclient.New(httpclient.Config{
				AllowPrivate: h.Cfg.AllowPrivate,
				UserAgent:    httpclient.UserAgent(domain.Version, h.Cfg.URL),
			})
		}
		h.keys = &keyCache{h: h, signing: newSigningPolicy(h.Cfg.Federation.Signatures)}
		scheme, _, _ := strings.Cut(h.Cfg.URL, "://")
		h.verifier = &httpsig.Verifier{Keys: h.keys, Now: h.Now, Scheme: scheme}
	})
}

// RegisterWorkers adds the federation workers (inbox processing with
// process, delivery) to the queue; call it before the queue starts. Calls
// after the first do nothing.
func (h *Handler) RegisterWorkers(process InboxProcessor) {
	h.init()
	h.registerOnce.Do(func() {
		h.registerInbound(process)
		h.registerOutbound()
	})
}

// Register adds the ActivityPub routes.
func (h *Handler) Register(mux *http.ServeMux) {
	h.init()
	mux.HandleFunc("GET /users/{name}", h.actor)
	mux.HandleFunc("GET /users/{name}/followers", h.followers)
	mux.HandleFunc("GET /users/{name}/following", h.following)
	mux.HandleFunc("GET /users/{name}/outbox", h.outbox)
	mux.HandleFunc("GET /users/{name}/collections/featured", h.featured)
	mux.HandleFunc("GET /users/{name}/collections/tags", h.featuredTags)
	mux.HandleFunc("GET /users/{name}/statuses/{id}", h.status)
	mux.HandleFunc("GET /users/{name}/statuses/{id}/activity", h.statusActivity)
	mux.HandleFunc("GET /users/{name}/statuses/{id}/quotes/{quoting}", h.signedDocument(h.quoteAuthorization))
	mux.HandleFunc("POST /users/{name}/inbox", h.inbox)
	mux.HandleFunc("POST /inbox", h.inbox)
	mux.HandleFunc("GET /actor", h.instanceActor)
	mux.HandleFunc("POST /actor/inbox", h.inbox)
	mux.HandleFunc("GET /emojis/{id}", h.ServeEmoji) // emojis.go
	mux.HandleFunc("GET /actor/outbox", h.instanceOutbox)
	h.registerInteractions(mux) // interactions.go: approvals of replies, likes and boosts
}

// wantsActivityJSON reports whether the Accept header asks for ActivityPub
// JSON (activity+json, ld+json or plain json) rather than a web page.
func wantsActivityJSON(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/activity+json", "application/ld+json", "application/json":
			return true
		}
	}
	return false
}

// writeAP writes an ActivityPub document.
func writeAP(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", activitypub.ContentType+"; charset=utf-8")
	w.Header().Add("Vary", "Accept")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes {"error": msg} with status, as the rest of agora does.
func writeError(w http.ResponseWriter, status int, msg string) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fetcher is the remote actor that signed a GET of an ActivityPub document.
type fetcher struct {
	host string          // the host of the key's owner, lower case
	acct *domain.Account // the key's owner's account here; nil when unknown
}

// signed reports whether r carries an HTTP signature (either kind).
func signed(r *http.Request) bool {
	return r.Header.Get("Signature") != "" || r.Header.Get("Signature-Input") != ""
}

// fetchSigner verifies the signature of a GET of owner's documents (owner
// nil for documents of the server) and checks the signer may read them: its
// domain federates with us (403 otherwise), and owner neither blocks it nor
// hides its domain (404, as for a missing document). A request without a
// valid signature is refused with 401 when required (authorized-fetch
// mode); otherwise it yields a nil signer. ok false means the refusal is
// written.
func (h *Handler) fetchSigner(w http.ResponseWriter, r *http.Request, owner *domain.Account, required bool) (s *fetcher, ok bool) {
	ctx := r.Context()
	if !signed(r) {
		if required {
			writeError(w, http.StatusUnauthorized, "Request not signed")
			return nil, false
		}
		return nil, true
	}
	v, err := h.verifier.Verify(ctx, r, nil)
	if err != nil {
		h.Log.Debug("fetch: signature refused", "err", err, "remote", r.RemoteAddr)
		if required {
			writeError(w, http.StatusUnauthorized, "Verification failed: "+err.Error())
			return nil, false
		}
		return nil, true // served as an unsigned request would be
	}
	s = &fetcher{host: hostOf(v.Owner)}
	switch fed, err := h.federation(ctx, s.host); {
	case err != nil:
		h.Log.Error("fetch: domain block", "err", err)
		writeError(w, http.StatusServiceUnavailable, "Could not check the signer; try again later")
		return nil, false
	case fed != hostFederates:
		writeError(w, http.StatusForbidden, "This server does not federate with your domain")
		return nil, false
	}
	s.acct, err = h.Store.AccountByURI(ctx, v.Owner)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		h.Log.Error("fetch: load signer", "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return nil, false
	}
	if owner == nil {
		return s, true
	}
	hidden, err := h.Store.BlocksDomain(ctx, owner.ID, s.host)
	if err == nil && !hidden && s.acct != nil {
		hidden, err = h.Store.BlockedEither(ctx, owner.ID, s.acct.ID)
	}
	if err != nil {
		h.Log.Error("fetch: blocks", "err", err)
		writeError(w, http.StatusInternalServerError, "An internal error occurred")
		return nil, false
	}
	if hidden {
		writeError(w, http.StatusNotFound, "Record not found")
		return nil, false
	}
	return s, true
}

// signedDocument requires, in authorized-fetch mode, a valid signature
// from a reader the owner (the path's {name}) lets read, before next serves
// one of the owner's documents: for handlers that do not check it
// themselves (quote authorizations).
func (h *Handler) signedDocument(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.Cfg.Federation.AuthorizedFetch {
			a := h.localAccount(w, r)
			if a == nil || !h.authorizedFetch(w, r, a) {
				return
			}
		}
		next(w, r)
	}
}

// authorizedFetch is fetchSigner for documents that, in authorized-fetch
// mode, need a signature; outside it every request passes unverified.
func (h *Handler) authorizedFetch(w http.ResponseWriter, r *http.Request, owner *domain.Account) bool {
	if !h.Cfg.Federation.AuthorizedFetch {
		return true
	}
	_, ok := h.fetchSigner(w, r, owner, true)
	return ok
}

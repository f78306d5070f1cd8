// Package mastodon serves the Mastodon client API (/api/v1, /api/v2): it
// decodes, authenticates, authorizes, calls one service method and renders
// Mastodon's entities. The rules live in the services.
package mastodon

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/media"
	"github.com/agora-social/agora/internal/ratelimit"
	"github.com/agora-social/agora/internal/store"
)

// Version is agora's version, shown in the instance's version string.
const Version = domain.Version

// API holds the dependencies of the Mastodon API handlers.
type API struct {
	Cfg      *config.Config
	Log      *slog.Logger
	Store    *store.Store
	Accounts *accounts.Service
	// Streaming serves /api/v1/streaming (WebSocket and server-sent
	// events) when set; the streaming package provides it.
	Streaming http.Handler
	// Resolver finds remote accounts and statuses over federation for
	// search with resolve=true and account lookup; nil: local only.
	Resolver Resolver
	// Media stores uploads, avatars and headers and serves stored files;
	// nil refuses uploads.
	Media *media.Service

	limitIP      *ratelimit.Limiter // every request, by IP (unauthenticated)
	limitAccount *ratelimit.Limiter // every request, by account
	limitSignUp  *ratelimit.Limiter // sign-ups, by IP
	limitPost    *ratelimit.Limiter // statuses and media, by account
}

// Resolver finds remote accounts and statuses, fetching and storing them
// when they are not known yet (the federation package implements it).
type Resolver interface {
	// ResolveAccount finds username@host (WebFinger, then the actor).
	ResolveAccount(ctx context.Context, username, host string) (*domain.Account, error)
	// ResolveURL finds the account or the status an http(s) URL names
	// (one of the two results is nil).
	ResolveURL(ctx context.Context, rawURL string) (*domain.Account, *domain.Status, error)
}

// Rate limits, as Mastodon's defaults (docs/api.md).
const (
	LimitRequests        = 300 // per 5 minutes per IP or account
	LimitSignUps         = 5   // per 30 minutes per IP
	LimitStatusesPerHour = 300 // statuses per 3 hours in Mastodon; agora counts per hour
)

// New returns the API with its rate limiters.
func New(cfg *config.Config, log *slog.Logger, st *store.Store, acc *accounts.Service) *API {
	return &API{
		Cfg: cfg, Log: log, Store: st, Accounts: acc,
		limitIP:      ratelimit.New(LimitRequests, 5*time.Minute, st.Now),
		limitAccount: ratelimit.New(LimitRequests, 5*time.Minute, st.Now),
		limitSignUp:  ratelimit.New(LimitSignUps, 30*time.Minute, st.Now),
		limitPost:    ratelimit.New(LimitStatusesPerHour, time.Hour, st.Now),
	}
}

// Viewer is who makes a request: a user's token, an app's token, or nobody.
type Viewer struct {
	Token   *domain.Token
	User    *domain.User    // nil for app tokens and anonymous requests
	Account *domain.Account // nil for app tokens and anonymous requests
}

// AccountID is the viewer's account id, 0 when anonymous.
func (v *Viewer) AccountID() domain.ID {
	if v == nil || v.Account == nil {
		return 0
	}
	return v.Account.ID
}

// handler is an API handler: it returns an error instead of writing one.
type handler func(w http.ResponseWriter, r *http.Request, v *Viewer) error

// access says who may call an endpoint.
type access int

const (
	anyone   access = iota // token optional
	appToken               // any valid token (app or user)
	userOnly               // a user's token
)

// endpoint wraps h with authentication, the scope check and rate limits.
func (a *API) endpoint(acc access, scope string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := a.authenticate(r)
		if err != nil {
			rest.Error(w, r, a.Log, err)
			return
		}
		if !a.rateLimit(w, r, v) {
			return
		}
		switch {
		case acc == userOnly && (v.Token == nil || v.User == nil):
			if v.Token == nil {
				rest.JSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
			} else {
				rest.JSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "This method requires an authenticated user"})
			}
			return
		case acc == appToken && v.Token == nil:
			rest.JSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
			return
		}
		if scope != "" && v.Token != nil && !v.Token.Scopes.Has(scope) {
			rest.JSON(w, http.StatusForbidden, map[string]string{"error": "This action is outside the authorized scopes"})
			return
		}
		if v.User != nil && (v.User.Disabled || !v.User.Approved) {
			rest.JSON(w, http.StatusForbidden, map[string]string{"error": "Your login is currently disabled"})
			return
		}
		// A suspended account may still read who it is and its statements
		// of reasons, and appeal (DSA Art. 20); nothing else.
		if v.Account != nil && v.Account.SuspendedAt != nil && !suspendedMayUse(r) {
			rest.JSON(w, http.StatusForbidden, map[string]string{"error": "Your account is suspended; see your statements of reasons to appeal"})
			return
		}
		if err := h(w, r, v); err != nil {
			rest.Error(w, r, a.Log, err)
		}
	}
}

// suspendedMayUse lists what a suspended account's token can still reach.
func suspendedMayUse(r *http.Request) bool {
	p := r.URL.Path
	return p == "/api/v1/accounts/verify_credentials" || strings.HasPrefix(p, "/api/agora/v1/statements")
}

// authenticate resolves the bearer token, if any. A token that is given
// but unknown is an error (401), as in Mastodon.
func (a *API) authenticate(r *http.Request) (*Viewer, error) {
	tok := BearerToken(r)
	if tok == "" {
		return &Viewer{}, nil
	}
	t, u, acct, err := a.Store.Authenticate(r.Context(), auth.HashSecret(tok))
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, domain.E(domain.KindUnauthorized, "The access token is invalid")
		}
		return nil, err
	}
	return &Viewer{Token: t, User: u, Account: acct}, nil
}

// BearerToken returns the token of an Authorization: Bearer header or of
// the access_token query parameter (streaming clients use it).
func BearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return r.URL.Query().Get("access_token")
}

func (a *API) rateLimit(w http.ResponseWriter, r *http.Request, v *Viewer) bool {
	if !a.Cfg.RateLimits {
		return true
	}
	var res ratelimit.Result
	if v.Account != nil {
		res = a.limitAccount.Allow(v.Account.ID.String())
	} else {
		res = a.limitIP.Allow(ClientIP(r))
	}
	return writeLimit(w, res)
}

func writeLimit(w http.ResponseWriter, res ratelimit.Result) bool {
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(res.Limit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(res.Remaining))
	w.Header().Set("X-RateLimit-Reset", res.Reset.UTC().Format("2006-01-02T15:04:05.000Z"))
	if !res.Allowed {
		rest.JSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests"})
		return false
	}
	return true
}

// limit applies an extra limiter (sign-ups, posting) keyed by key.
func (a *API) limit(w http.ResponseWriter, l *ratelimit.Limiter, key string) bool {
	if !a.Cfg.RateLimits {
		return true
	}
	return writeLimit(w, l.Allow(key))
}

// ClientIP is the address of the peer. agora does not trust X-Forwarded-For
// unless it comes from loopback (a local reverse proxy).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return host
}

// params parses the request parameters.
func params(r *http.Request) (*rest.Params, error) { return rest.ParseParams(r) }

// pathID reads an id from the URL path; a malformed id is "not found".
func pathID(r *http.Request, name string) (domain.ID, error) {
	id, ok := domain.ParseID(r.PathValue(name))
	if !ok {
		return 0, domain.NotFound()
	}
	return id, nil
}

type ctxKey struct{}

// WithViewer stores a viewer in a context (for code that renders entities
// outside a handler, such as streaming).
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

package oauth

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/auth"
)

// tokenResponse is RFC 6749's access token response, as Mastodon sends it.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	CreatedAt   int64  `json:"created_at"`
}

// oauthError writes an RFC 6749 error (or logs an internal one).
func (h *Handler) oauthError(w http.ResponseWriter, r *http.Request, err error) {
	var oe *auth.Error
	if !errors.As(err, &oe) {
		rest.Error(w, r, h.Log, err)
		return
	}
	if oe.Status() == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="agora"`)
	}
	rest.JSON(w, oe.Status(), map[string]string{"error": oe.Code, "error_description": oe.Description})
}

// clientCredentials reads client_id and client_secret from the body, or
// from HTTP Basic authentication (RFC 6749 2.3.1: form-encoded inside).
func clientCredentials(r *http.Request, p *rest.Params) (id, secret string) {
	id, secret = p.String("client_id"), p.String("client_secret")
	if u, pw, ok := r.BasicAuth(); ok {
		if v, err := url.QueryUnescape(u); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(pw); err == nil {
			secret = v
		}
	}
	return id, secret
}

// token is POST /oauth/token (form or JSON body).
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	p, err := rest.ParseParams(r)
	if err != nil {
		rest.JSON(w, http.StatusBadRequest, map[string]string{"error": auth.ErrInvalidRequest, "error_description": err.Error()})
		return
	}
	id, secret := clientCredentials(r, p)
	t, err := h.oauth.Token(r.Context(), auth.TokenRequest{
		GrantType: p.String("grant_type"), ClientID: id, ClientSecret: secret, Code: p.String("code"),
		RedirectURI: p.String("redirect_uri"), CodeVerifier: p.String("code_verifier"), Scope: p.String("scope"),
	})
	if err != nil {
		h.oauthError(w, r, err)
		return
	}
	rest.OK(w, tokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", Scope: t.Token.Scopes.String(),
		CreatedAt: t.Token.CreatedAt.Unix()})
}

// revoke is POST /oauth/revoke (RFC 7009): 200 {} whether or not the token
// existed, for an authenticated client.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	p, err := rest.ParseParams(r)
	if err != nil {
		rest.JSON(w, http.StatusBadRequest, map[string]string{"error": auth.ErrInvalidRequest, "error_description": err.Error()})
		return
	}
	id, secret := clientCredentials(r, p)
	if err := h.oauth.Revoke(r.Context(), id, secret, p.String("token")); err != nil {
		h.oauthError(w, r, err)
		return
	}
	rest.OK(w, struct{}{})
}

// scopesSupported lists every scope agora knows, as Mastodon advertises them.
var scopesSupported = []string{
	"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
	"read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications",
	"write:reports", "write:statuses",
	"admin:read", "admin:read:accounts", "admin:read:reports", "admin:read:domain_allows",
	"admin:read:domain_blocks", "admin:read:ip_blocks", "admin:read:email_domain_blocks",
	"admin:read:canonical_email_blocks",
	"admin:write", "admin:write:accounts", "admin:write:reports", "admin:write:domain_allows",
	"admin:write:domain_blocks", "admin:write:ip_blocks", "admin:write:email_domain_blocks",
	"admin:write:canonical_email_blocks",
}

// metadata is RFC 8414's authorization server metadata; advertising S256
// makes clients such as Phanpy use PKCE.
func (h *Handler) metadata(w http.ResponseWriter, r *http.Request) {
	base := h.Cfg.URL
	rest.OK(w, map[string]any{
		"issuer":                                base + "/",
		"authorization_endpoint":                base + "/oauth/authorize",
		"token_endpoint":                        base + "/oauth/token",
		"revocation_endpoint":                   base + "/oauth/revoke",
		"userinfo_endpoint":                     base + "/oauth/userinfo",
		"app_registration_endpoint":             base + "/api/v1/apps",
		"scopes_supported":                      scopesSupported,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "client_credentials"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"service_documentation":                 "https://docs.joinmastodon.org/",
	})
}

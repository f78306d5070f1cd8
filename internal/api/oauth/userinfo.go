package oauth

import (
	"net/http"

	"github.com/agora-social/agora/internal/api/mastodon"
	"github.com/agora-social/agora/internal/api/rest"
	"github.com/agora-social/agora/internal/auth"
	"github.com/agora-social/agora/internal/domain"
)

// userinfo is GET /oauth/userinfo (OpenID Connect's claims, as Mastodon
// 4.4 serves them): who the token's user is, for apps that only need a
// login ("profile" scope).
func (h *Handler) userinfo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	bad := func(status int, code, desc string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`"`)
		rest.JSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	tok := mastodon.BearerToken(r)
	if tok == "" {
		bad(http.StatusUnauthorized, "invalid_token", "An access token is required.")
		return
	}
	t, u, a, err := h.Store.Authenticate(r.Context(), auth.HashSecret(tok))
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			bad(http.StatusUnauthorized, "invalid_token", "The access token is invalid.")
			return
		}
		rest.Error(w, r, h.Log, err)
		return
	}
	if u == nil || u.Disabled || !u.Approved {
		bad(http.StatusForbidden, "insufficient_scope", "This token does not belong to a user who can sign in.")
		return
	}
	if !t.Scopes.Has("profile") && !t.Scopes.Has("read:accounts") {
		bad(http.StatusForbidden, "insufficient_scope", "The profile or read:accounts scope is required.")
		return
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	picture := a.AvatarURL
	if picture == "" {
		picture = h.Cfg.URL + mastodon.AvatarMissing
	}
	rest.OK(w, map[string]string{
		"iss":                h.Cfg.URL + "/",
		"sub":                a.URI,
		"name":               name,
		"preferred_username": a.Username,
		"profile":            a.URL,
		"picture":            picture,
	})
}

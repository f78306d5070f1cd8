// Package oauth serves OAuth 2 (/oauth/authorize, /oauth/token,
// /oauth/revoke, /.well-known/oauth-authorization-server), the web login
// session it needs, and the first-admin setup page.
package oauth

import (
	"log/slog"
	"net/http"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/store"
)

// Handler serves the OAuth endpoints.
type Handler struct {
	Cfg      *config.Config
	Log      *slog.Logger
	Store    *store.Store
	Accounts *accounts.Service
}

// Register adds the OAuth routes.
func (h *Handler) Register(mux *http.ServeMux) {}

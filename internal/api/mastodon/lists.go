package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/domain"
)

// registerLists adds lists, filters, markers, preferences, tags, search,
// conversations and the small endpoints (announcements, trends, suggestions).
func (a *API) registerLists(mux *http.ServeMux) {}

// FilterResult is Mastodon's FilterResult entity, set on a status's
// "filtered" array.
type FilterResult struct {
	Filter         any      `json:"filter"`
	KeywordMatches []string `json:"keyword_matches"`
	StatusMatches  []string `json:"status_matches"`
}

// filterResults returns, for each status the viewer's active filters match
// in filterContext (home, notifications, public, thread, account), the
// results to render in "filtered". Status rendering calls it.
func (a *API) filterResults(ctx context.Context, v *Viewer, filterContext string, statuses []*domain.Status) (map[domain.ID][]FilterResult, error) {
	return map[domain.ID][]FilterResult{}, nil
}

package mastodon

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/domain"
)

// registerStatuses adds statuses, timelines, notifications and polls.
func (a *API) registerStatuses(mux *http.ServeMux) {}

// renderStatuses loads and renders statuses for a viewer, in the order of
// ids, dropping those the viewer may not see. Other endpoint groups (lists,
// conversations, search, bookmarks) call it.
func (a *API) renderStatuses(ctx context.Context, v *Viewer, ids []domain.ID, filterContext string) ([]any, error) {
	return []any{}, nil
}

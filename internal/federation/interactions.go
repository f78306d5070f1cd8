package federation

import (
	"context"
	"net/http"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// registerInteractions adds the routes of interaction approvals.
func (h *Handler) registerInteractions(mux *http.ServeMux) {}

// answerInteraction handles an Accept or Reject of a reply, like or boost
// that needed the author's approval; handled is false when doc answers
// something else.
func (p *Processor) answerInteraction(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming, accept bool) (handled bool, err error) {
	return false, nil
}

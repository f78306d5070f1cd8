package federation

import (
	"context"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// answerQuote handles an Accept or Reject of a QuoteRequest this server
// sent; handled is false when doc answers something else.
func (p *Processor) answerQuote(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming, accept bool) (handled bool, err error) {
	return false, nil
}

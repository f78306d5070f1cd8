package federation

import (
	"context"
	"errors"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// errNotRelayed refuses an activity signed by someone other than its actor.
var errNotRelayed = errors.New("signed request actor does not match the activity's actor")

// withRelays adds the relays' inboxes to the audience of a public activity.
func (h *Handler) withRelays(ctx context.Context, actor *domain.Account, o store.Outgoing, acts []any, inboxes []string) ([]any, []string, error) {
	return acts, inboxes, nil
}

// acceptRelayed decides on an activity whose HTTP signer (signer) is not
// its actor: nil accepts it.
func (h *Handler) acceptRelayed(ctx context.Context, signer, actor string, body []byte) error {
	return errNotRelayed
}

// answerRelay handles the Accept or Reject of a relay subscription.
func (p *Processor) answerRelay(ctx context.Context, actor *domain.Account, doc *activitypub.Incoming, accept bool) (bool, error) {
	return false, nil
}

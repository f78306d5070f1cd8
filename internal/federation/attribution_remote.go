package federation

import (
	"context"
	"encoding/json"

	"github.com/agora-social/agora/internal/accounts"
	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
)

// remoteAttributionDomains are the valid domain names of a received
// actor's attributionDomains, normalized as local ones are (lowercase,
// punycode, no duplicates; at most activitypub.MaxAttributionDomains):
// invalid entries are skipped, not a reason to refuse the actor.
func remoteAttributionDomains(raw json.RawMessage) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, d := range activitypub.AttributionDomains(raw) {
		if n, ok := accounts.NormalizeDomain(d); ok && n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// storeAttributionDomains stores the attributionDomains of a received
// actor on its account; an actor without them has none (an Update that
// drops them clears them).
func (r *resolver) storeAttributionDomains(ctx context.Context, account domain.ID, raw json.RawMessage) error {
	return r.h.Store.SetAttributionDomains(ctx, account, remoteAttributionDomains(raw))
}

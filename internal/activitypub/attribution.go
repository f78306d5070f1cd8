package activitypub

import (
	"bytes"
	"encoding/json"
)

// MaxAttributionDomains bounds the attributionDomains read from a remote
// actor (Mastodon accepts 100 per account).
const MaxAttributionDomains = 100

// AttributionDomains reads an actor's attributionDomains (Mastodon's
// toot:attributionDomains): one domain or a list of them, as strings or
// as objects with an id; anything else is skipped, never a reason to
// refuse the actor. At most MaxAttributionDomains are kept; the caller
// validates them as domain names.
func AttributionDomains(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	var items []json.RawMessage
	if raw[0] == '[' {
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
	} else {
		items = []json.RawMessage{raw}
	}
	var out []string
	for _, it := range items {
		if len(out) == MaxAttributionDomains {
			break
		}
		var r Ref
		if json.Unmarshal(it, &r) == nil && r.ID != "" {
			out = append(out, r.ID)
		}
	}
	return out
}

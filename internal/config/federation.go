package config

import (
	"fmt"
	"strconv"
)

// Federation modes (AGORA_FEDERATION_MODE).
const (
	// FederationBlocklist federates with every domain not suspended by a
	// domain block (the default).
	FederationBlocklist = "blocklist"
	// FederationAllowlist federates only with the domains an admin allowed
	// (/api/v1/admin/domain_allows), as Mastodon's limited federation mode.
	FederationAllowlist = "allowlist"
)

// Federation is the configuration of federation beyond the basics
// (docs/federation.md, "Delivery", "Authorized fetch", "Allow-list mode").
type Federation struct {
	// HostConcurrency is how many deliveries one node sends to one remote
	// host at a time (AGORA_FEDERATION_HOST_CONCURRENCY, default 4).
	HostConcurrency int
	// CircuitFailures is how many consecutive failed deliveries make a host
	// unavailable: its deliveries then wait, except one probe at a time
	// (AGORA_FEDERATION_CIRCUIT_FAILURES, default 10).
	CircuitFailures int
	// AuthorizedFetch requires a valid HTTP signature on GETs of ActivityPub
	// documents, as Mastodon's secure mode
	// (AGORA_FEDERATION_AUTHORIZED_FETCH, default false).
	AuthorizedFetch bool
	// Mode is FederationBlocklist or FederationAllowlist
	// (AGORA_FEDERATION_MODE, default blocklist).
	Mode string
	// Signatures is how outgoing requests are signed
	// (AGORA_HTTP_SIGNATURES): "cavage" (draft-cavage, the default),
	// "rfc9421" (RFC 9421 only) or "double-knock" (RFC 9421 first, then
	// draft-cavage for a day for a host that answers 401 or 400).
	Signatures string
}

// Allowlist reports whether only allowed domains federate.
func (c *Federation) Allowlist() bool { return c.Mode == FederationAllowlist }

// load reads the federation settings.
func (c *Federation) load(get func(k, def string) string) error {
	var err error
	if c.HostConcurrency, err = strconv.Atoi(get("AGORA_FEDERATION_HOST_CONCURRENCY", "4")); err != nil || c.HostConcurrency < 1 || c.HostConcurrency > 64 {
		return fmt.Errorf("AGORA_FEDERATION_HOST_CONCURRENCY: want a number from 1 to 64")
	}
	if c.CircuitFailures, err = strconv.Atoi(get("AGORA_FEDERATION_CIRCUIT_FAILURES", "10")); err != nil || c.CircuitFailures < 1 || c.CircuitFailures > 1000 {
		return fmt.Errorf("AGORA_FEDERATION_CIRCUIT_FAILURES: want a number from 1 to 1000")
	}
	if c.AuthorizedFetch, err = strconv.ParseBool(get("AGORA_FEDERATION_AUTHORIZED_FETCH", "false")); err != nil {
		return fmt.Errorf("AGORA_FEDERATION_AUTHORIZED_FETCH: want true or false")
	}
	switch c.Mode = get("AGORA_FEDERATION_MODE", FederationBlocklist); c.Mode {
	case FederationBlocklist, FederationAllowlist:
	default:
		return fmt.Errorf("AGORA_FEDERATION_MODE: want blocklist or allowlist")
	}
	switch c.Signatures = get("AGORA_HTTP_SIGNATURES", "cavage"); c.Signatures {
	case "cavage", "rfc9421", "double-knock":
	default:
		return fmt.Errorf("AGORA_HTTP_SIGNATURES: want cavage, rfc9421 or double-knock")
	}
	return nil
}

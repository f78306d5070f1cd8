package config

import (
	"fmt"
	"strconv"
)

// Federation is the configuration of federation beyond the basics
// (docs/federation.md, "Delivery").
type Federation struct {
	// HostConcurrency is how many deliveries one node sends to one remote
	// host at a time (AGORA_FEDERATION_HOST_CONCURRENCY, default 4).
	HostConcurrency int
	// CircuitFailures is how many consecutive failed deliveries make a host
	// unavailable: its deliveries then wait, except one probe at a time
	// (AGORA_FEDERATION_CIRCUIT_FAILURES, default 10).
	CircuitFailures int
}

// load reads the federation settings.
func (c *Federation) load(get func(k, def string) string) error {
	var err error
	if c.HostConcurrency, err = strconv.Atoi(get("AGORA_FEDERATION_HOST_CONCURRENCY", "4")); err != nil || c.HostConcurrency < 1 || c.HostConcurrency > 64 {
		return fmt.Errorf("AGORA_FEDERATION_HOST_CONCURRENCY: want a number from 1 to 64")
	}
	if c.CircuitFailures, err = strconv.Atoi(get("AGORA_FEDERATION_CIRCUIT_FAILURES", "10")); err != nil || c.CircuitFailures < 1 || c.CircuitFailures > 1000 {
		return fmt.Errorf("AGORA_FEDERATION_CIRCUIT_FAILURES: want a number from 1 to 1000")
	}
	return nil
}

package config

import (
	"strings"
	"testing"
)

func TestFederationModes(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := Load(env())
	if err != nil || c.Federation.AuthorizedFetch || c.Federation.Mode != FederationBlocklist || c.Federation.Allowlist() || c.Federation.Signatures != "cavage" {
		t.Fatalf("defaults: %+v, %v", c.Federation, err)
	}
	c, err = Load(env("AGORA_FEDERATION_AUTHORIZED_FETCH", "true", "AGORA_FEDERATION_MODE", "allowlist", "AGORA_HTTP_SIGNATURES", "double-knock"))
	if err != nil || !c.Federation.AuthorizedFetch || !c.Federation.Allowlist() || c.Federation.Signatures != "double-knock" {
		t.Fatalf("set: %+v, %v", c.Federation, err)
	}
	for _, kv := range [][2]string{{"AGORA_FEDERATION_AUTHORIZED_FETCH", "sometimes"}, {"AGORA_FEDERATION_MODE", "allow"}, {"AGORA_HTTP_SIGNATURES", "rfc9421-only"}} {
		if _, err := Load(env(kv[0], kv[1])); err == nil || !strings.Contains(err.Error(), kv[0]) {
			t.Errorf("%s=%s: got %v", kv[0], kv[1], err)
		}
	}
}

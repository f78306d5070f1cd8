package federation

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestRemoteAttributionDomains: a received actor's attributionDomains are
// normalized as local ones; entries that are not host names are skipped.
func TestRemoteAttributionDomains(t *testing.T) {
	raw := json.RawMessage(`["News.Example", "news.example", "bücher.example", "127.0.0.1", "not a domain", {"id": "blog.example"}, 42]`)
	if got := fmt.Sprint(remoteAttributionDomains(raw)); got != "[news.example xn--bcher-kva.example blog.example]" {
		t.Errorf("remoteAttributionDomains = %s", got)
	}
	if got := remoteAttributionDomains(nil); got == nil || len(got) != 0 {
		t.Errorf("no property = %#v, want an empty list", got)
	}
}

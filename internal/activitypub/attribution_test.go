package activitypub

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/domain"
)

func TestAttributionDomains(t *testing.T) {
	for raw, want := range map[string]string{
		``:                                     "[]",
		`null`:                                 "[]",
		`"news.example"`:                       "[news.example]",
		`["a.example", {"id": "b.example"}]`:   "[a.example b.example]",
		`["a.example", 3, null, [], {"x": 1}]`: "[a.example]",
		`{"not": "a list"}`:                    "[]",
		`[1, 2`:                                "[]",
	} {
		if got := fmt.Sprint(AttributionDomains(json.RawMessage(raw))); got != want {
			t.Errorf("AttributionDomains(%s) = %s, want %s", raw, got, want)
		}
	}
	many := make([]string, MaxAttributionDomains+20)
	for i := range many {
		many[i] = fmt.Sprintf("d%d.example", i)
	}
	raw, _ := json.Marshal(many)
	if got := AttributionDomains(raw); len(got) != MaxAttributionDomains {
		t.Errorf("kept %d domains, want %d", len(got), MaxAttributionDomains)
	}
}

// TestActorAttributionDomains: the actor carries the account's
// attribution domains with their @context term, and a suspended
// account's actor does not.
func TestActorAttributionDomains(t *testing.T) {
	a := &domain.Account{Username: "alice"}
	act := NewActor(a, ActorOptions{BaseURL: "https://agora.example", AttributionDomains: []string{"news.example"}})
	b, _ := json.Marshal(act)
	if !strings.Contains(string(b), `"attributionDomains":["news.example"]`) ||
		!strings.Contains(string(b), `"attributionDomains":{"@id":"toot:attributionDomains","@type":"@id"}`) {
		t.Errorf("actor = %s", b)
	}
	b, _ = json.Marshal(SuspendedActor(act))
	if strings.Contains(string(b), `"attributionDomains":[`) {
		t.Errorf("suspended actor = %s", b)
	}
	b, _ = json.Marshal(NewActor(a, ActorOptions{BaseURL: "https://agora.example"}))
	if strings.Contains(string(b), `"attributionDomains":[`) {
		t.Errorf("actor without domains = %s", b)
	}
}

package lists

import (
	"strings"
	"testing"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

func TestChangesValidation(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		name string
		c    Changes
		ok   bool
	}{
		{"title", Changes{Title: str("Friends")}, true},
		{"trimmed blank title", Changes{Title: str("   ")}, false},
		{"100 characters", Changes{Title: str(strings.Repeat("é", 100))}, true},
		{"101 characters", Changes{Title: str(strings.Repeat("é", 101))}, false},
		{"policy followed", Changes{RepliesPolicy: str("followed")}, true},
		{"policy none", Changes{RepliesPolicy: str("none")}, true},
		{"unknown policy", Changes{RepliesPolicy: str("all")}, false},
	}
	for _, c := range cases {
		l := &store.List{Title: "old", RepliesPolicy: RepliesList}
		err := c.c.apply(l)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok %v", c.name, err, c.ok)
		}
		if err != nil && domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("%s: kind %v, want invalid", c.name, domain.KindOf(err))
		}
	}
	if err := checkIDs(make([]domain.ID, MaxAccountsPerCall+1)); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("too many ids: %v", err)
	}
	if err := checkIDs(nil); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("no ids: %v", err)
	}
}

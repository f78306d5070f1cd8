package search

import (
	"reflect"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		q    string
		want parsedQuery
	}{
		{`running shoes`, parsedQuery{Terms: []string{"running", "shoes"}}},
		{`"quick brown fox" -slow -"lazy dog"`, parsedQuery{Phrases: []string{"quick brown fox"}, Exclude: []string{"slow", "lazy dog"}}},
		{`e-mail`, parsedQuery{Phrases: []string{"e mail"}}},
		{`FROM:Alice@Example.org x`, parsedQuery{Terms: []string{"x"}, From: "alice@example.org"}},
		{`from:@bob has:poll -is:reply is:sensitive`, parsedQuery{From: "bob", HasPoll: &yes, IsReply: &no, IsSensitive: &yes}},
		{`language:FR in:library x`, parsedQuery{Terms: []string{"x"}, Language: "fr", Scope: "library"}},
		{`during:2024-01-31`, parsedQuery{After: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), Before: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}},
		{`after:2024-01-31`, parsedQuery{After: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}},
		{`unknown:thing`, parsedQuery{Phrases: []string{"unknown thing"}}},
		{`"unclosed phrase`, parsedQuery{Phrases: []string{"unclosed phrase"}}},
		{`!!! ---`, parsedQuery{}},
	}
	for _, c := range cases {
		got, err := parseQuery(c.q)
		if err != nil {
			t.Errorf("parseQuery(%q): %v", c.q, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("parseQuery(%q) = %+v, want %+v", c.q, *got, c.want)
		}
	}
	for _, q := range []string{"from:", "from:a/c", "has:video", "is:boost", "language:fra", "before:31/01/2024",
		"in:home", "-from:bob", "-language:fr", "after:2024-02-01 before:2024-01-01"} {
		if _, err := parseQuery(q); err == nil {
			t.Errorf("parseQuery(%q) accepted a bad operator", q)
		}
	}
}

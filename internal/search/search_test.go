package search

import (
	"strings"
	"testing"
)

func TestNormalizeTag(t *testing.T) {
	cases := []struct {
		in, name string
		ok       bool
	}{
		{"GoLang", "golang", true},
		{"café_2", "café_2", true},
		{"日本語", "日本語", true},
		{"x_1", "x_1", true},
		{"123", "", false}, // needs a letter
		{"no-dash", "", false},
		{"two words", "", false},
		{"", "", false},
		{strings.Repeat("a", 100), strings.Repeat("a", 100), true},
		{strings.Repeat("a", 101), "", false},
		{"😀", "", false},
	}
	for _, c := range cases {
		name, display, ok := NormalizeTag(c.in)
		if ok != c.ok || name != c.name || (ok && display != c.in) {
			t.Errorf("NormalizeTag(%q) = %q, %q, %v; want %q, %v", c.in, name, display, ok, c.name, c.ok)
		}
	}
}

func TestLocalStatusID(t *testing.T) {
	svc := &Service{BaseURL: "https://agora.example"}
	cases := map[string]int64{
		"https://agora.example/@alice/1234":                 1234,
		"https://agora.example/users/alice/statuses/1234":   1234,
		"https://agora.example/@alice/1234/extra":           0,
		"https://other.example/@alice/1234":                 0,
		"https://agora.example.evil/@alice/1234":            0,
		"https://agora.example/@alice/99999999999999999999": 0,
	}
	for u, want := range cases {
		if got := svc.localStatusID(u); int64(got) != want {
			t.Errorf("localStatusID(%q) = %d, want %d", u, got, want)
		}
	}
}

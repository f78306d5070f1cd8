package web

import (
	"net/http/httptest"
	"testing"
)

// TestRefererPath checks where a form without return_to goes back to:
// the sending page when it is on this server, else home.
func TestRefererPath(t *testing.T) {
	for _, c := range []struct{ referer, want string }{
		{"http://example.org/@bob/1?x=2", "/@bob/1?x=2"},
		{"https://example.org/public/local", "/public/local"},
		{"https://evil.example/steal", "/"},
		{"javascript:alert(1)", "/"},
		{"", "/"},
		{"http://example.org//evil.example/x", "/"},
	} {
		r := httptest.NewRequest("POST", "http://example.org/web/statuses/1", nil)
		r.Header.Set("Referer", c.referer)
		if got := refererPath(r); got != c.want {
			t.Errorf("refererPath(%q) = %q, want %q", c.referer, got, c.want)
		}
	}
}

package oauth

import (
	"net/http/httptest"
	"testing"
)

func TestMessagesHaveSameKeys(t *testing.T) {
	for lang, m := range messages {
		for k := range messages["en"] {
			if m[k] == "" {
				t.Errorf("%s: no text for %q", lang, k)
			}
		}
		for k := range m {
			if _, ok := messages["en"][k]; !ok {
				t.Errorf("%s: %q is not in English", lang, k)
			}
		}
	}
}

func TestLanguage(t *testing.T) {
	for _, tc := range []struct{ param, accept, want string }{
		{"", "", "en"},
		{"fr", "", "fr"},
		{"fr-CA", "", "fr"},
		{"de", "", "en"},
		{"", "de-DE,fr-FR;q=0.8,en;q=0.5", "fr"},
		{"en", "fr", "en"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", tc.accept)
		if got := language(r, tc.param); got != tc.want {
			t.Errorf("language(%q, %q) = %q, want %q", tc.param, tc.accept, got, tc.want)
		}
	}
}

func TestFormActionSource(t *testing.T) {
	for in, want := range map[string]string{
		"https://app.example/cb?x=1": "https://app.example",
		"http://127.0.0.1:4000/cb":   "http://127.0.0.1:4000",
		"elk://oauth/callback":       "elk:",
		"com.example.app:/oauth":     "com.example.app:",
		"urn:ietf:wg:oauth:2.0:oob":  "",
	} {
		if got := formActionSource(in); got != want {
			t.Errorf("formActionSource(%q) = %q, want %q", in, got, want)
		}
	}
}

package web

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMessagesComplete checks that English and French have the same keys
// and that every key the templates and handlers name exists.
func TestMessagesComplete(t *testing.T) {
	for key := range messagesEN {
		if _, ok := messagesFR[key]; !ok {
			t.Errorf("French lacks %q", key)
		}
	}
	for key := range messagesFR {
		if _, ok := messagesEN[key]; !ok {
			t.Errorf("English lacks %q", key)
		}
	}
	used := map[string]bool{}
	re := regexp.MustCompile(`Tr\(?\s*"([a-z_]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	// Keys built from a prefix and a value.
	for _, k := range []string{"vis_public", "vis_unlisted", "vis_private", "vis_direct", "nav_local", "nav_federated",
		"nav_favourites", "nav_bookmarks", "intro_local", "intro_federated", "empty_favourites", "empty_bookmarks",
		"tab_followers", "tab_following", "notif_mention", "notif_reblog", "notif_follow", "notif_favourite",
		"count_posts", "count_following", "count_followers", "flash_posted", "flash_saved", "flash_welcome"} {
		used[k] = true
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use: the pattern is wrong", len(used))
	}
	for k := range used {
		if strings.HasSuffix(k, "_") {
			continue
		}
		if _, ok := messagesEN[k]; !ok {
			t.Errorf("key %q is used but has no text", k)
		}
	}
}

func TestPickLanguage(t *testing.T) {
	for _, c := range []struct{ header, locale, want string }{
		{"", "", "en"},
		{"fr-FR,fr;q=0.9,en;q=0.8", "", "fr"},
		{"de-DE,de;q=0.9,fr;q=0.5", "", "fr"},
		{"de", "", "en"},
		{"fr", "en", "en"},
		{"en", "fr", "fr"},
		{"fr;q=0, en", "", "en"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", c.header)
		if got := pickLanguage(r, c.locale); got != c.want {
			t.Errorf("pickLanguage(%q, %q) = %q, want %q", c.header, c.locale, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{{"en", 0, "0"}, {"en", 999, "999"}, {"en", 1234567, "1,234,567"}, {"fr", 12345, "12\u202f345"}, {"fr", -1000, "-1\u202f000"}} {
		if got := formatNumber(c.lang, c.n); got != c.want {
			t.Errorf("formatNumber(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	d := time.Date(2026, 8, 3, 9, 5, 0, 0, time.UTC)
	if got := formatDate("fr", d); got != "3 août 2026, 09:05 UTC" {
		t.Errorf("French date: %q", got)
	}
	if got := formatDate("en", d); got != "Aug 3, 2026, 09:05 UTC" {
		t.Errorf("English date: %q", got)
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/@bob/1": "/@bob/1", "": "/", "//evil.example": "/", "/\\evil.example": "/", "https://evil.example/": "/",
		"javascript:alert(1)": "/", "/public?max_id=3": "/public?max_id=3",
	} {
		if got := localPath(in, "/"); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

package web

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agora-social/agora/internal/abuse"
	"github.com/agora-social/agora/internal/domain"
)

// TestServiceErrorsInFrench checks that errors services give a key are
// shown in the page's language, with dates in the reader's zone, and that
// the English message stays the fallback.
func TestServiceErrorsInFrench(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	fr := &view{Lang: "fr", L: messages["fr"], Loc: paris}
	en := &view{Lang: "en", L: messages["en"], Loc: time.UTC}
	ends := time.Date(2026, 12, 4, 16, 30, 0, 0, time.UTC)

	for _, c := range []struct {
		err    error
		fr, en string
	}{
		{abuse.MentionLimit(2, 24, 3, ends),
			"Les nouveaux comptes peuvent mentionner au plus 2 comptes qu’ils ne suivent pas et qui ne les suivent pas par message pendant leurs 24 premières heures ; ce message en mentionne 3. Cette limite prend fin le 4 déc. 2026, 17:30 CET.",
			"New accounts may mention at most 2 accounts they do not follow and that do not follow them per post during their first 24 hours; this post mentions 3. This limit ends on Dec 4, 2026, 16:30 UTC."},
		{abuse.PostRateLimit(10, 24, ends),
			"Les nouveaux comptes peuvent publier au plus 10 messages par heure pendant leurs 24 premières heures : réessayez plus tard. Cette limite prend fin le 4 déc. 2026, 17:30 CET.", ""},
		{abuse.LinkLimit(0, 24, 1, ends),
			"Les nouveaux comptes ne peuvent pas publier de liens vers d’autres sites pendant leurs 24 premières heures. Cette limite prend fin le 4 déc. 2026, 17:30 CET.", ""},
		{abuse.LinkLimit(1, 24, 3, ends),
			"Les nouveaux comptes peuvent mettre au plus 1 liens vers d’autres sites par message pendant leurs 24 premières heures ; ce message en a 3. Cette limite prend fin le 4 déc. 2026, 17:30 CET.", ""},
		// Nested: a list of row errors, each translated.
		{domain.Invalid("Nothing was imported").Tr("imp_err_bad_rows", []error{
			domain.Invalid("line 2").Tr("imp_err_line", 2, domain.Invalid("x").Tr("imp_err_not_acct", "not a handle")),
			errors.New("…")}),
			"Rien n’a été importé : ligne 2 : « not a handle » n’est pas une adresse de compte (utilisateur@serveur); …",
			`Nothing was imported: line 2: "not a handle" is not an account address (user@server); …`},
		// No key, an unknown key: the service's English message.
		{domain.Invalid("Validation failed: something"), "Validation failed: something", "Validation failed: something"},
		{domain.Invalid("Only in English").Tr("no_such_key"), "Only in English", "Only in English"},
		{errors.New("internal detail"), "error", "error"},
	} {
		if got := fr.Err(c.err); got != c.fr {
			t.Errorf("French:\n got %q\nwant %q", got, c.fr)
		}
		if c.en != "" {
			if got := en.Err(c.err); got != c.en {
				t.Errorf("English:\n got %q\nwant %q", got, c.en)
			}
		}
	}
	// The API's text stays English, the end in UTC.
	if got := abuse.MentionLimit(2, 24, 3, ends).Message; !strings.HasSuffix(got, "This limit ends on 2026-12-04 16:30 UTC.") {
		t.Errorf("API message = %q", got)
	}
	// A keyed error still matches its kind.
	if !errors.Is(abuse.PostRateLimit(10, 24, ends), domain.ErrRateLimited) || domain.KindOf(abuse.LinkLimit(0, 24, 1, ends)) != domain.KindInvalid {
		t.Error("keyed errors lost their kind")
	}
}

// TestServiceErrorKeys checks that every key the services name exists in
// English and French, with the same number of arguments.
func TestServiceErrorKeys(t *testing.T) {
	re := regexp.MustCompile(`\.Tr\("([a-z_]+)"`)
	verbs := regexp.MustCompile(`%[a-z]`)
	found := 0
	for _, dir := range []string{"../abuse", "../imports", "../moderation", "../store", "../accounts", "../statuses", "../filters", "../lists"} {
		files, _ := filepath.Glob(dir + "/*.go")
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				found++
				en, okEN := messagesEN[m[1]]
				frText, okFR := messagesFR[m[1]]
				if !okEN || !okFR {
					t.Errorf("%s: key %q lacks a text (en %v, fr %v)", f, m[1], okEN, okFR)
					continue
				}
				if a, b := len(verbs.FindAllString(en, -1)), len(verbs.FindAllString(frText, -1)); a != b {
					t.Errorf("key %q: %d arguments in English, %d in French", m[1], a, b)
				}
			}
		}
	}
	if found < 100 {
		t.Fatalf("found only %d keys: the pattern is wrong", found)
	}
}

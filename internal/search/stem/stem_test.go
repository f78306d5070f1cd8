package stem

import (
	"slices"
	"testing"
)

func TestDocumentAndForms(t *testing.T) {
	docs := []struct{ lang, text, want string }{
		{"fr", "Ils chantaient à l'école", "il chant écol"},
		{"en", "She was running", "run"},
		{"", "chantaient running", "chant run"}, // English and French
		{"de", "Die Kinder spielten", ""},       // no German stemmer
		{"fr", "", ""},
	}
	for _, c := range docs {
		if got := Document(c.lang, c.text); got != c.want {
			t.Errorf("Document(%q, %q) = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
	forms := []struct {
		word, lang string
		want       []string
	}{
		{"chanter", "", []string{"chant", "chanter"}},
		{"MANGÉ", "", []string{"mang", "mangé"}},
		{"corriendo", "es", []string{"corr", "corriendo"}},
		{"chant", "", []string{"chant"}},
	}
	for _, c := range forms {
		if got := Forms(c.word, c.lang); !slices.Equal(got, c.want) {
			t.Errorf("Forms(%q, %q) = %q, want %q", c.word, c.lang, got, c.want)
		}
	}
	if got := PlainText(`<p>a <a href="x">b</a>&amp;c</p>`); got != " a  b &c " {
		t.Errorf("PlainText = %q", got)
	}
}

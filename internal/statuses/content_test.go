package statuses

import (
	"strings"
	"testing"
)

func TestCountLength(t *testing.T) {
	cases := []struct {
		text string
		want int
	}{
		{"", 0},
		{"héllo", 5},
		{"a https://example.org/" + strings.Repeat("x", 100), 2 + URLLength},
		{"see https://example.org/x.", 4 + URLLength + 1}, // the full stop is not part of the link
		{"@bob@remote.example hi", len("@bob") + 3},
		{"@bob hi", 7},
		{"#tag 😀", 6},
	}
	for _, c := range cases {
		if got := countLength(c.text); got != c.want {
			t.Errorf("countLength(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func TestRenderHTML(t *testing.T) {
	mentions := map[string]mentionTarget{
		"bob":                  {URL: "https://here/@bob"},
		"carol@remote.example": {URL: "https://remote.example/@carol"},
	}
	cases := []struct {
		name, text, want string
	}{
		{"escaping", `<script>"x" & 'y'</script>`, `<p>&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</p>`},
		{"paragraphs", "a\nb\n\n\nc", `<p>a<br />b</p><p>c</p>`},
		{"crlf", "a\r\nb", `<p>a<br />b</p>`},
		{"empty", "", ``},
		{"local mention", "hi @Bob!", `<p>hi <span class="h-card" translate="no"><a href="https://here/@bob" class="u-url mention">@<span>Bob</span></a></span>!</p>`},
		{"remote mention", "@carol@remote.example", `<p><span class="h-card" translate="no"><a href="https://remote.example/@carol" class="u-url mention">@<span>carol</span></a></span></p>`},
		{"unknown mention", "@dave", `<p>@dave</p>`},
		{"email is no mention", "bob@example.org", `<p>bob@example.org</p>`},
		{"hashtag", "#Café", `<p><a href="https://base/tags/café" class="mention hashtag" rel="tag">#<span>Café</span></a></p>`},
		{"number is no hashtag", "#123", `<p>#123</p>`},
		{"anchor is no hashtag", "a&#b", `<p>a&amp;#b</p>`},
		{"short link", "https://example.org/a?b=1&c=2", `<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="">example.org/a?b=1&amp;c=2</span><span class="invisible"></span></a></p>`},
		{"www link in parens", "(http://www.example.org/x)", `<p>(<a href="http://www.example.org/x" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">http://www.</span><span class="">example.org/x</span><span class="invisible"></span></a>)</p>`},
		{"hashtag in link", "https://example.org/#frag", `<p><a href="https://example.org/#frag" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="">example.org/#frag</span><span class="invisible"></span></a></p>`},
	}
	for _, c := range cases {
		if got := renderHTML(c.text, "https://base", mentions); got != c.want {
			t.Errorf("%s: renderHTML(%q) =\n%s\nwant\n%s", c.name, c.text, got, c.want)
		}
	}
}

func TestExtractTagsAndMentions(t *testing.T) {
	if got := tagsOf("#Go #go #rust"); len(got) != 2 || got[0] != "Go" || got[1] != "rust" {
		t.Errorf("tagsOf = %v", got)
	}
	got := mentionsOf("@a @A @b@x.example @b@X.example")
	if len(got) != 2 || got[0] != [2]string{"a", ""} || got[1] != [2]string{"b", "x.example"} {
		t.Errorf("mentionsOf = %v", got)
	}
	for _, code := range []string{"en", "fr", "zh"} {
		if !ValidLanguage(code) {
			t.Errorf("%s rejected", code)
		}
	}
	for _, code := range []string{"", "eng", "xx", "EN"} {
		if ValidLanguage(code) {
			t.Errorf("%q accepted", code)
		}
	}
}
